"""The building blocks of the schema's tables: id and text sizes, a UTC datetime type, JSON,
the audit foreign key, a stored photo's columns, and the one `metadata` every table joins.

Kept apart so the tables can live in modules by subject (`tables.py` for a walk's records,
`account_tables.py`, `rewalk_tables.py`) while the migrations check one schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
)

ID = 64
SHORT = 200
VOCAB = 80


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC and always read back aware (UTC).

    SQLite has no time zone storage; PostgreSQL's timestamptz keeps the instant, not the offset.
    Normalising to UTC gives the same value back on both. A naive datetime is taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_column() -> JSON:
    # none_as_null: Python None is SQL NULL, not the JSON text 'null', so IS NULL works.
    return JSON(none_as_null=True)


def audit_fk() -> ForeignKey:
    return ForeignKey("audits.id", ondelete="CASCADE")


metadata = MetaData()


def photo_columns() -> list[Column[Any]]:
    """A stored photo's columns after its keys: a finding's photos and a resolved finding's
    evidence share them, so both are redacted, checked and purged the same way."""
    return [
        Column("ordinal", Integer, nullable=False),
        Column("media_type", String(40), nullable=False),
        Column("width", Integer, nullable=False),
        Column("height", Integer, nullable=False),
        Column("caption", String(SHORT), nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("redaction", json_column(), nullable=True),
        Column("needs_review", Boolean, nullable=False),
    ]
