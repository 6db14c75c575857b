"""Locations of an audit: add, update, position on the plan, "nothing found", prompts, delete.

`last_used_at` (not part of the model) orders the walk page's picker: a location is used when it is
added, changed, or a finding is saved there, so the room the consultant is in comes first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from datawalk.errors import ConflictError, NotFoundError, ValidationError
from datawalk.models import Location, Position

from . import tables
from .base import StoreBase, bump_audit, require_actor
from .mapping import location_from_row, location_to_row
from .trail import location_snapshot, record_change

UPDATABLE_FIELDS = frozenset(
    {"name", "location_type", "floor_id", "position", "nothing_found", "prompts_checked"}
)


def select_location(connection: Connection, location_id: str) -> Location:
    row = (
        connection.execute(select(tables.locations).where(tables.locations.c.id == location_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"No location with id {location_id!r}: it may have been deleted.")
    return location_from_row(row)


def select_locations(connection: Connection, audit_id: str, *, by_use: bool) -> list[Location]:
    """Return the audit's locations, most recently used first (by_use) or in creation order."""
    table = tables.locations
    order = (
        (table.c.last_used_at.desc(), table.c.name, table.c.id)
        if by_use
        else (table.c.created_at, table.c.id)
    )
    query = select(table).where(table.c.audit_id == audit_id).order_by(*order)
    return [location_from_row(row) for row in connection.execute(query).mappings()]


def touch_location(connection: Connection, location_id: str, when: datetime) -> None:
    """Mark the location as just used, for the picker's order."""
    connection.execute(
        update(tables.locations)
        .where(tables.locations.c.id == location_id)
        .values(last_used_at=when)
    )


def _check_floor(connection: Connection, location: Location) -> None:
    site = connection.scalar(
        select(tables.audits.c.site).where(tables.audits.c.id == location.audit_id)
    )
    if site is None:
        raise NotFoundError(f"No audit with id {location.audit_id!r}: it may have been deleted.")
    if location.floor_id is None:
        return
    if location.floor_id not in {floor["id"] for floor in site.get("floors", [])}:
        raise ValidationError(
            f"The site has no floor with id {location.floor_id!r}; choose one of its floors.",
            field="floor_id",
        )


class LocationsMixin(StoreBase):
    def add_location(self, location: Location, actor: str) -> Location:
        """Store a new location in its audit and return it.

        Raises:
            NotFoundError: the audit does not exist.
            ValidationError: the floor is not one of the site's floors.
            ConflictError: a location with this id exists.
        """
        require_actor(actor)
        with self._write() as connection:
            _check_floor(connection, location)
            exists = connection.scalar(
                select(tables.locations.c.id).where(tables.locations.c.id == location.id)
            )
            if exists is not None:
                raise ConflictError(f"A location with id {location.id!r} already exists.")
            now = bump_audit(connection, location.audit_id)
            location = location.model_copy(update={"created_at": now, "updated_at": now})
            connection.execute(
                insert(tables.locations), [location_to_row(location) | {"last_used_at": now}]
            )
            record_change(
                connection,
                audit_id=location.audit_id,
                actor=actor,
                entity="location",
                entity_id=location.id,
                old=None,
                new=location_snapshot(location),
            )
            return location

    def update_location(self, location: Location, actor: str) -> Location:
        """Save every editable field of `location` and return it as stored.

        Raises:
            NotFoundError: the location does not exist.
            ValidationError: it would move to another audit, or to a floor the site lacks.
        """
        fields = {name: getattr(location, name) for name in UPDATABLE_FIELDS}
        return self._change_location(location.id, actor, location.audit_id, fields)

    def get_location(self, location_id: str) -> Location:
        """Return the location.

        Raises:
            NotFoundError: no location has this id.
        """
        with self._read() as connection:
            return select_location(connection, location_id)

    def list_locations(self, audit_id: str) -> list[Location]:
        """Return the audit's locations, most recently used first."""
        with self._read() as connection:
            return select_locations(connection, audit_id, by_use=True)

    def set_location_position(
        self, location_id: str, position: Position | None, actor: str
    ) -> Location:
        """Place the location on its floor plan, or clear its position (None)."""
        return self._change_location(location_id, actor, None, {"position": position})

    def set_location_nothing_found(
        self, location_id: str, nothing_found: bool, actor: str
    ) -> Location:
        """Record that the location was visited and nothing was found (or undo that)."""
        return self._change_location(location_id, actor, None, {"nothing_found": nothing_found})

    def update_location_prompts(
        self, location_id: str, prompts_checked: list[str], actor: str
    ) -> Location:
        """Save which "what to look for" prompts the consultant has ticked at this location."""
        fields = {"prompts_checked": list(prompts_checked)}
        return self._change_location(location_id, actor, None, fields)

    def delete_location(self, location_id: str, actor: str) -> Location:
        """Delete an empty location (and its draft) and return it.

        Raises:
            NotFoundError: no location has this id.
            ConflictError: findings are recorded there; delete or move them first.
        """
        require_actor(actor)
        with self._write() as connection:
            location = select_location(connection, location_id)
            count = connection.scalar(
                select(func.count())
                .select_from(tables.findings)
                .where(tables.findings.c.location_id == location_id)
            )
            if count:
                raise ConflictError(
                    f"{location.name} still has {count} finding(s); "
                    "delete or move them before deleting the location."
                )
            connection.execute(
                delete(tables.drafts).where(
                    tables.drafts.c.audit_id == location.audit_id,
                    tables.drafts.c.location_key == location_id,
                )
            )
            connection.execute(delete(tables.locations).where(tables.locations.c.id == location_id))
            bump_audit(connection, location.audit_id)
            record_change(
                connection,
                audit_id=location.audit_id,
                actor=actor,
                entity="location",
                entity_id=location_id,
                old=location_snapshot(location),
                new=None,
            )
            return location

    def _change_location(
        self, location_id: str, actor: str, audit_id: str | None, fields: dict[str, Any]
    ) -> Location:
        require_actor(actor)
        with self._write() as connection:
            old = select_location(connection, location_id)
            if audit_id is not None and audit_id != old.audit_id:
                raise ValidationError("A location cannot move to another audit.", "audit_id")
            try:
                new = Location.model_validate(old.model_dump() | fields)
            except ValueError as error:
                raise ValidationError(f"The location change is not valid: {error}") from error
            if new == old:
                return old
            if new.floor_id != old.floor_id:
                _check_floor(connection, new)
            now = bump_audit(connection, old.audit_id)
            new = new.model_copy(update={"updated_at": now})
            row = location_to_row(new)
            values = {name: row[name] for name in row if name not in ("id", "audit_id")}
            connection.execute(
                update(tables.locations)
                .where(tables.locations.c.id == location_id)
                .values(**values, last_used_at=now)
            )
            record_change(
                connection,
                audit_id=old.audit_id,
                actor=actor,
                entity="location",
                entity_id=location_id,
                old=location_snapshot(old),
                new=location_snapshot(new),
            )
            return new
