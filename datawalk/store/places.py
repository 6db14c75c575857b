"""Where each user last was: the audit and location the walk page last showed them.

A consultant coming back (a new tab, a reload after the server restarted, a sign-in) expects to
land where they were, so `/` reopens this place. It is kept in the database, one row per user, so
it survives a restart. Like a draft it is scratch state, not audit data: it is not in the trail or
the export, and remembering it does not bump the audit's version. Deleting the audit deletes it;
deleting the location clears the location only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import AuditStatus, utc_now

from . import tables
from .base import StoreBase


@dataclass(frozen=True)
class Place:
    """An audit still in progress, and the location in it (None: no location was open)."""

    audit_id: str
    location_id: str | None


def _check_user(user: str) -> str:
    user = user.strip()
    if not user or len(user) > tables.SHORT:
        raise ValidationError("A place is remembered for a named user.", field="user")
    return user


def _location_in(connection: Connection, audit_id: str, location_id: str | None) -> str | None:
    """Return `location_id` if it is a location of the audit, else None."""
    if not location_id:
        return None
    loc = tables.locations
    return connection.scalar(
        select(loc.c.id).where(loc.c.id == location_id, loc.c.audit_id == audit_id)
    )


class PlacesMixin(StoreBase):
    def remember_place(self, user: str, audit_id: str, location_id: str | None) -> None:
        """Keep (audit, location) as `user`'s last place, replacing the one before.

        Raises:
            NotFoundError: the audit does not exist.
            ValidationError: the user name is empty or too long.
        """
        user = _check_user(user)
        table = tables.last_places
        with self._write() as connection:
            exists = connection.scalar(
                select(tables.audits.c.id).where(tables.audits.c.id == audit_id)
            )
            if exists is None:
                raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
            row = {
                "user_key": user,
                "audit_id": audit_id,
                "location_id": _location_in(connection, audit_id, location_id),
                "updated_at": utc_now(),
            }
            # Delete then insert: one portable upsert of a single small row.
            connection.execute(delete(table).where(table.c.user_key == user))
            connection.execute(insert(table), [row])

    def last_place(self, user: str) -> Place | None:
        """Return `user`'s last place if its audit is still in progress, else None; a location
        deleted since is dropped (the walk page then opens the audit without one)."""
        table, a = tables.last_places, tables.audits
        query = (
            select(table.c.audit_id, table.c.location_id)
            .join(a, a.c.id == table.c.audit_id)
            .where(table.c.user_key == user.strip(), a.c.status == AuditStatus.IN_PROGRESS.value)
        )
        with self._read() as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            return Place(row.audit_id, _location_in(connection, row.audit_id, row.location_id))
