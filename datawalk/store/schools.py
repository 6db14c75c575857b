"""Schools as records: audits point to one, users are scoped to some (see `accounts.py`).

A new audit is given the school of its exact name, or a new school of that name; typing a name
two ways makes two schools, which an admin merges. A merge moves every audit and every user's
scope to the school kept, recording the move in each audit's trail, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import School, new_id, utc_now

from . import tables
from .base import StoreBase, bump_audit, require_actor
from .trail import record


def school_id_for(connection: Connection, school: School, previous_audit_id: str | None) -> str:
    """Return the school of a new audit: that of the audit it re-walks, else the oldest school
    with exactly this name, else a new school of that name."""
    s, a = tables.schools, tables.audits
    if previous_audit_id:
        previous = connection.scalar(select(a.c.school_id).where(a.c.id == previous_audit_id))
        if previous is not None:
            return previous
    found = connection.scalar(
        select(s.c.id).where(s.c.name == school.name).order_by(s.c.created_at, s.c.id).limit(1)
    )
    if found is not None:
        return found
    return insert_school(connection, school.name, str(school.phase), None)


def insert_school(connection: Connection, name: str, phase: str, urn: str | None) -> str:
    school_id = new_id()
    connection.execute(
        insert(tables.schools).values(
            id=school_id, name=name, phase=phase, urn=urn, created_at=utc_now()
        )
    )
    return school_id


class SchoolsMixin(StoreBase):
    def add_school(self, name: str, phase: str, urn: str | None = None) -> str:
        """Store a new school and return its id.

        Raises:
            ConflictError: another school has this URN.
        """
        with self._write() as connection:
            return insert_school(connection, name, phase, urn)

    def list_school_rows(self) -> list[dict[str, Any]]:
        """Every school by name, with how many audits point to it (`audit_count`)."""
        s, a = tables.schools, tables.audits
        counts = select(a.c.school_id, func.count().label("n")).group_by(a.c.school_id).subquery()
        query = (
            select(s, func.coalesce(counts.c.n, 0).label("audit_count"))
            .outerjoin(counts, counts.c.school_id == s.c.id)
            .order_by(s.c.name, s.c.created_at, s.c.id)
        )
        with self._read() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def get_school_row(self, school_id: str) -> dict[str, Any]:
        """Raises NotFoundError: no school has this id."""
        with self._read() as connection:
            row = (
                connection.execute(select(tables.schools).where(tables.schools.c.id == school_id))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError(f"No school with id {school_id!r}.")
        return dict(row)

    def audit_school_id(self, audit_id: str) -> str | None:
        """Return the school the audit belongs to.

        Raises:
            NotFoundError: no audit has this id.
        """
        with self._read() as connection:
            row = connection.execute(
                select(tables.audits.c.school_id).where(tables.audits.c.id == audit_id)
            ).first()
        if row is None:
            raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
        return row[0]

    def set_audit_school(self, audit_id: str, school_id: str) -> None:
        """Point a new audit at its school (no trail: it is part of creating the audit).

        Raises:
            NotFoundError: no audit has this id. ConflictError: no school has this id.
        """
        with self._write() as connection:
            bump_audit(connection, audit_id, school_id=school_id)

    def audit_school_ids(self) -> dict[str, str | None]:
        """Every audit's school, by audit id."""
        a = tables.audits
        with self._read() as connection:
            return {row[0]: row[1] for row in connection.execute(select(a.c.id, a.c.school_id))}

    def merge_schools(self, keep_id: str, merged_ids: Sequence[str], actor: str) -> int:
        """Move every audit and user scope of `merged_ids` to `keep_id` and delete those schools;
        return how many audits moved. Each moved audit records the move in its trail.

        Raises:
            NotFoundError: a school is missing. ValidationError: nothing to merge.
        """
        require_actor(actor)
        others = [school_id for school_id in dict.fromkeys(merged_ids) if school_id != keep_id]
        if not others:
            raise ValidationError("Choose at least one other school to merge.", field="schools")
        s, a, us = tables.schools, tables.audits, tables.user_schools
        with self._write() as connection:
            found = set(connection.scalars(select(s.c.id).where(s.c.id.in_([keep_id, *others]))))
            missing = sorted({keep_id, *others} - found)
            if missing:
                raise NotFoundError(f"No school with id {missing[0]!r}: it may have been merged.")
            moved = connection.execute(
                select(a.c.id, a.c.school_id).where(a.c.school_id.in_(others))
            ).all()
            for audit_id, old_school in moved:
                bump_audit(connection, audit_id, school_id=keep_id)
                record(
                    connection,
                    audit_id=audit_id,
                    actor=actor,
                    entity="audit",
                    entity_id=audit_id,
                    operation="update",
                    changes={"school_id": {"old": old_school, "new": keep_id}},
                )
            scoped = connection.execute(
                select(us.c.user_id).where(us.c.school_id.in_(others)).distinct()
            ).scalars()
            already = set(connection.scalars(select(us.c.user_id).where(us.c.school_id == keep_id)))
            new_scope = [{"user_id": u, "school_id": keep_id} for u in scoped if u not in already]
            if new_scope:
                connection.execute(insert(us), new_scope)
            connection.execute(delete(us).where(us.c.school_id.in_(others)))
            connection.execute(delete(s).where(s.c.id.in_(others)))
            return len(moved)

    def rename_school(self, school_id: str, **values: Any) -> None:
        """Change a school's name, phase or URN.

        Raises:
            NotFoundError: no school has this id. ConflictError: the URN is another school's.
        """
        with self._write() as connection:
            result = connection.execute(
                update(tables.schools).where(tables.schools.c.id == school_id).values(**values)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"No school with id {school_id!r}.")
