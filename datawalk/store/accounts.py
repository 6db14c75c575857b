"""The accounts tables: users and their school scope, sessions, sign-in attempts, identities.

Rows go in and out as plain dicts; `datawalk.accounts` owns the rules (hashing, expiry, backoff)
and maps rows to its records. Nothing here is in an audit's trail: accounts belong to no audit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, func, insert, select, update

from datawalk.errors import NotFoundError

from . import tables
from .base import StoreBase


def _one(connection: Connection, query: Any) -> dict[str, Any] | None:
    row = connection.execute(query).mappings().first()
    return None if row is None else dict(row)


class AccountsMixin(StoreBase):
    # --- users ------------------------------------------------------------------------------

    def count_users(self) -> int:
        with self._read() as connection:
            return connection.scalar(select(func.count()).select_from(tables.users)) or 0

    def insert_user(self, row: dict[str, Any], school_ids: Iterable[str] = ()) -> None:
        """Raises ConflictError: the id or email is taken."""
        with self._write() as connection:
            connection.execute(insert(tables.users), [row])
            _set_scope(connection, row["id"], school_ids)

    def get_user_row(self, user_id: str) -> dict[str, Any] | None:
        with self._read() as connection:
            return _one(connection, select(tables.users).where(tables.users.c.id == user_id))

    def find_user_row(self, email: str) -> dict[str, Any] | None:
        """The user with this (case-folded) email, or None."""
        with self._read() as connection:
            return _one(connection, select(tables.users).where(tables.users.c.email == email))

    def list_user_rows(self) -> list[dict[str, Any]]:
        u = tables.users
        with self._read() as connection:
            rows = connection.execute(select(u).order_by(u.c.display_name, u.c.email)).mappings()
            return [dict(row) for row in rows]

    def update_user(self, user_id: str, **values: Any) -> None:
        """Raises NotFoundError: no user has this id."""
        with self._write() as connection:
            result = connection.execute(
                update(tables.users).where(tables.users.c.id == user_id).values(**values)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"No user with id {user_id!r}.")

    def accept_totp_step(self, user_id: str, step: int) -> bool:
        """Record `step` as the user's last TOTP step unless one as late was used; True if so.

        One conditional UPDATE, so two servers checking the same code at once cannot both accept.
        """
        u = tables.users
        with self._write() as connection:
            result = connection.execute(
                update(u)
                .where(
                    u.c.id == user_id,
                    (u.c.totp_last_step.is_(None)) | (u.c.totp_last_step < step),
                )
                .values(totp_last_step=step)
            )
            return result.rowcount == 1

    def user_school_ids(self, user_id: str) -> frozenset[str]:
        us = tables.user_schools
        with self._read() as connection:
            return frozenset(
                connection.scalars(select(us.c.school_id).where(us.c.user_id == user_id))
            )

    def all_user_school_ids(self) -> dict[str, frozenset[str]]:
        us = tables.user_schools
        scope: dict[str, set[str]] = {}
        with self._read() as connection:
            for user_id, school_id in connection.execute(select(us.c.user_id, us.c.school_id)):
                scope.setdefault(user_id, set()).add(school_id)
        return {user_id: frozenset(ids) for user_id, ids in scope.items()}

    def set_user_schools(self, user_id: str, school_ids: Iterable[str]) -> None:
        """Replace the user's school scope.

        Raises:
            ConflictError: a school does not exist (foreign key).
        """
        with self._write() as connection:
            connection.execute(
                delete(tables.user_schools).where(tables.user_schools.c.user_id == user_id)
            )
            _set_scope(connection, user_id, school_ids)

    # --- sessions ---------------------------------------------------------------------------

    def insert_session(self, row: dict[str, Any]) -> None:
        with self._write() as connection:
            connection.execute(insert(tables.sessions), [row])

    def get_session_row(self, id_hash: str) -> dict[str, Any] | None:
        s = tables.sessions
        with self._read() as connection:
            return _one(connection, select(s).where(s.c.id_hash == id_hash))

    def touch_session(self, id_hash: str, now: datetime, idle_expires_at: datetime) -> bool:
        """Move a live session's idle expiry on; False when it is ended or expired."""
        s = tables.sessions
        with self._write() as connection:
            result = connection.execute(
                update(s)
                .where(
                    s.c.id_hash == id_hash,
                    s.c.ended_at.is_(None),
                    s.c.expires_at > now,
                    s.c.idle_expires_at > now,
                )
                .values(last_seen_at=now, idle_expires_at=idle_expires_at)
            )
            return result.rowcount == 1

    def end_sessions(
        self, now: datetime, *, id_hash: str | None = None, user_id: str | None = None
    ) -> int:
        """End one session (by hash) or every session of a user; return how many ended."""
        s = tables.sessions
        where: list[ColumnElement[bool]] = [s.c.ended_at.is_(None)]
        if id_hash is not None:
            where.append(s.c.id_hash == id_hash)
        if user_id is not None:
            where.append(s.c.user_id == user_id)
        with self._write() as connection:
            return connection.execute(update(s).where(and_(*where)).values(ended_at=now)).rowcount

    def delete_sessions_before(self, cutoff: datetime) -> int:
        """Forget sessions that expired or ended before `cutoff`."""
        s = tables.sessions
        with self._write() as connection:
            return connection.execute(
                delete(s).where((s.c.expires_at < cutoff) | (s.c.ended_at < cutoff))
            ).rowcount

    # --- sign-in attempts -------------------------------------------------------------------

    def insert_attempt(self, row: dict[str, Any]) -> None:
        with self._write() as connection:
            connection.execute(insert(tables.sign_in_attempts), [row])

    def failures_since(
        self, since: datetime, *, account: str | None = None, client: str | None = None
    ) -> tuple[int, datetime | None]:
        """Count failed attempts at or after `since` for the account or the client, and the last
        one's time, counting only those after the latest success of the same key."""
        t = tables.sign_in_attempts
        key = t.c.account == account if account is not None else t.c.client == client
        with self._read() as connection:
            last_success = connection.scalar(
                select(func.max(t.c.at)).where(key, t.c.succeeded.is_(True), t.c.at >= since)
            )
            start = max(since, last_success) if last_success is not None else since
            count, last = connection.execute(
                select(func.count(), func.max(t.c.at)).where(
                    key, t.c.succeeded.is_(False), t.c.at >= start
                )
            ).one()
        return int(count or 0), last

    def list_attempt_rows(self, limit: int = 100) -> list[dict[str, Any]]:
        t = tables.sign_in_attempts
        with self._read() as connection:
            rows = connection.execute(select(t).order_by(t.c.seq.desc()).limit(limit)).mappings()
            return [dict(row) for row in rows]

    def delete_attempts_before(self, cutoff: datetime) -> int:
        t = tables.sign_in_attempts
        with self._write() as connection:
            return connection.execute(delete(t).where(t.c.at < cutoff)).rowcount

    # --- identities -------------------------------------------------------------------------

    def get_identity_row(self, issuer: str, subject: str) -> dict[str, Any] | None:
        i = tables.identities
        with self._read() as connection:
            return _one(connection, select(i).where(i.c.issuer == issuer, i.c.subject == subject))

    def identity_rows_of(self, user_id: str) -> list[dict[str, Any]]:
        i = tables.identities
        with self._read() as connection:
            return [
                dict(r)
                for r in connection.execute(select(i).where(i.c.user_id == user_id)).mappings()
            ]

    def insert_identity(self, row: dict[str, Any]) -> None:
        """Raises ConflictError: this identity is already linked."""
        with self._write() as connection:
            connection.execute(insert(tables.identities), [row])


def _set_scope(connection: Connection, user_id: str, school_ids: Iterable[str]) -> None:
    rows = [{"user_id": user_id, "school_id": school_id} for school_id in dict.fromkeys(school_ids)]
    if rows:
        connection.execute(insert(tables.user_schools), rows)
