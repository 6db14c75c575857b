"""Drafts: the in-progress finding of the walk page, saved on every tap so nothing is lost.

One draft per (audit, location), the location possibly None. Drafts are scratch state, not audit
data: they are not in the trail or the export, and saving one does not bump the audit's version
(that would throw away every cached chart on every tap).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import utc_now

from . import tables
from .base import StoreBase

NO_LOCATION = ""
MAX_DRAFT_BYTES = 16_000_000


def _key(location_id: str | None) -> str:
    return NO_LOCATION if location_id is None else location_id


def _check_payload(payload: dict[str, Any]) -> None:
    if not isinstance(payload, dict):
        raise ValidationError("A draft must be a dictionary of field values.", field="payload")
    try:
        size = len(json.dumps(payload))
    except (TypeError, ValueError) as error:
        raise ValidationError(
            f"A draft can hold only JSON values (text, numbers, lists): {error}", field="payload"
        ) from error
    if size > MAX_DRAFT_BYTES:
        raise ValidationError("The draft is too large to keep; save the finding.", "payload")


def _upsert(connection: Connection, row: dict[str, Any]) -> None:
    """Insert or replace the draft in one statement where the database supports it."""
    table = tables.drafts
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(table).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.audit_id, table.c.location_key],
            set_={
                "payload": statement.excluded.payload,
                "updated_at": statement.excluded.updated_at,
            },
        )
        connection.execute(statement)
        return
    result = connection.execute(
        update(table)
        .where(table.c.audit_id == row["audit_id"], table.c.location_key == row["location_key"])
        .values(payload=row["payload"], updated_at=row["updated_at"])
    )
    if result.rowcount == 0:
        connection.execute(insert(table), [row])


class DraftsMixin(StoreBase):
    def save_draft(self, audit_id: str, location_id: str | None, payload: dict[str, Any]) -> None:
        """Keep `payload` as the draft for (audit, location), replacing any earlier one.

        Raises:
            NotFoundError: the audit does not exist.
            ValidationError: the payload is not JSON-serialisable or is too large.
        """
        _check_payload(payload)
        row = {
            "audit_id": audit_id,
            "location_key": _key(location_id),
            "payload": payload,
            "updated_at": utc_now(),
        }
        with self._write() as connection:
            exists = connection.scalar(
                select(tables.audits.c.id).where(tables.audits.c.id == audit_id)
            )
            if exists is None:
                raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
            _upsert(connection, row)

    def load_draft(self, audit_id: str, location_id: str | None) -> dict[str, Any] | None:
        """Return the draft for (audit, location), or None if there is none."""
        table = tables.drafts
        with self._read() as connection:
            return connection.scalar(
                select(table.c.payload).where(
                    table.c.audit_id == audit_id, table.c.location_key == _key(location_id)
                )
            )

    def clear_draft(self, audit_id: str, location_id: str | None) -> None:
        """Forget the draft for (audit, location); clearing a missing draft is not an error."""
        table = tables.drafts
        with self._write() as connection:
            connection.execute(
                delete(table).where(
                    table.c.audit_id == audit_id, table.c.location_key == _key(location_id)
                )
            )
