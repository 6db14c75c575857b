"""Recording a download: every file taken out of DataWalk is in the trail of the audits it holds.

Call it as the file is handed over (a download button's callable runs only when tapped), with
each audit whose data the file carries; one transaction records them all or none.
"""

from __future__ import annotations

from collections.abc import Sequence

from datawalk.accounts.roles import Permission
from datawalk.models import TrailEvent
from datawalk.services import authorization
from datawalk.services.workspace import Actor, Workspace
from datawalk.store.downloads import record_download as _record


def record_download(
    workspace: Workspace, actor: Actor, audit_ids: Sequence[str], what: str, filename: str
) -> list[TrailEvent]:
    """Record that `actor` downloaded `what` ("calendar", "workbook", …) as `filename`, built
    from these audits; return the events, one per audit.

    Raises:
        NotFoundError: an audit is gone or outside the actor's scope (nothing is recorded).
        PermissionDeniedError: the actor may not read these audits.
    """
    for audit_id in audit_ids:
        # The least a file can carry: what the governors edition shows.
        authorization.require_audit(workspace, actor, Permission.READ_GOVERNORS, audit_id)
    store = workspace._store
    with store.transaction():
        return _record(store, audit_ids, actor.name, what, filename)
