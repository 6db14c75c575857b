"""Findings: save (insert or versioned update), read, list fast, delete with undo, restore.

References F-001… come from a counter on the audit row, incremented in the same UPDATE that bumps
the audit's version, so they are unique under concurrent saves and never reused after a delete.
Updates are optimistic: the caller's `version` must match the stored one, else the save is refused
with who changed it and when (`datawalk.editing.stale_message`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Text,
    case,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)

from datawalk.errors import ConflictError, NotFoundError, ValidationError
from datawalk.models import Finding, utc_now

from . import tables
from .actions import unlink_finding
from .base import StoreBase, bump_audit, require_actor
from .locations import touch_location
from .mapping import (
    FINDING_JSON_LISTS,
    finding_from_row,
    finding_to_row,
    findings_from_rows,
    format_reference,
    reference_number,
)
from .photos import select_photos, stored_form, sync_photos
from .trail import finding_snapshot, record_change, stale_change


def select_finding(connection: Connection, finding_id: str) -> Finding:
    """Return the finding with its photos, or raise NotFoundError."""
    row = (
        connection.execute(select(tables.findings).where(tables.findings.c.id == finding_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"No finding with id {finding_id!r}: it may have been deleted.")
    photos = select_photos(connection, finding_ids=[finding_id])
    return finding_from_row(row, photos.get(finding_id))


def select_findings(
    connection: Connection,
    audit_id: str,
    location_id: str | None = None,
    with_photos: bool = False,
) -> list[Finding]:
    """Return the audit's findings by reference in two queries at most (findings, photos)."""
    f = tables.findings
    query = select(*_finding_columns()).where(f.c.audit_id == audit_id).order_by(f.c.number)
    if location_id is not None:
        query = query.where(f.c.location_id == location_id)
    rows = connection.execute(query).mappings().all()
    photos = (
        select_photos(connection, audit_id=audit_id, location_id=location_id)
        if with_photos and rows
        else {}
    )
    return findings_from_rows(rows, photos)


def _finding_columns() -> list[Any]:
    """Every findings column; JSON lists come back as text, decoded in bulk by
    `findings_from_rows`."""
    return [
        type_coerce(column, Text).label(column.name)
        if column.name in FINDING_JSON_LISTS
        else column
        for column in tables.findings.c
    ]


def _check_location(connection: Connection, finding: Finding) -> None:
    owner = connection.scalar(
        select(tables.locations.c.audit_id).where(tables.locations.c.id == finding.location_id)
    )
    if owner is None:
        raise NotFoundError(
            f"No location with id {finding.location_id!r}: it may have been deleted."
        )
    if owner != finding.audit_id:
        raise ValidationError("The location belongs to another audit.", field="location_id")


def _allocate_reference(connection: Connection, audit_id: str) -> str:
    bump_audit(connection, audit_id, last_reference=tables.audits.c.last_reference + 1)
    number = connection.scalar(
        select(tables.audits.c.last_reference).where(tables.audits.c.id == audit_id)
    )
    if number is None:
        raise NotFoundError(f"No audit with id {audit_id!r}.")
    return format_reference(number)


def _record(connection: Connection, actor: str, old: Finding | None, new: Finding | None) -> None:
    finding = new if new is not None else old
    assert finding is not None
    record_change(
        connection,
        audit_id=finding.audit_id,
        actor=actor,
        entity="finding",
        entity_id=finding.id,
        old=None if old is None else finding_snapshot(old),
        new=None if new is None else finding_snapshot(new),
    )


def _insert_finding(connection: Connection, finding: Finding, actor: str) -> Finding:
    connection.execute(insert(tables.findings), [finding_to_row(finding)])
    _record(connection, actor, None, finding)
    sync_photos(
        connection,
        audit_id=finding.audit_id,
        finding_id=finding.id,
        old=[],
        new=finding.photos,
        actor=actor,
    )
    touch_location(connection, finding.location_id, finding.updated_at)
    return finding.model_copy(update={"photos": [stored_form(p) for p in finding.photos]})


