"""Re-walk records: last walk's findings carried as structured copies with what was found this
time, carried-over actions, locations not checked this time, and walk summaries kept for the
trend after a walk's records are deleted (see `datawalk.rewalk`).

Trail events use the nearest entity: a carried finding's state is a "finding" event, a carried
action an "action" event, a location not checked a "location" event. Free text (an item's note,
an accepted risk's reason) is recorded only as changed, and purged with the audit's other text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from datawalk.errors import NotFoundError
from datawalk.models import (
    AuditDocument,
    CarriedAction,
    RewalkItem,
    RewalkRecord,
    RewalkState,
    UncheckedLocation,
    utc_now,
)
from datawalk.rewalk.summary import WalkSummary

from . import tables
from .base import StoreBase, bump_audit, require_actor
from .rewalk_photos import insert_rewalk_photos, select_rewalk_photos
from .trail import record

REWALK_TABLES = (tables.rewalk_items, tables.carried_actions, tables.unchecked_locations)


def _item_row(item: RewalkItem) -> dict[str, Any]:
    row = item.model_dump(mode="python", exclude={"photos"})
    row["state"] = item.state.value
    return row


def _carried_row(action: CarriedAction) -> dict[str, Any]:
    row = action.model_dump(mode="python")
    row["status"] = action.status.value
    return row


def insert_rewalk_record(connection: Connection, audit_id: str, rewalk: RewalkRecord) -> None:
    """Insert a re-walk's rows (no trail: the caller records what happened)."""
    if rewalk.items:
        connection.execute(insert(tables.rewalk_items), [_item_row(x) for x in rewalk.items])
        insert_rewalk_photos(connection, rewalk.items)
    if rewalk.carried_actions:
        rows = [_carried_row(x) for x in rewalk.carried_actions]
        connection.execute(insert(tables.carried_actions), rows)
    if rewalk.unchecked_locations:
        rows = [x.model_dump() | {"audit_id": audit_id} for x in rewalk.unchecked_locations]
        connection.execute(insert(tables.unchecked_locations), rows)


def rewalk_problems(
    document: AuditDocument, location_ids: set[str], finding_ids: set[str]
) -> list[str]:
    """Every way a document's re-walk records contradict the rest of it.

    Links to the previous walk (its audit, findings and actions) are not checked: restoring
    the newer walk alone is allowed, and those links then show as missing.
    """
    rewalk = document.rewalk
    if rewalk is None:
        return []
    problems = []
    for item in rewalk.items:
        if item.audit_id != document.audit.id:
            problems.append(f"carried finding {item.previous_reference} belongs to another audit")
        if item.location_id not in location_ids:
            problems.append(f"carried finding {item.previous_reference} is at an unknown location")
        if item.new_finding_id is not None and item.new_finding_id not in finding_ids:
            problems.append(f"carried finding {item.previous_reference} links an unknown finding")
        if item.photos and item.state is not RewalkState.RESOLVED:
            problems.append(f"carried finding {item.previous_reference} has photos, not resolved")
    photo_ids = [photo.id for item in rewalk.items for photo in item.photos]
    if len(photo_ids) != len(set(photo_ids)):
        problems.append("a photo of a resolved finding appears more than once")
    for action in rewalk.carried_actions:
        if action.audit_id != document.audit.id:
            problems.append(f"carried action {action.id!r} belongs to another audit")
    for unchecked in rewalk.unchecked_locations:
        if unchecked.location_id not in location_ids:
            problems.append("a location not checked is not a location of this audit")
    return problems


def rewalk_clash_checks(document: AuditDocument) -> list[tuple[str, Any, list[str]]]:
    """(kind, id column, ids) of the document's re-walk rows, to refuse an import that clashes."""
    if document.rewalk is None:
        return []
    return [
        ("carried finding", tables.rewalk_items.c.id, [x.id for x in document.rewalk.items]),
        ("carried action", tables.carried_actions.c.id,
         [x.id for x in document.rewalk.carried_actions]),
        ("photo", tables.rewalk_photos.c.id,
         [p.id for x in document.rewalk.items for p in x.photos]),
    ]  # fmt: skip


