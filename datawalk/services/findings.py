"""Saving, deleting and undoing a finding, with everything that follows from it in step.

One use case is one transaction: the finding is checked against the audit's pinned checklist,
stored with its photos, its draft cleared, identifiers the consultant chose to keep recorded, and
its default action created (or an untouched one closed once the finding needs none), so the
dashboard's open actions are right the moment a walk is saved, not when a page is next opened.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from datawalk.actions import Scored, default_actions, needs_action
from datawalk.checklist import checklist_of_stored_pin
from datawalk.editing import DraftHolder
from datawalk.models import Action, ActionStatus, Audit, Finding
from datawalk.privacy.text_checks import check_free_text, finding_text_fields
from datawalk.scoring import score_findings, walk_date
from datawalk.services.authorization import Permission, by_finding, guard, of
from datawalk.services.workspace import Actor, Workspace, checked
from datawalk.validation import validate_finding

# Up to this many findings, only the actions covering them are read (a save reads one finding's).
FEW_FINDINGS = 500
CLOSED_NOTE = "Closed automatically: the finding no longer needs an action."


@guard(Permission.WALK, of("finding"))
def save_finding(
    workspace: Workspace,
    actor: Actor,
    finding: Finding,
    *,
    keep: Collection[str] = (),
    clear_draft_at: str | None = None,
    draft_holder: DraftHolder | None = None,
) -> Finding:
    """Store a new or edited finding; return it as stored (with its reference).

    `keep` names the free-text fields (title, notes, good-practice note, `caption_<photo id>`)
    whose possible pupil identifiers the consultant chose to keep: they are recorded, by field
    and kind, in the same transaction. `clear_draft_at` is the location whose capture draft
    this save completes: `draft_holder`'s (the actor on the shared device unless named), so
    another device's draft there is left alone.

    Raises:
        ValidationError: the finding uses something its audit's checklist does not define, or
            a text field holds a possible pupil identifier not kept (the field is named).
        ConflictError: it was changed or deleted by someone else since it was opened (the
            message names who changed it and when).
        NotFoundError: its audit or location is gone.
    """
    store = workspace._store
    with store.transaction():
        audit = store.get_audit_rules(finding.audit_id)
        finding = checked(finding)
        validate_finding(finding, checklist_of_stored_pin(audit.checklist))
        kept = check_free_text(finding_text_fields(finding), audit.walk_at.date(), keep)
        saved = store.save_finding(finding, actor.name)
        if clear_draft_at is not None:
            holder = draft_holder or DraftHolder(actor.name)
            store.clear_draft(finding.audit_id, clear_draft_at, holder=holder)
        if kept:
            store.record_kept_identifiers(
                finding.audit_id, actor.name, entity="finding", entity_id=saved.id, kept=kept
            )
        keep_default_action_in_step(workspace, actor, audit, saved, new=finding.reference is None)
    return saved


@guard(Permission.WALK, by_finding())
def delete_finding(workspace: Workspace, actor: Actor, finding_id: str) -> Finding:
    """Delete a finding with its photos (an action left covering nothing goes too); return it
    whole, so it can be undone."""
    return workspace._store.delete_finding(finding_id, actor.name)


@guard(Permission.WALK, of("finding"))
def undo_delete(workspace: Workspace, actor: Actor, finding: Finding) -> Finding:
    """Put a deleted finding back as it was, and its default action if it needs one."""
    store = workspace._store
    with store.transaction():
        restored = store.restore_finding(finding, actor.name)
        audit = store.get_audit_rules(restored.audit_id)
        keep_default_action_in_step(workspace, actor, audit, restored)
    return restored


def keep_default_action_in_step(
    workspace: Workspace, actor: Actor, audit: Audit, finding: Finding, *, new: bool = False
) -> Action | None:
    """Give a finding that needs an action its default one; close an untouched default once it
    needs none. An action someone edited is theirs: it is kept as it is.

    `new`: the finding was created in this transaction, so no action can cover it yet.
    Runs inside the caller's transaction; returns the action created or closed, if any.
    """
    stepped = keep_default_actions_in_step(workspace, actor, audit, [finding], new=new)
    changed = stepped.created + stepped.closed
    return changed[0] if changed else None


@dataclass(frozen=True)
class SteppedActions:
    """What keeping default actions in step did: actions created, and untouched ones closed."""

    created: list[Action] = field(default_factory=list)
    closed: list[Action] = field(default_factory=list)


def keep_default_actions_in_step(
    workspace: Workspace,
    actor: Actor,
    audit: Audit,
    findings: Sequence[Finding],
    *,
    new: bool = False,
    scores: Sequence[Scored] | None = None,
    actions: Sequence[Action] | None = None,
) -> SteppedActions:
    """`keep_default_action_in_step` for many findings at once, scored in one pass against the
    audit's pinned checklist (a whole audit after a rescore, or when the plan is opened).

    `scores`, one per finding in the same order, are the findings' scores when the caller has
    them already (an export scores the audit once for everything it writes); else they are
    scored here. `actions` are every action of the audit, when the caller read them in this
    state of the audit; else they are read here. Runs inside the caller's transaction.
    """
    store = workspace._store
    if not findings:
        return SteppedActions()
    checklist = checklist_of_stored_pin(audit.checklist)
    if scores is None:
        places = _places(workspace, audit, findings)
        scores = score_findings(
            list(findings), checklist, walk_date(audit), explain=False, places=places
        )
    ids = [finding.id for finding in findings]
    if new:
        actions = []
    elif actions is None and len(ids) <= FEW_FINDINGS:
        actions = store.list_actions_covering(audit.id, ids)
    elif actions is None:
        actions = store.list_actions(audit.id)
    covering_of: dict[str, list[Action]] = {}
    for action in actions:
        for finding_id in action.finding_ids:
            covering_of.setdefault(finding_id, []).append(action)
    created: list[Action] = []
    closed: list[Action] = []
    uncovered: list[tuple[Finding, Scored]] = []
    to_close: list[Action] = []
    for finding, scored in zip(findings, scores, strict=True):
        covering = covering_of.get(finding.id, [])
        if needs_action(finding, scored):
            if not covering:
                uncovered.append((finding, scored))
            continue
        to_close += [a for a in covering if _is_untouched_default(a, finding)]
    if uncovered:
        defaults = default_actions(
            audit, [f for f, _ in uncovered], [s for _, s in uncovered], checklist
        )
        created = store.add_actions(audit.id, defaults, actor.name)
    if to_close:
        closing = [
            a.model_copy(update={"status": ActionStatus.DONE, "notes": CLOSED_NOTE})
            for a in to_close
        ]
        closed = store.apply_action_updates(audit.id, closing, actor.name)
    return SteppedActions(created=created, closed=closed)


def _places(workspace: Workspace, audit: Audit, findings: Sequence[Finding]) -> dict[str, str]:
    """Location id -> location type of the findings' places, so advice fits the place: one read
    per place for a save, the audit's list for many."""
    store = workspace._store
    ids = {finding.location_id for finding in findings}
    if len(ids) <= 2:
        located = [store.get_location(location_id) for location_id in ids]
    else:
        located = store.list_locations(audit.id)
    return {location.id: location.location_type for location in located}


def _is_untouched_default(action: Action, finding: Finding) -> bool:
    """A default action nobody has edited: still open, for this finding alone, never updated."""
    return (
        action.status == ActionStatus.OPEN
        and action.finding_ids == [finding.id]
        and action.updated_at == action.created_at
        and not action.notes
    )
