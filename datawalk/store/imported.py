"""Imported history: the trail events restored backups brought, kept apart from local history.

Rows are written only by `import_document`, in the restore's own transaction, and never changed
afterwards; they go with their audit (like the local trail) and with nothing else. Each keeps
the event as its file gave it and the file's SHA-256, the import time and who imported it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from datawalk.models import ImportedEvent, TrailEvent

from . import tables

_EVENT_COLUMNS = {"id": "event_id", "at": "at", "actor": "actor", "audit_id": "audit_id"} | {
    name: name for name in ("entity", "entity_id", "operation", "changes")
}


def imported_to_row(item: ImportedEvent) -> dict[str, Any]:
    event = item.event.model_dump(mode="python")
    row = {column: event[field] for field, column in _EVENT_COLUMNS.items()}
    return row | {
        "source_sha256": item.source_sha256,
        "imported_at": item.imported_at,
        "imported_by": item.imported_by,
    }


def imported_from_row(row: Any) -> ImportedEvent:
    event = TrailEvent.model_validate(
        {field: row[column] for field, column in _EVENT_COLUMNS.items()}
    )
    return ImportedEvent(
        event=event,
        source_sha256=row["source_sha256"],
        imported_at=row["imported_at"],
        imported_by=row["imported_by"],
    )


def insert_imported(connection: Connection, items: list[ImportedEvent]) -> None:
    """Write imported events in the caller's transaction, keeping their order."""
    for start in range(0, len(items), 1_000):
        rows = [imported_to_row(item) for item in items[start : start + 1_000]]
        connection.execute(insert(tables.imported_trail_events), rows)


def select_imported(connection: Connection, audit_id: str) -> list[ImportedEvent]:
    t = tables.imported_trail_events
    query = select(t).where(t.c.audit_id == audit_id).order_by(t.c.seq)
    return [imported_from_row(row) for row in connection.execute(query).mappings()]