def select_rewalk_record(
    connection: Connection, audit_id: str, *, with_photos: bool = False
) -> RewalkRecord:
    """The audit's re-walk rows; `with_photos` fills each item's evidence photos (a document
    needs them; the pages read them apart, with `rewalk_photos`, so a tap reads no pictures)."""
    i, c, u = REWALK_TABLES
    photos = select_rewalk_photos(connection, audit_id) if with_photos else {}
    items = connection.execute(
        select(i).where(i.c.audit_id == audit_id).order_by(i.c.ordinal, i.c.id)
    ).mappings()
    carried = connection.execute(
        select(c).where(c.c.audit_id == audit_id).order_by(c.c.due_date, c.c.id)
    ).mappings()
    unchecked = connection.execute(
        select(u).where(u.c.audit_id == audit_id).order_by(u.c.marked_at)
    ).mappings()
    return RewalkRecord(
        items=[
            RewalkItem.model_validate(dict(row) | {"photos": photos.get(row["id"], [])})
            for row in items
        ],
        carried_actions=[CarriedAction.model_validate(dict(row)) for row in carried],
        unchecked_locations=[
            UncheckedLocation.model_validate({k: row[k] for k in UncheckedLocation.model_fields})
            for row in unchecked
        ],
    )


def delete_rewalk_rows(connection: Connection, audit_id: str) -> None:
    """Delete the audit's re-walk rows (before its findings and locations go)."""
    for table in (tables.rewalk_photos, *REWALK_TABLES):
        connection.execute(delete(table).where(table.c.audit_id == audit_id))


def blank_rewalk_text(connection: Connection, audit_id: str, actor: str) -> int:
    """Empty the re-walk's free text (notes, accepted-risk reasons); return the rows changed."""
    changed = 0
    for entity, table, column in (
        ("finding", tables.rewalk_items, "note"),
        ("action", tables.carried_actions, "accepted_reason"),
    ):
        ids = connection.execute(
            select(table.c.id).where(table.c.audit_id == audit_id, table.c[column] != "")
        ).scalars()
        for row_id in ids.all():
            connection.execute(update(table).where(table.c.id == row_id).values({column: ""}))
            record(
                connection,
                audit_id=audit_id,
                actor=actor,
                entity=entity,
                entity_id=row_id,
                operation="update",
                changes={column: {"changed": True}, "purged": {"new": True}},
            )
            changed += 1
    return changed


