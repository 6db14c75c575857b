"""The action plan's changes: save an action, accept a risk, merge actions, and give every
finding that needs one its default action.

Each is one transaction. An action's free text (recommendation, notes, the reason a risk was
accepted) goes through the identifier check here, and what the person chose to keep is recorded
with the save. The rules themselves (merging, risk acceptance, default actions) live in
`datawalk.actions`, which never touches the store.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from datawalk.accounts.roles import allows
from datawalk.actions import Scored, merge_actions, validate_action
from datawalk.errors import ValidationError
from datawalk.models import Action, Finding
from datawalk.privacy.text_checks import TextField, check_free_text
from datawalk.services.authorization import (
    Permission,
    by_id,
    check_action_change,
    guard,
    of,
    stored_action,
)
from datawalk.services.findings import SteppedActions, keep_default_actions_in_step
from datawalk.services.workspace import Actor, Workspace, checked

TEXT_LABELS = {
    "recommendation": "Recommendation",
    "notes": "Notes",
    "accepted_reason": "Accepted reason",
}


@guard(Permission.UPDATE_ACTIONS, of("action"))
def save_action(
    workspace: Workspace, actor: Actor, action: Action, *, keep: Collection[str] = ()
) -> Action:
    """Store a new or edited action; return it as stored.

    `keep` names the free-text fields whose possible pupil identifiers the person chose to keep;
    they are recorded (by field and kind, never the text) in the same transaction.

    Raises:
        ValidationError: risk accepted without its reason, acceptor or date; a possible
            identifier not kept; findings of another audit (each names its field).
        ConflictError: someone changed the action since `action.version`, the one this edit
            started from (the message names who and when); nothing was written.
        NotFoundError: the audit is gone.
    """
    action = checked(action)
    validate_action(action)
    check_action_change(workspace, actor, action, stored_action(workspace, action))
    store = workspace._store
    with store.transaction():
        audit = store.get_audit(action.audit_id)
        texts = [
            TextField(name, label, getattr(action, name)) for name, label in TEXT_LABELS.items()
        ]
        kept = check_free_text(texts, audit.walk_at.date(), keep)
        saved = store.save_action(action, actor.name)
        if kept:
            store.record_kept_identifiers(
                audit.id, actor.name, entity="action", entity_id=saved.id, kept=kept
            )
    return saved


@guard(Permission.PLAN_ACTIONS, by_id("audit_id"))
def merge(workspace: Workspace, actor: Actor, audit_id: str, action_ids: Sequence[str]) -> Action:
    """Merge stored actions into the highest-priority one and delete the rest, all or nothing;
    return the survivor, which covers every finding the others did.

    Raises:
        ValidationError: fewer than two of the ids are actions of this audit.
    """
    wanted = set(action_ids)
    store = workspace._store
    with store.transaction():
        chosen = [action for action in store.list_actions(audit_id) if action.id in wanted]
        if len(chosen) < len(wanted):
            raise ValidationError(
                "An action chosen to merge was changed or deleted meanwhile; nothing was merged.",
                field="actions",
            )
        merged = store.save_action(merge_actions(chosen), actor.name)
        for action in chosen:
            if action.id != merged.id:
                store.delete_action(action.id, actor.name)
    return merged


@dataclass(frozen=True)
class ScoredAudit:
    """An audit's findings and actions as read at one audit version, with the findings' scores
    in the same order (rows of the one scored table, `datawalk.actions.table_scores`): what an
    export has in hand already, so keeping the plan in step need not read and score again."""

    version: int
    findings: Sequence[Finding]
    scores: Sequence[Scored]
    actions: Sequence[Action]  # the plan as read at the same version


@guard(Permission.READ_GOVERNORS, by_id("audit_id"))
def sync_default_actions(workspace: Workspace, actor: Actor, audit_id: str) -> list[Action]:
    """Give every finding of the audit that needs one its default action, and close untouched
    defaults of findings that no longer do; return the actions created.

    Actions someone edited, merged or closed are never touched or duplicated, so this is safe
    whenever the plan is shown or exported.

    Raises:
        NotFoundError: the audit is gone.
    """
    return _keep_plan_in_step(workspace, actor, audit_id, None).created


@guard(Permission.READ_GOVERNORS, by_id("audit_id"))
def keep_plan_in_step(
    workspace: Workspace, actor: Actor, audit_id: str, scored: ScoredAudit
) -> SteppedActions:
    """`sync_default_actions` with the findings and scores the caller read and scored: they are
    used as they are while the audit is still at `scored.version` (nothing changed since), else
    the findings are read and scored again inside the transaction. Returns the actions created
    and closed, so the caller knows whether the plan it read is still the plan.

    Raises:
        NotFoundError: the audit is gone.
    """
    return _keep_plan_in_step(workspace, actor, audit_id, scored)


def _keep_plan_in_step(
    workspace: Workspace, actor: Actor, audit_id: str, scored: ScoredAudit | None
) -> SteppedActions:
    if not allows(actor.role, Permission.PLAN_ACTIONS):
        return SteppedActions()  # a school's reader sees the plan as it is; only planners add
    store = workspace._store
    with store.transaction():
        audit = store.get_audit(audit_id)
        if scored is not None and scored.version == audit.version:
            return keep_default_actions_in_step(
                workspace,
                actor,
                audit,
                scored.findings,
                scores=scored.scores,
                actions=scored.actions,
            )
        findings = store.findings_for_scoring(audit_id)
        return keep_default_actions_in_step(workspace, actor, audit, findings)
