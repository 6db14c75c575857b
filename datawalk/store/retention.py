"""Retention: hard deletion with a tombstone, purging photos and free text, and legal hold.

Deleted bytes must leave the files, not only the tables: SQLite runs with secure_delete (freed
content is zeroed) and the WAL, which still holds old page images, is checkpointed and truncated
right after the delete commits; on PostgreSQL the tables touched are vacuumed then, since deleted
and updated rows stay in the table files until VACUUM (`engine.scrub_deleted`). An audit on legal
hold is never deleted or purged.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from datawalk.errors import StoreError
from datawalk.models import utc_now

from . import tables
from .base import StoreBase, bump_audit, require_actor, require_audit_row
from .engine import scrub_deleted
from .mapping import photo_from_row, tombstone_from_row
from .rewalk_photos import purge_rewalk_photos
from .rewalks import blank_rewalk_text, delete_rewalk_rows
from .summaries import Tombstone
from .trail import FREE_TEXT_FIELDS, photo_snapshot, record, record_change

# Every table that holds an audit's rows: what a hard delete or a purge leaves dead rows in.
_AUDIT_TABLES = tuple(
    table.name
    for table in tables.metadata.sorted_tables
    if "audit_id" in table.c or table.name in ("audits", "photos", "action_findings")
)

# Free text kept after the purge: the recommendation is the action itself, not a note about people.
_KEPT_TEXT = frozenset({"recommendation"})


def _refuse_if_held(row: Any, doing: str) -> None:
    if row["legal_hold"]:
        raise StoreError(
            f"The audit of {row['school']['name']} is on legal hold, so it cannot be {doing}. "
            "Release the hold first if the reason for it has ended."
        )


def _delete_children(connection: Connection, audit_id: str) -> None:
    """Delete every row the audit owns, children first (not relying on ON DELETE CASCADE)."""
    t = tables
    finding_ids = select(t.findings.c.id).where(t.findings.c.audit_id == audit_id)
    delete_rewalk_rows(connection, audit_id)
    action_ids = select(t.actions.c.id).where(t.actions.c.audit_id == audit_id)
    connection.execute(
        delete(t.action_findings).where(t.action_findings.c.action_id.in_(action_ids))
    )
    connection.execute(delete(t.actions).where(t.actions.c.audit_id == audit_id))
    connection.execute(delete(t.photos).where(t.photos.c.finding_id.in_(finding_ids)))
    connection.execute(delete(t.findings).where(t.findings.c.audit_id == audit_id))
    # The audit's history goes with it, imported history too: a tombstone records the deletion.
    owned = (t.last_places, t.locations, t.floor_plans, t.drafts, t.trail_events)
    for table in (*owned, t.imported_trail_events):
        connection.execute(delete(table).where(table.c.audit_id == audit_id))


def _blank_free_text(connection: Connection, audit_id: str, actor: str) -> int:
    """Empty every free-text column of the audit; record one trail event per changed row."""
    t = tables
    blanked = 0
    for entity, table in (("audit", t.audits), ("finding", t.findings), ("action", t.actions)):
        columns = [c for c in table.c if c.name in FREE_TEXT_FIELDS - _KEPT_TEXT]
        owner = table.c.id if entity == "audit" else table.c.audit_id
        rows = connection.execute(select(table.c.id, *columns).where(owner == audit_id)).all()
        for row in rows:
            changed = [c.name for c in columns if getattr(row, c.name)]
            if not changed:
                continue
            connection.execute(
                update(table).where(table.c.id == row.id).values(**dict.fromkeys(changed, ""))
            )
            if entity == "finding":
                connection.execute(
                    update(table)
                    .where(table.c.id == row.id)
                    .values(version=table.c.version + 1, updated_at=utc_now())
                )
            changes = {name: {"changed": True} for name in changed}
            record(connection, audit_id=audit_id, actor=actor, entity=entity, entity_id=row.id,
                   operation="update", changes=changes | {"purged": {"new": True}})  # fmt: skip
            blanked += 1
    return blanked


def _delete_photos(connection: Connection, audit_id: str, actor: str) -> int:
    p, f = tables.photos, tables.findings
    rows = connection.execute(
        select(p).join(f, f.c.id == p.c.finding_id).where(f.c.audit_id == audit_id)
    ).mappings()
    count = 0
    for row in rows.all():
        connection.execute(delete(p).where(p.c.id == row["id"]))
        connection.execute(
            update(f)
            .where(f.c.id == row["finding_id"])
            .values(version=f.c.version + 1, updated_at=utc_now())
        )
        record_change(connection, audit_id=audit_id, actor=actor, entity="photo",
                      entity_id=row["id"], old=photo_snapshot(photo_from_row(row),
                      row["finding_id"]), new=None)  # fmt: skip
        count += 1
    return count


class RetentionMixin(StoreBase):
    def delete_audit(self, audit_id: str, actor: str) -> Tombstone:
        """Hard-delete the audit and everything it owns, keep a tombstone, and return it.

        Raises:
            NotFoundError: no audit has this id.
            StoreError: the audit is on legal hold.
        """
        require_actor(actor)
        with self._write() as connection:
            row = require_audit_row(connection, audit_id)
            _refuse_if_held(row, "deleted")
            _delete_children(connection, audit_id)
            connection.execute(delete(tables.audits).where(tables.audits.c.id == audit_id))
            tombstone = Tombstone(
                audit_id=audit_id,
                school_name=row["school"]["name"],
                walk_at=row["walk_at"],
                created_at=row["created_at"],
                completed_at=row["completed_at"],
                deleted_by=actor[:200],
                deleted_at=utc_now(),
            )
            connection.execute(insert(tables.tombstones), [tombstone.model_dump()])
        scrub_deleted(self.engine, _AUDIT_TABLES)
        return tombstone

    def list_tombstones(self) -> list[Tombstone]:
        """Return what remains of deleted audits, most recently deleted first."""
        t = tables.tombstones
        query = select(t).order_by(t.c.deleted_at.desc(), t.c.seq.desc())
        with self._read() as connection:
            return [tombstone_from_row(row) for row in connection.execute(query).mappings()]

    def purge_photos_and_text(self, audit_id: str, actor: str) -> dict[str, int]:
        """Delete the audit's photos and empty its free text (notes, scope, opinion, action notes),
        keeping scores, actions and the audit record: the shorter retention period's deletion.

        Returns {"photos": n, "texts": m}: photos deleted and rows whose text was emptied.

        Raises:
            NotFoundError: no audit has this id.
            StoreError: the audit is on legal hold.
        """
        require_actor(actor)
        with self._write() as connection:
            _refuse_if_held(require_audit_row(connection, audit_id), "purged")
            photos = _delete_photos(connection, audit_id, actor)
            photos += purge_rewalk_photos(connection, audit_id, actor)
            texts = _blank_free_text(connection, audit_id, actor)
            texts += blank_rewalk_text(connection, audit_id, actor)
            connection.execute(delete(tables.drafts).where(tables.drafts.c.audit_id == audit_id))
            bump_audit(connection, audit_id)
        # Emptied text lives on in the old row versions of these tables until VACUUM.
        scrub_deleted(self.engine, _AUDIT_TABLES)
        return {"photos": photos, "texts": texts}
