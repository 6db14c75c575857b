"""Durable storage: SQLAlchemy Core tables, repository methods on `Store`, Alembic migrations.

Repository methods are the only code that touches SQL; pages and the CLI call `Store` methods and
get pydantic models back.
"""

from datawalk.settings import DATABASE_URL as DATABASE_URL_ENV

from .store import Store
from .summaries import AuditSummary, Tombstone

__all__ = ["DATABASE_URL_ENV", "AuditSummary", "Store", "Tombstone"]
