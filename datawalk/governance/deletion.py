"""Retention on the audits on file: what is due for deletion now, and deleting it, on time or on
request, only when the rules allow.

`datawalk.privacy.retention` owns the periods and the due rule; the store owns the deleting (and
refuses anything on legal hold, and scrubs the files after it: SQLite's WAL checkpointed,
PostgreSQL's tables vacuumed), called by `datawalk.services.audits`. This module joins them and
only reads: it works out which audits were cleared already, and re-checks an item is still due
before anything is deleted, because the list on screen can be stale (reopened in another tab, a
hold placed meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from datawalk.errors import ValidationError
from datawalk.models import Audit, AuditStatus
from datawalk.privacy.retention import (
    RetentionItem,
    RetentionPolicy,
    RetentionScope,
    add_months,
    due_for_deletion,
)
from datawalk.store import AuditSummary, Tombstone

if TYPE_CHECKING:
    from datawalk.services.workspace import Reads
    from datawalk.store import Store

# The free text `Store.purge_photos_and_text` empties (an action's recommendation is kept: it is
# the action itself, not a note about people). Photo captions go with their photos.
PURGED_TEXT_FIELDS = (
    "scope_limitations",
    "overall_opinion",
    "notes",
    "good_practice_note",
    "title",
    "accepted_reason",
)


@dataclass(frozen=True)
class RetentionOverview:
    """What the Audits page shows about retention, with the periods it was worked out with."""

    policy: RetentionPolicy
    due: list[RetentionItem]
    held: list[RetentionItem]  # would be due, but the audit is on legal hold
    tombstones: list[Tombstone]


def retention_overview(
    store: Store | Reads, now: datetime, policy: RetentionPolicy | None = None
) -> RetentionOverview:
    """Return what is due for deletion at `now`, what only a legal hold keeps, and the tombstones.

    An audit whose photos and free text are gone already (purged, or never had any) is listed
    again only when its whole record falls due.
    """
    rules = policy or RetentionPolicy()
    audits = [store.get_audit(s.id) for s in store.list_audits() if _may_be_due(s, now, rules)]
    cleared = {audit.id for audit in audits if not holds_photos_or_text(store, audit)}
    free = [audit for audit in audits if not audit.legal_hold]
    held = [audit.model_copy(update={"legal_hold": False}) for audit in audits if audit.legal_hold]
    return RetentionOverview(
        policy=rules,
        due=due_for_deletion(free, now, rules, already_cleared=cleared),
        held=due_for_deletion(held, now, rules, already_cleared=cleared),
        tombstones=store.list_tombstones(),
    )


def holds_photos_or_text(store: Store | Reads, audit: Audit) -> bool:
    """Return True while the audit keeps photos, free text or drafts the shorter period covers.

    Asked of the data itself rather than of the trail, so an audit with nothing left to purge is
    never listed, and text written after a purge is listed again.
    """
    if store.photo_counts(audit.id) or _has_text(audit):
        return True
    if any(_has_text(f) for f in store.list_findings(audit.id)):
        return True
    if any(_has_text(a) for a in store.list_actions(audit.id)):
        return True
    return store.has_drafts(audit.id)


def check_due(
    store: Store | Reads,
    audit_id: str,
    now: datetime,
    policy: RetentionPolicy | None,
    scope: RetentionScope,
) -> RetentionItem:
    """Return the audit's item due at `now`, if deleting `scope` is due; checked again just
    before a deletion (`datawalk.services.audits`), since the list on screen may be stale.

    Raises:
        ValidationError: nothing is due, or only the photos and notes when `scope` is the whole
            record.
        NotFoundError: no audit has this id.
    """
    audit = store.get_audit(audit_id)
    cleared = () if holds_photos_or_text(store, audit) else (audit.id,)
    items = due_for_deletion([audit], now, policy, already_cleared=cleared)
    if not items:
        reason = "it is on legal hold" if audit.legal_hold else "nothing in it is due yet"
        raise ValidationError(
            f"Nothing of the audit of {audit.school.name} was deleted: {reason}.",
            field="retention",
        )
    item = items[0]
    if scope is RetentionScope.WHOLE_RECORD and item.scope is not scope:
        raise ValidationError(
            f"Only the photos and notes of {audit.school.name} are due; the audit record is kept "
            f"until {item.due_at:%d %b %Y} at the earliest. Use 'Delete audit…' on its card to "
            "delete it on request.",
            field="retention",
        )
    return item


def check_confirm_name(audit: Audit, typed_name: str) -> None:
    """Deletion on request needs the school's name typed (spacing and case aside).

    Raises:
        ValidationError: the typed name is not the school's name (field "confirm_name").
    """
    if _normalised(typed_name) != _normalised(audit.school.name):
        raise ValidationError(
            f"To delete this audit, type the school's name exactly: {audit.school.name}.",
            field="confirm_name",
        )


def _may_be_due(summary: AuditSummary, now: datetime, rules: RetentionPolicy) -> bool:
    """A cheap first pass on the list row, so only audits past the shorter period are read whole.

    `due_for_deletion` decides; this only skips audits it would certainly pass over (in progress,
    or completed too recently), counting from the same moment it does.
    """
    if summary.status == AuditStatus.IN_PROGRESS:
        return False
    started = _aware(summary.completed_at or summary.updated_at)
    return add_months(started, min(rules.photos_months, rules.free_text_months)) <= _aware(now)


def _has_text(model: object) -> bool:
    return any(getattr(model, name, "") for name in PURGED_TEXT_FIELDS)


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