class RewalksMixin(StoreBase):
    def add_rewalk_record(self, audit_id: str, rewalk: RewalkRecord, actor: str) -> None:
        """Store the carried findings and actions of a new re-walk, with one trail event."""
        require_actor(actor)
        with self._write() as connection:
            insert_rewalk_record(connection, audit_id, rewalk)
            bump_audit(connection, audit_id)
            changes = {
                "carried_findings": {"new": len(rewalk.items)},
                "carried_actions": {"new": len(rewalk.carried_actions)},
            }
            record(
                connection,
                audit_id=audit_id,
                actor=actor,
                entity="audit",
                entity_id=audit_id,
                operation="update",
                changes=changes,
            )

    def rewalk_record(self, audit_id: str) -> RewalkRecord:
        """Return the audit's carried findings, carried actions and unchecked locations."""
        with self._read() as connection:
            return select_rewalk_record(connection, audit_id)

    def get_rewalk_item(self, item_id: str) -> RewalkItem:
        """Raises NotFoundError: no carried finding has this id."""
        with self._read() as connection:
            row = (
                connection.execute(
                    select(tables.rewalk_items).where(tables.rewalk_items.c.id == item_id)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError("That finding from the last walk is no longer here.")
        return RewalkItem.model_validate(dict(row))

    def update_rewalk_item(self, old: RewalkItem, new: RewalkItem, actor: str) -> RewalkItem:
        """Write the item's state, note and link to this walk's finding; record old → new."""
        require_actor(actor)
        t = tables.rewalk_items
        with self._write() as connection:
            values = {k: v for k, v in _item_row(new).items() if k not in ("id", "audit_id")}
            connection.execute(update(t).where(t.c.id == new.id).values(values))
            bump_audit(connection, new.audit_id)
            changes: dict[str, Any] = {
                "previous_reference": {"new": new.previous_reference},
                "rewalk_state": {"old": old.state.value, "new": new.state.value},
            }
            if old.note != new.note:
                changes["note"] = {"changed": True}
            if old.new_finding_id != new.new_finding_id:
                changes["new_finding_id"] = {"old": old.new_finding_id, "new": new.new_finding_id}
            record(
                connection,
                audit_id=new.audit_id,
                actor=actor,
                entity="finding",
                entity_id=new.id,
                operation="update",
                changes=changes,
            )
        return new

    def update_carried_action(
        self, old: CarriedAction, new: CarriedAction, actor: str
    ) -> CarriedAction:
        """Write a carried action's status and who checked it when; record old → new."""
        require_actor(actor)
        t = tables.carried_actions
        with self._write() as connection:
            values = {k: v for k, v in _carried_row(new).items() if k not in ("id", "audit_id")}
            connection.execute(update(t).where(t.c.id == new.id).values(values))
            bump_audit(connection, new.audit_id)
            changes = {
                name: {"old": _plain(getattr(old, name)), "new": _plain(getattr(new, name))}
                for name in ("status", "checked_on", "checked_by", "accept_again")
                if getattr(old, name) != getattr(new, name)
            }
            record(
                connection,
                audit_id=new.audit_id,
                actor=actor,
                entity="action",
                entity_id=new.id,
                operation="update",
                changes=changes,
            )
        return new

    def set_location_unchecked(
        self, audit_id: str, location_id: str, unchecked: bool, actor: str
    ) -> None:
        """Mark a whole location not checked this time, or checked after all."""
        require_actor(actor)
        t = tables.unchecked_locations
        with self._write() as connection:
            where = (t.c.audit_id == audit_id, t.c.location_id == location_id)
            connection.execute(delete(t).where(*where))
            if unchecked:
                row = {
                    "audit_id": audit_id,
                    "location_id": location_id,
                    "marked_by": actor[:200],
                    "marked_at": utc_now(),
                }
                connection.execute(insert(t), [row])
            bump_audit(connection, audit_id)
            record(
                connection,
                audit_id=audit_id,
                actor=actor,
                entity="location",
                entity_id=location_id,
                operation="update",
                changes={"not_checked": {"new": unchecked}},
            )

    def keep_walk_summary(self, summary: WalkSummary) -> None:
        """Keep (or replace) what the trend needs of a walk whose records are being deleted."""
        t = tables.walk_summaries
        row = summary.model_dump(mode="json", exclude={"held", "walk_at"})
        row |= {"walk_at": summary.walk_at, "kept_at": utc_now()}
        with self._write() as connection:
            connection.execute(delete(t).where(t.c.audit_id == summary.audit_id))
            connection.execute(insert(t), [row])

    def list_walk_summaries(self, school_key: str) -> list[WalkSummary]:
        """Return the kept summaries of deleted walks of one school, oldest first."""
        t = tables.walk_summaries
        query = select(t).where(t.c.school_key == school_key).order_by(t.c.walk_at)
        with self._read() as connection:
            rows = connection.execute(query).mappings().all()
        fields = set(WalkSummary.model_fields)
        return [
            WalkSummary.model_validate({k: row[k] for k in fields if k in row} | {"held": False})
            for row in rows
        ]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)
