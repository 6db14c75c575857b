"""Photos, stored with their finding: read in one query per request, written with trail events.

A photo row belongs to a finding (ON DELETE CASCADE). Adding or deleting a photo on its own also
bumps the finding's version: `save_finding` replaces the photo list wholesale, so a stale copy of
the finding must fail its version check rather than silently drop a photo added meanwhile.
The trail records a photo's id, size and redaction facts, never its bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from datawalk.errors import NotFoundError
from datawalk.models import Photo

from . import tables
from .base import StoreBase, bump_audit, require_actor
from .mapping import photo_from_row, photo_to_row
from .trail import photo_snapshot, record_change


def select_photos(
    connection: Connection,
    *,
    finding_ids: list[str] | None = None,
    audit_id: str | None = None,
    location_id: str | None = None,
) -> dict[str, list[Photo]]:
    """Return photos grouped by finding id, in their stored order, in one query."""
    p, f = tables.photos, tables.findings
    query = select(p).order_by(p.c.finding_id, p.c.ordinal)
    if finding_ids is not None:
        query = query.where(p.c.finding_id.in_(finding_ids))
    if audit_id is not None:
        query = query.join(f, f.c.id == p.c.finding_id).where(f.c.audit_id == audit_id)
        if location_id is not None:
            query = query.where(f.c.location_id == location_id)
    grouped: dict[str, list[Photo]] = defaultdict(list)
    for row in connection.execute(query).mappings():
        grouped[row["finding_id"]].append(photo_from_row(row))
    return grouped


def stored_form(photo: Photo) -> Photo:
    """Return the photo as it will read back: without a redaction record it needs review."""
    if photo.redaction is None and not photo.needs_review:
        return photo.model_copy(update={"needs_review": True})
    return photo


def insert_photos(connection: Connection, finding_id: str, photos: list[Photo], start: int) -> None:
    if photos:
        rows = [photo_to_row(photo, finding_id, start + i) for i, photo in enumerate(photos)]
        connection.execute(insert(tables.photos), rows)


def sync_photos(
    connection: Connection,
    *,
    audit_id: str,
    finding_id: str,
    old: list[Photo],
    new: list[Photo],
    actor: str,
) -> None:
    """Make the finding's stored photos equal `new` (order included), recording each change."""
    old_by_id = {photo.id: photo for photo in old}
    new_ids = {photo.id for photo in new}
    for photo in old:
        if photo.id not in new_ids:
            connection.execute(delete(tables.photos).where(tables.photos.c.id == photo.id))
            _record_photo(connection, audit_id, finding_id, actor, photo, None)
    old_order = [photo.id for photo in old if photo.id in new_ids]
    for ordinal, photo in enumerate(new):
        before = old_by_id.get(photo.id)
        if before is None:
            insert_photos(connection, finding_id, [photo], ordinal)
            _record_photo(connection, audit_id, finding_id, actor, None, photo)
            continue
        moved = ordinal >= len(old_order) or old_order[ordinal] != photo.id
        if stored_form(photo) != before or moved:
            row = photo_to_row(photo, finding_id, ordinal)
            del row["id"]
            connection.execute(
                update(tables.photos).where(tables.photos.c.id == photo.id).values(**row)
            )
            _record_photo(connection, audit_id, finding_id, actor, before, photo)


def _record_photo(
    connection: Connection,
    audit_id: str,
    finding_id: str,
    actor: str,
    old: Photo | None,
    new: Photo | None,
) -> None:
    photo = new if new is not None else old
    assert photo is not None
    record_change(
        connection,
        audit_id=audit_id,
        actor=actor,
        entity="photo",
        entity_id=photo.id,
        old=None if old is None else photo_snapshot(old, finding_id),
        new=None if new is None else photo_snapshot(new, finding_id),
    )


def _finding_owner(connection: Connection, finding_id: str) -> str:
    audit_id = connection.scalar(
        select(tables.findings.c.audit_id).where(tables.findings.c.id == finding_id)
    )
    if audit_id is None:
        raise NotFoundError(f"No finding with id {finding_id!r}: it may have been deleted.")
    return audit_id


