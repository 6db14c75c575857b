"""The audit trail: which fields each write changed, recorded in the write's own transaction.

Values are recorded as old/new pairs, except free text (notes and the like), of which only the
fact of the change is kept: the trail must never become a second copy of what retention deletes.
Bytes (photos, floor plans) are summarised by size; a pinned checklist by id, version and hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from datawalk.editing import stale_message
from datawalk.models import (
    Action,
    Audit,
    Finding,
    Location,
    Photo,
    TrailEvent,
    new_ids,
    utc_now,
)

from . import tables
from .bulk import execute_many
from .mapping import trail_from_row, trail_to_row

FREE_TEXT_FIELDS = frozenset(
    {
        "notes",
        "good_practice_note",
        "title",
        "scope_limitations",
        "overall_opinion",
        "accepted_reason",
        "caption",
        "recommendation",
    }
)
# Bookkeeping that changes on every write and would only add noise.
_SKIPPED = frozenset({"id", "audit_id", "created_at", "updated_at", "version", "photos"})
ACTOR_MAX = 200

Snapshot = dict[str, Any]


def audit_snapshot(audit: Audit) -> Snapshot:
    """Return the audit's trail fields; plan bytes and checklist content only summarised."""
    data = audit.model_dump(mode="json", exclude={*_SKIPPED, "checklist", "site"})
    data["checklist"] = {
        "id": audit.checklist.id,
        "version": audit.checklist.version,
        "content_hash": audit.checklist.content_hash,
    }
    site = audit.site.model_dump(mode="json", exclude={"floors"})
    site["floors"] = [
        {
            "id": floor.id,
            "name": floor.name,
            "order": floor.order,
            "plan_bytes": None if floor.plan is None else len(floor.plan.data),
        }
        for floor in audit.site.floors
    ]
    data["site"] = site
    return data


def location_snapshot(location: Location) -> Snapshot:
    return location.model_dump(mode="json", exclude=set(_SKIPPED))


def finding_snapshot(finding: Finding) -> Snapshot:
    return finding.model_dump(mode="json", exclude=set(_SKIPPED))


def photo_snapshot(photo: Photo, finding_id: str) -> Snapshot:
    """Return id-level facts about a photo: its size and redaction, never its bytes."""
    redaction = photo.redaction
    return {
        "finding_id": finding_id,
        "media_type": photo.media_type,
        "width": photo.width,
        "height": photo.height,
        "size": len(photo.data),
        "caption": photo.caption,
        "needs_review": photo.needs_review or redaction is None,
        "redaction": None
        if redaction is None
        else {
            "pipeline_version": redaction.pipeline_version,
            "boxes": len(redaction.boxes),
            "dropped_boxes": len(redaction.dropped_boxes),
            "confirmed_by": redaction.confirmed_by,
        },
    }


def action_snapshot(action: Action) -> Snapshot:
    return action.model_dump(mode="json", exclude=set(_SKIPPED))


def diff(old: Snapshot | None, new: Snapshot | None) -> dict[str, Any]:
    """Return {field: {"old": a, "new": b}} for changed fields; free text gets {"changed": true}.

    A create (old is None) lists the fields set, a delete (new is None) the fields removed; empty
    free text on either side is not a change worth recording.
    """
    old = old or {}
    new = new or {}
    changes: dict[str, Any] = {}
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name in FREE_TEXT_FIELDS:
            if before or after:
                changes[name] = {"changed": True}
            continue
        change: dict[str, Any] = {}
        if name in old:
            change["old"] = before
        if name in new:
            change["new"] = after
        changes[name] = change
    return changes


def record(
    connection: Connection,
    *,
    audit_id: str,
    actor: str,
    entity: str,
    entity_id: str,
    operation: str,
    changes: dict[str, Any],
) -> TrailEvent:
    """Write one trail event on `connection`, i.e. inside the caller's transaction."""
    event = TrailEvent(
        audit_id=audit_id,
        at=utc_now(),
        actor=actor[:ACTOR_MAX],
        entity=entity,
        entity_id=entity_id,
        operation=operation,
        changes=changes,
    )
    connection.execute(insert(tables.trail_events), [trail_to_row(event)])
    return event


def record_change(
    connection: Connection,
    *,
    audit_id: str,
    actor: str,
    entity: str,
    entity_id: str,
    old: Snapshot | None,
    new: Snapshot | None,
) -> TrailEvent | None:
    """Record a create (old None), delete (new None) or update; an update that changes nothing
    is not recorded. Returns the event, or None when nothing was written."""
    operation = "create" if old is None else "delete" if new is None else "update"
    changes = diff(old, new)
    if operation == "update" and not changes:
        return None
    return record(
        connection,
        audit_id=audit_id,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        operation=operation,
        changes=changes,
    )


def record_changes(
    connection: Connection,
    *,
    audit_id: str,
    actor: str,
    entity: str,
    changes: Sequence[tuple[str, Snapshot | None, Snapshot | None]],
) -> int:
    """`record_change` for many rows of one kind in one statement: one event per row (entity
    id, old, new), so a bulk write is recorded exactly as the same writes one by one would be.
    Returns how many events were written.

    The fields all rows share are checked once through `TrailEvent`; per row only the id, the
    entity id (a stored record's), the operation and the diff differ, so no model is built per
    row: a workbook import records 10,000 of them.
    """
    shared = trail_to_row(
        TrailEvent(
            audit_id=audit_id,
            at=utc_now(),
            actor=actor[:ACTOR_MAX],
            entity=entity,
            entity_id=audit_id,
            operation="update",
        )
    )
    per_row = ("id", "entity_id", "operation", "changes")
    rows = []
    # Rows sharing snapshots share a diff: by identity, each pair kept alive beside its diff so
    # that no other snapshot can take its id meanwhile.
    diffs: dict[tuple[int, int], tuple[Any, Any, dict[str, Any]]] = {}
    for entity_id, old, new in changes:
        operation = "create" if old is None else "delete" if new is None else "update"
        known = diffs.get((id(old), id(new)))
        if known is None:
            known = diffs[(id(old), id(new))] = (old, new, diff(old, new))
        changed = known[2]
        if operation == "update" and not changed:
            continue
        rows.append({"entity_id": entity_id, "operation": operation, "changes": changed})
    for row, event_id in zip(rows, new_ids(len(rows)), strict=True):
        row["id"] = event_id
    statement = insert(tables.trail_events).values({name: bindparam(name) for name in shared})
    execute_many(connection, statement, {k: v for k, v in shared.items() if k not in per_row}, rows)
    return len(rows)


def select_trail(connection: Connection, audit_id: str) -> list[TrailEvent]:
    query = (
        select(tables.trail_events)
        .where(tables.trail_events.c.audit_id == audit_id)
        .order_by(tables.trail_events.c.seq)
    )
    return [trail_from_row(row) for row in connection.execute(query).mappings()]


def last_change(connection: Connection, entity: str, entity_id: str) -> tuple[str, datetime] | None:
    """Who made the latest recorded change to one record, and when: what a stale save is told."""
    t = tables.trail_events
    row = connection.execute(
        select(t.c.actor, t.c.at)
        .where(t.c.entity == entity, t.c.entity_id == entity_id)
        .order_by(t.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (row.actor, row.at)


def stale_change(connection: Connection, entity: str, entity_id: str, updated_at: datetime) -> str:
    """The message for a save made from an older version of this record than the stored one."""
    changed = last_change(connection, entity, entity_id)
    by, at = changed if changed is not None else ("", updated_at)
    return stale_message(by, at)
