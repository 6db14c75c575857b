"""Re-walks: start next year's walk from a completed one, and record what was found this time.

A re-walk copies the school, site, floors, plans and locations, never photos, notes or anything
retention has purged: last time's findings come along as structured copies only, each to be
marked Resolved, Still as it was, Changed or Not checked. It pins the newest copy of the
checklist (the previous audit keeps its own). Open actions carry over, linked to their origin;
accepted risks carry over flagged for the school to accept again. Each use case is one
transaction with its trail events.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import date, datetime

from datawalk.checklist import checklist_from_pin, pin_checklist
from datawalk.checklist.versions import VersionStep, version_step
from datawalk.editing import DraftHolder
from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import (
    ActionStatus,
    Audit,
    AuditStatus,
    CarriedAction,
    Finding,
    Location,
    PinnedChecklist,
    RewalkItem,
    RewalkRecord,
    RewalkState,
    new_id,
    utc_now,
)
from datawalk.privacy.text_checks import TextField, check_free_text
from datawalk.rewalk.carry import finding_from_snapshot, snapshot_of
from datawalk.services.authorization import Permission, by_id, by_rewalk_item, guard
from datawalk.services.carried_actions import (  # the walk page calls these through this module
    _close_carried,
    accept_risk_again,  # noqa: F401
    close_carried_action,  # noqa: F401
)
from datawalk.services.findings import save_finding
from datawalk.services.workspace import Actor, Workspace, checked
from datawalk.vocabulary import Checklist

log = logging.getLogger(__name__)
CLOSED_STATES = (AuditStatus.COMPLETE, AuditStatus.ARCHIVED)
NOTE_LABEL = "Note on what was fixed"


def newest_pin(current: PinnedChecklist, library: Iterable[Checklist]) -> PinnedChecklist:
    """Return the newest library copy of the audit's checklist, else the audit's own pin."""
    best = current
    for checklist in library:
        if checklist.id != current.id:
            continue
        pin = pin_checklist(checklist)
        if version_step(best, pin) in (VersionStep.NEWER, VersionStep.EDITED):
            best = pin
    return best


@guard(Permission.WALK, by_id("previous_audit_id"))
def start_rewalk(
    workspace: Workspace,
    actor: Actor,
    previous_audit_id: str,
    library: Iterable[Checklist],
    *,
    walk_at: datetime | None = None,
) -> Audit:
    """Start a re-walk of a completed audit; return the new audit (in progress).

    Raises:
        ValidationError: the previous audit is still in progress.
        NotFoundError: it is gone.
    """
    store = workspace._store
    with store.transaction():
        previous = store.get_audit(previous_audit_id)
        if previous.status not in CLOSED_STATES:
            raise ValidationError(
                "Complete this walk before starting the next one from it.", field="audit"
            )
        audit = store.create_audit(_next_audit(previous, actor, library, walk_at), actor.name)
        places = _copy_locations(workspace, actor, previous.id, audit.id)
        findings = store.findings_for_scoring(previous.id)
        items = [
            RewalkItem(
                audit_id=audit.id,
                location_id=places[finding.location_id],
                ordinal=ordinal,
                previous_finding_id=finding.id,
                previous_reference=finding.reference or "",
                previous=snapshot_of(finding, previous.walk_at.date(), previous.checklist.version),
            )
            for ordinal, finding in enumerate(findings)
            if finding.location_id in places
        ]
        carried = _carried_actions(workspace, previous, audit.id)
        store.add_rewalk_record(
            audit.id, RewalkRecord(items=items, carried_actions=carried), actor.name
        )
    return store.get_audit(audit.id)


def _next_audit(
    previous: Audit, actor: Actor, library: Iterable[Checklist], walk_at: datetime | None
) -> Audit:
    now = utc_now()
    return previous.model_copy(
        update={
            "id": new_id(),
            "walk_at": walk_at or now,
            "auditor": actor.name,
            "accompanied_by": "",
            "scope_limitations": "",
            "overall_opinion": "",
            "status": AuditStatus.IN_PROGRESS,
            "checklist": newest_pin(previous.checklist, library),
            "legal_hold": False,
            "completed_at": None,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "previous_audit_id": previous.id,
        }
    )


def _copy_locations(
    workspace: Workspace, actor: Actor, previous_id: str, audit_id: str
) -> dict[str, str]:
    """Copy every location (name, type, floor, place on the plan); return old id → new id."""
    store = workspace._store
    places: dict[str, str] = {}
    for location in store.list_locations(previous_id):
        copy = Location(
            audit_id=audit_id,
            name=location.name,
            location_type=location.location_type,
            floor_id=location.floor_id,
            position=location.position,
        )
        places[location.id] = store.add_location(copy, actor.name).id
    return places


def _carried_actions(workspace: Workspace, previous: Audit, audit_id: str) -> list[CarriedAction]:
    """Open actions and accepted risks of the previous walk (and those it carried, still open)."""
    store = workspace._store
    carried = [
        CarriedAction(
            audit_id=audit_id,
            origin_action_id=action.id,
            origin_audit_id=previous.id,
            previous_finding_ids=list(action.finding_ids),
            recommendation=action.recommendation,
            owner=action.owner,
            due_date=action.due_date,
            status=action.status,
            accepted_reason=action.accepted_reason,
            accepted_by=action.accepted_by,
            accepted_on=action.accepted_on,
            accept_again=action.status == ActionStatus.RISK_ACCEPTED,
        )
        for action in store.list_actions(previous.id)
        if action.status != ActionStatus.DONE
    ]
    for old in store.rewalk_record(previous.id).carried_actions:
        if old.status != ActionStatus.DONE:
            carried.append(
                old.model_copy(
                    update={
                        "id": new_id(),
                        "audit_id": audit_id,
                        "checked_on": None,
                        "checked_by": "",
                        "accept_again": old.status == ActionStatus.RISK_ACCEPTED,
                    }
                )
            )
    return carried


@guard(Permission.WALK, by_rewalk_item())
def mark_previous_finding(
    workspace: Workspace,
    actor: Actor,
    item_id: str,
    state: RewalkState | str,
    *,
    note: str = "",
    keep_note: bool = False,
    close_actions: bool = False,
    today: date | None = None,
) -> RewalkItem:
    """Record what was found this time at one of last walk's findings; return the item.

    Still as it was: copied as a new finding observed today (no photos or notes of last year;
    its review date is scored again as of this walk). Changed: the same copy saved at once (the
    walk page instead opens it unsaved and records it with `save_changed_finding`). Resolved
    (optionally with a note) and Not checked remove such a copy.
    `close_actions` closes the carried-over actions of a resolved finding, recording today and
    who checked.

    Raises:
        ValidationError: the note holds a possible pupil identifier not kept, or this year's
            checklist no longer has something the finding used (record it as Changed).
        NotFoundError: the item or its audit is gone.
    """
    state = RewalkState(state)
    store = workspace._store
    with store.transaction():
        old = store.get_rewalk_item(item_id)
        audit = store.get_audit_rules(old.audit_id)
        text = note if state is RewalkState.RESOLVED else ""
        kept = check_free_text(
            [TextField("note", NOTE_LABEL, text)],
            audit.walk_at.date(),
            {"note"} if keep_note else (),
        )
        linked = old.new_finding_id
        if state in (RewalkState.STILL, RewalkState.CHANGED) and linked is None:
            linked = _copy_finding(workspace, actor, old, audit).id
        elif state not in (RewalkState.STILL, RewalkState.CHANGED) and linked is not None:
            store.delete_finding(linked, actor.name)
            linked = None
        new = old.model_copy(
            update={
                "state": state,
                "note": text,
                "new_finding_id": linked,
                "decided_by": actor.name if state is not RewalkState.PENDING else "",
                "decided_at": utc_now() if state is not RewalkState.PENDING else None,
            }
        )
        store.update_rewalk_item(old, checked(new), actor.name)
        store.record_kept_identifiers(
            old.audit_id, actor.name, entity="finding", entity_id=item_id, kept=kept
        )
        if state is not RewalkState.RESOLVED:  # its evidence photos go with its note
            store.delete_rewalk_item_photos(new, actor.name)
        if state is RewalkState.RESOLVED and close_actions:
            _close_carried(workspace, actor, new, today or audit.walk_at.date())
    return new


@guard(Permission.WALK, by_rewalk_item())
def save_changed_finding(
    workspace: Workspace,
    actor: Actor,
    item_id: str,
    finding: Finding,
    *,
    keep: Collection[str] = (),
    clear_draft_at: str | None = None,
    draft_holder: DraftHolder | None = None,
) -> Finding:
    """Save the capture form's finding as what one of last walk's findings became (Changed), in
    one transaction; return it as stored.

    "Changed" opens the capture pre-filled and saves nothing: only this save records the
    finding and the item's state, so a cancelled edit leaves the item as it was. An item still
    as it was has its copy edited in place (the form opens that saved finding).

    Raises:
        ValidationError: the finding is not at the item's place, or fails `save_finding`.
        ConflictError: the copy was changed by someone else since it was opened.
        NotFoundError: the item, its audit or its location is gone.
    """
    store = workspace._store
    with store.transaction():
        old = store.get_rewalk_item(item_id)
        if (finding.audit_id, finding.location_id) != (old.audit_id, old.location_id):
            raise ValidationError(
                f"{old.previous_reference} was recorded at another location.", field="location"
            )
        if finding.id != old.new_finding_id and old.new_finding_id is not None:
            store.delete_finding(old.new_finding_id, actor.name)
        saved = save_finding(
            workspace,
            actor,
            finding,
            keep=keep,
            clear_draft_at=clear_draft_at,
            draft_holder=draft_holder,
        )
        new = old.model_copy(
            update={
                "state": RewalkState.CHANGED,
                "note": "",
                "new_finding_id": saved.id,
                "decided_by": actor.name,
                "decided_at": utc_now(),
            }
        )
        store.update_rewalk_item(old, checked(new), actor.name)
    return saved


def _copy_finding(workspace: Workspace, actor: Actor, item: RewalkItem, audit: Audit) -> Finding:
    finding = finding_from_snapshot(item, audit.id)
    try:
        return save_finding(workspace, actor, finding)
    except ValidationError as error:
        raise ValidationError(
            f"{item.previous_reference} uses something this year's checklist no longer has "
            f"({error}). Record it as Changed and choose again.",
            field="state",
        ) from error


@guard(Permission.WALK, by_id("audit_id"))
def set_location_not_checked(
    workspace: Workspace, actor: Actor, audit_id: str, location_id: str, not_checked: bool
) -> None:
    """Mark a whole location not checked this time (a locked room), or checked after all.

    Its previous findings still waiting become Not checked; unmarking puts them back to waiting.
    """
    store = workspace._store
    with store.transaction():
        store.get_location(location_id)
        store.set_location_unchecked(audit_id, location_id, not_checked, actor.name)
        for item in store.rewalk_record(audit_id).items:
            if item.location_id != location_id:
                continue
            if not_checked and item.state is RewalkState.PENDING:
                mark_previous_finding(workspace, actor, item.id, RewalkState.NOT_CHECKED)
            elif not not_checked and item.state is RewalkState.NOT_CHECKED:
                mark_previous_finding(workspace, actor, item.id, RewalkState.PENDING)


def keep_trend_summary(workspace: Workspace, audit_id: str) -> None:
    """Keep the walk's per-location counts and worst levels (no personal data) for the trend,
    before its records are deleted at the end of their retention.

    A walk that cannot be summarised (its pinned checklist no longer scores it) is logged and
    left out of the trend: the trend never holds up a deletion that retention requires.
    """
    from datawalk.rewalk.history import summary_of

    reads = workspace.reads
    audit = reads.get_audit(audit_id)
    try:
        summary = summary_of(reads, audit, checklist_from_pin(audit.checklist))
    except (DataWalkError, ValueError) as error:
        log.warning("walk %s left out of the trend: %s", audit_id, type(error).__name__)
        return
    workspace._store.keep_walk_summary(summary)
