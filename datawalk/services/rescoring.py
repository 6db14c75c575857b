"""Rescoring an audit with another copy of its checklist, and the actions that follow from it.

`datawalk.governance.rescoring` decides whether a copy may rescore the audit and previews it;
this applies it in one transaction: the audit is re-pinned (recorded in the trail), then every
finding's default action is kept in step with its new score. A finding the new copy makes
proportionate has its untouched default action closed; one it lifts out of proportionate gets
its default action. An action someone edited is left as they left it.
"""

from __future__ import annotations

from datawalk.governance.rescoring import check_rescore, require_fit
from datawalk.models import Audit
from datawalk.services.authorization import Permission, by_id, guard
from datawalk.services.findings import keep_default_actions_in_step
from datawalk.services.workspace import Actor, Workspace
from datawalk.vocabulary import Checklist


@guard(Permission.WALK, by_id("audit_id"))
def rescore(workspace: Workspace, actor: Actor, audit_id: str, checklist: Checklist) -> Audit:
    """Re-pin the audit to `checklist`, keep its default actions in step, and return it.

    Raises:
        ValidationError: another checklist, an older version, the copy already pinned, or one
            the audit's findings or locations do not fit; nothing is written.
        NotFoundError: the audit is gone.
    """
    store = workspace._store
    with store.transaction():
        audit = store.get_audit(audit_id)
        pin = check_rescore(audit, checklist)
        findings = store.findings_for_scoring(audit_id)
        require_fit(checklist, findings, store.list_locations(audit_id))
        rescored = store.repin_checklist(audit_id, pin, actor.name)
        keep_default_actions_in_step(workspace, actor, rescored, findings)
    return rescored