def _bump_finding(connection: Connection, finding_id: str) -> None:
    now = bump_audit(connection, _finding_owner(connection, finding_id))
    connection.execute(
        update(tables.findings)
        .where(tables.findings.c.id == finding_id)
        .values(version=tables.findings.c.version + 1, updated_at=now)
    )


def _select_photo_row(connection: Connection, photo_id: str) -> RowMapping:
    row = (
        connection.execute(select(tables.photos).where(tables.photos.c.id == photo_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"No photo with id {photo_id!r}: it may have been deleted.")
    return row


class PhotosMixin(StoreBase):
    def get_photo(self, photo_id: str) -> Photo:
        """Return one photo with its bytes.

        Raises:
            NotFoundError: no photo has this id.
        """
        with self._read() as connection:
            return photo_from_row(_select_photo_row(connection, photo_id))

    def add_photo(self, finding_id: str, photo: Photo, actor: str) -> Photo:
        """Append a photo to a finding (bumping the finding's version) and return it as stored.

        Raises:
            NotFoundError: no finding has this id.
            ConflictError: a photo with this id exists.
        """
        require_actor(actor)
        with self._write() as connection:
            audit_id = _finding_owner(connection, finding_id)
            last = connection.scalar(
                select(func.max(tables.photos.c.ordinal)).where(
                    tables.photos.c.finding_id == finding_id
                )
            )
            insert_photos(connection, finding_id, [photo], 0 if last is None else last + 1)
            _bump_finding(connection, finding_id)
            _record_photo(connection, audit_id, finding_id, actor, None, photo)
            return stored_form(photo)

    def update_photo(self, photo: Photo, actor: str) -> Photo:
        """Replace a stored photo's bytes, caption or redaction record (same id), e.g. after a
        review re-redacts it. Returns it as stored.

        Raises:
            NotFoundError: no photo has this id.
        """
        require_actor(actor)
        with self._write() as connection:
            row = _select_photo_row(connection, photo.id)
            before = photo_from_row(row)
            finding_id = row["finding_id"]
            audit_id = _finding_owner(connection, finding_id)
            if stored_form(photo) != before:
                values = photo_to_row(photo, finding_id, row["ordinal"])
                del values["id"]
                connection.execute(
                    update(tables.photos).where(tables.photos.c.id == photo.id).values(**values)
                )
                _bump_finding(connection, finding_id)
                _record_photo(connection, audit_id, finding_id, actor, before, photo)
            return stored_form(photo)

    def delete_photo(self, photo_id: str, actor: str) -> Photo:
        """Delete one photo (bumping its finding's version) and return it, for undo.

        Raises:
            NotFoundError: no photo has this id.
        """
        require_actor(actor)
        with self._write() as connection:
            row = _select_photo_row(connection, photo_id)
            photo = photo_from_row(row)
            finding_id = row["finding_id"]
            audit_id = _finding_owner(connection, finding_id)
            connection.execute(delete(tables.photos).where(tables.photos.c.id == photo_id))
            _bump_finding(connection, finding_id)
            _record_photo(connection, audit_id, finding_id, actor, photo, None)
            return photo

    def list_photos(self, finding_id: str) -> list[Photo]:
        """Return one finding's photos in their stored order: a card's thumbnail needs these, not
        the whole finding, and most findings have none."""
        with self._read() as connection:
            return select_photos(connection, finding_ids=[finding_id]).get(finding_id, [])

    def photo_counts(
        self, audit_id: str, finding_ids: Sequence[str] | None = None
    ) -> dict[str, int]:
        """Return {finding id: number of photos} for the audit's findings that have any, or for
        those of `finding_ids` only (a list of five cards need not count the whole audit)."""
        p, f = tables.photos, tables.findings
        query = (
            select(p.c.finding_id, func.count())
            .join(f, f.c.id == p.c.finding_id)
            .where(f.c.audit_id == audit_id)
            .group_by(p.c.finding_id)
        )
        if finding_ids is not None:
            query = query.where(p.c.finding_id.in_(list(finding_ids)))
        with self._read() as connection:
            return {finding_id: count for finding_id, count in connection.execute(query)}