def _stale_message(connection: Connection, old: Finding) -> str:
    """Who changed the finding since the editor opened it, and when (from the trail)."""
    return stale_change(connection, "finding", old.id, old.updated_at)


class FindingsMixin(StoreBase):
    def save_finding(self, finding: Finding, actor: str) -> Finding:
        """Insert a new finding (reference None: assigns F-nnn, version 1) or update a stored one
        (its version must match; the version is bumped). Photos are stored with it. Returns the
        finding as stored.

        Raises:
            ConflictError: stale version, or the finding was deleted meanwhile.
            NotFoundError: the audit or location does not exist.
            ValidationError: the location is in another audit, or the audit would change.
        """
        require_actor(actor)
        with self._write() as connection:
            exists = connection.scalar(
                select(tables.findings.c.id).where(tables.findings.c.id == finding.id)
            )
            if exists is None:
                return self._insert_new(connection, finding, actor)
            return self._update_existing(connection, finding, actor)

    def _insert_new(self, connection: Connection, finding: Finding, actor: str) -> Finding:
        if finding.reference is not None:
            raise ConflictError(
                f"{finding.reference} was deleted after you opened it. "
                "Undo the delete, or save your copy as a new finding."
            )
        _check_location(connection, finding)
        reference = _allocate_reference(connection, finding.audit_id)
        now = utc_now()
        finding = finding.model_copy(
            update={"reference": reference, "version": 1, "created_at": now, "updated_at": now}
        )
        return _insert_finding(connection, finding, actor)

    def _update_existing(self, connection: Connection, finding: Finding, actor: str) -> Finding:
        old = select_finding(connection, finding.id)
        if finding.audit_id != old.audit_id:
            raise ValidationError("A finding cannot move to another audit.", field="audit_id")
        if finding.version != old.version:
            raise ConflictError(_stale_message(connection, old))
        if finding.location_id != old.location_id:
            _check_location(connection, finding)
        now = bump_audit(connection, old.audit_id)
        new = finding.model_copy(
            update={
                "reference": old.reference,
                "version": old.version + 1,
                "created_at": old.created_at,
                "updated_at": now,
            }
        )
        row = finding_to_row(new)
        del row["id"]
        result = connection.execute(
            update(tables.findings)
            .where(tables.findings.c.id == new.id, tables.findings.c.version == old.version)
            .values(**row)
        )
        if result.rowcount != 1:  # changed between the read and this write
            raise ConflictError(_stale_message(connection, select_finding(connection, old.id)))
        _record(connection, actor, old, new)
        sync_photos(
            connection,
            audit_id=new.audit_id,
            finding_id=new.id,
            old=old.photos,
            new=new.photos,
            actor=actor,
        )
        touch_location(connection, new.location_id, now)
        return new.model_copy(update={"photos": [stored_form(p) for p in new.photos]})

    def get_finding(self, finding_id: str) -> Finding:
        """Return the finding with its photos.

        Raises:
            NotFoundError: no finding has this id.
        """
        with self._read() as connection:
            return select_finding(connection, finding_id)

    def list_findings(
        self, audit_id: str, location_id: str | None = None, with_photos: bool = False
    ) -> list[Finding]:
        """Return the audit's findings (optionally at one location) in reference order.

        Without `with_photos` each finding's `photos` is empty, whatever is stored: use
        `photo_counts` to show how many there are without loading the bytes.
        """
        with self._read() as connection:
            return select_findings(connection, audit_id, location_id, with_photos)

    def newest_findings(
        self, audit_id: str, location_id: str, limit: int
    ) -> tuple[list[Finding], int]:
        """Return the `limit` most recently changed findings at a location, newest first, and
        how many there are in all: a walk-page list whose cost does not grow with the place."""
        f = tables.findings
        where = (f.c.audit_id == audit_id) & (f.c.location_id == location_id)
        with self._read() as connection:
            total = connection.scalar(select(func.count()).select_from(f).where(where)) or 0
            query = select(*_finding_columns()).where(where)
            rows = connection.execute(
                query.order_by(f.c.updated_at.desc(), f.c.number.desc()).limit(limit)
            ).mappings()
            return findings_from_rows(list(rows), {}), total

    def finding_references(self, audit_id: str) -> dict[str, str]:
        """Return each finding's id and reference (its id until it has one), in one query and
        without building findings: what an import preview matches rows against."""
        f = tables.findings
        with self._read() as connection:
            rows = connection.execute(
                select(f.c.id, f.c.reference).where(f.c.audit_id == audit_id)
            ).all()
        return {finding_id: reference or finding_id for finding_id, reference in rows}

    def finding_stamps(self, audit_id: str) -> list[tuple[str, int, Any]]:
        """Return each finding's id, version and last change, in reference order, in one query
        and without building findings: enough to tell which findings changed since a table of
        them was built (every change to a finding bumps its version)."""
        f = tables.findings
        # The last change as stored: compared, never shown, so not made into datetimes.
        updated = type_coerce(f.c.updated_at, Text)
        query = select(f.c.id, f.c.version, updated).where(f.c.audit_id == audit_id)
        with self._read() as connection:
            rows = connection.execute(query.order_by(f.c.number)).all()
        return [(finding_id, version, updated) for finding_id, version, updated in rows]

    def findings_by_ids(self, audit_id: str, finding_ids: Sequence[str]) -> list[Finding]:
        """Return the audit's findings with these ids (without photos), in reference order, in
        one query: the few that changed, read as `list_findings` reads them all."""
        if not finding_ids:
            return []
        f = tables.findings
        query = select(*_finding_columns()).where(
            f.c.audit_id == audit_id, f.c.id.in_(list(finding_ids))
        )
        with self._read() as connection:
            rows = connection.execute(query.order_by(f.c.number)).mappings().all()
        return findings_from_rows(rows, {})

    def findings_for_scoring(self, audit_id: str) -> list[Finding]:
        """Return every finding of the audit without photos: what scoring and charts need."""
        return self.list_findings(audit_id, with_photos=False)

    def delete_finding(self, finding_id: str, actor: str) -> Finding:
        """Delete the finding and its photos; return it whole so the UI can undo.

        An action left covering no finding is deleted too (an action needs a finding).

        Raises:
            NotFoundError: no finding has this id.
        """
        require_actor(actor)
        with self._write() as connection:
            finding = select_finding(connection, finding_id)
            unlink_finding(connection, finding.audit_id, finding_id, actor)
            sync_photos(
                connection,
                audit_id=finding.audit_id,
                finding_id=finding_id,
                old=finding.photos,
                new=[],
                actor=actor,
            )
            connection.execute(delete(tables.findings).where(tables.findings.c.id == finding_id))
            bump_audit(connection, finding.audit_id)
            _record(connection, actor, finding, None)
            return finding

    def restore_finding(self, finding: Finding, actor: str) -> Finding:
        """Put a deleted finding back with the same id, reference and photos (undo).

        Raises:
            ConflictError: the id or reference is in use.
            NotFoundError: its audit or location no longer exists.
            ValidationError: the finding has no reference (it was never saved).
        """
        require_actor(actor)
        if finding.reference is None:
            raise ValidationError("Only a saved finding can be restored.", field="reference")
        number = reference_number(finding.reference)
        f = tables.findings
        with self._write() as connection:
            clash = connection.scalar(
                select(f.c.reference).where(
                    (f.c.id == finding.id)
                    | ((f.c.audit_id == finding.audit_id) & (f.c.reference == finding.reference))
                )
            )
            if clash is not None:
                raise ConflictError(f"{finding.reference} is already in the audit.")
            _check_location(connection, finding)
            counter = tables.audits.c.last_reference
            now = bump_audit(
                connection,
                finding.audit_id,
                last_reference=case((counter < number, number), else_=counter),
            )
            restored = finding.model_copy(
                update={"version": finding.version + 1, "updated_at": now}
            )
            return _insert_finding(connection, restored, actor)
