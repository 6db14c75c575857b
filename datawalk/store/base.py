"""What every repository mixin shares: the engine, one-transaction helpers and the version bump.

Each public store method opens exactly one transaction through `_write` or `_read` and does all its
work on that connection, calling module-level helpers that take the connection. That is what makes
"every write is one transaction" true, including its trail events and the audit version bump.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from datawalk.errors import ConflictError, NotFoundError, ValidationError
from datawalk.models import utc_now

from . import tables
from .engine import read_transaction, unavailable, write_transaction

log = logging.getLogger(__name__)


class StoreBase:
    """Holds the engine; mixins add the repository methods for one kind of entity each."""

    engine: Engine

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._unit: ContextVar[Connection | None] = ContextVar(f"unit_{id(self)}", default=None)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run several store calls as one write transaction: a service's one use case.

        Every `_write` and `_read` inside joins it, so a change, its trail events and the
        records derived from it commit together or not at all. Nested calls join the outer one.
        """
        if self._unit.get() is not None:
            yield
            return
        with self._write() as connection:
            token = self._unit.set(connection)
            try:
                yield
            finally:
                self._unit.reset(token)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; a constraint violation becomes a ConflictError, nothing kept."""
        joined = self._unit.get()
        if joined is not None:
            yield joined
            return
        try:
            with write_transaction(self.engine) as connection:
                yield connection
        except IntegrityError as error:
            raise ConflictError(
                "The change clashes with data already stored, so nothing was saved "
                f"({_reason(error)})."
            ) from error
        except DataError as error:
            # The value guard (engine.py) catches text; this is any other value the database
            # refused. Its message may quote the value, so it goes to the log only by kind.
            raise ValidationError(
                "A value does not fit the field it is stored in, so nothing was saved."
            ) from error
        except DBAPIError as error:
            self._raise_if_unavailable(error)
            raise

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        joined = self._unit.get()
        if joined is not None:
            yield joined
            return
        try:
            with read_transaction(self.engine) as connection:
                yield connection
        except DBAPIError as error:
            self._raise_if_unavailable(error)
            raise

    def _raise_if_unavailable(self, error: DBAPIError) -> None:
        """A down, unreachable or too-busy database becomes the user's one clear error (nothing
        was committed, so nothing was lost); anything else is a bug, left to surface as it is."""
        translated = unavailable(self.engine, error)
        if translated is not None:
            log.warning("database unavailable: %s", type(error.orig or error).__name__)
            raise translated from error


def _reason(error: IntegrityError) -> str:
    return str(error.orig).splitlines()[0] if error.orig is not None else "constraint failed"


def bump_audit(connection: Connection, audit_id: str, **values: Any) -> datetime:
    """Bump the audit's version and updated_at in one UPDATE, with any extra column values.

    Every write touching an audit or its children calls this once, so `audit_version` changes
    whenever anything derived from the audit could have changed (it keys the UI's caches).

    Raises:
        NotFoundError: no audit has this id.
    """
    now = utc_now()
    result = connection.execute(
        update(tables.audits)
        .where(tables.audits.c.id == audit_id)
        .values(version=tables.audits.c.version + 1, updated_at=now, **values)
    )
    if result.rowcount == 0:
        raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
    return now


def require_audit_row(connection: Connection, audit_id: str) -> Any:
    """Return the audit's row (without checklist content), or raise NotFoundError."""
    columns = [c for c in tables.audits.c if c.name != "checklist_content"]
    row = (
        connection.execute(select(*columns).where(tables.audits.c.id == audit_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
    return row


def require_actor(actor: str) -> str:
    """Return `actor` if it names someone: an anonymous trail event accounts for nothing.

    Raises:
        ValidationError: the actor is empty.
    """
    if not isinstance(actor, str) or not actor.strip():
        raise ValidationError("Say who is making this change: the audit trail records it.", "actor")
    return actor
