"""A resolved finding's evidence photos: this walk's pictures showing it gone or fixed.

They are rows of their own (`rewalk_photos`), belonging to the re-walk record they prove (ON
DELETE CASCADE) and to its audit, stored exactly as a finding's photos are: only the redacted
bytes, with their redaction record (a photo without one is flagged for review). The trail records
a photo's id, size and redaction facts, never its bytes. Retention deletes them with the audit's
other photos; a later re-walk never copies them (its records are built afresh).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from datawalk.errors import NotFoundError
from datawalk.models import Photo, RewalkItem

from . import tables
from .base import StoreBase, bump_audit, require_actor
from .mapping import photo_from_row, photo_to_row
from .photos import stored_form
from .trail import Snapshot, photo_snapshot, record_change

_T = tables.rewalk_photos


def _row(photo: Photo, item: RewalkItem, ordinal: int) -> dict[str, Any]:
    row = photo_to_row(photo, item.id, ordinal)
    del row["finding_id"]
    return row | {"rewalk_item_id": item.id, "audit_id": item.audit_id}


def _snapshot(photo: Photo, item_id: str) -> Snapshot:
    snapshot = photo_snapshot(photo, item_id)
    del snapshot["finding_id"]
    return snapshot | {"rewalk_item_id": item_id}


def _record(
    connection: Connection, audit_id: str, item_id: str, actor: str, old: Photo | None,
    new: Photo | None,
) -> None:  # fmt: skip
    photo = new if new is not None else old
    assert photo is not None
    record_change(connection, audit_id=audit_id, actor=actor, entity="photo", entity_id=photo.id,
                  old=None if old is None else _snapshot(old, item_id),
                  new=None if new is None else _snapshot(new, item_id))  # fmt: skip


def select_rewalk_photos(
    connection: Connection, audit_id: str, item_ids: Collection[str] | None = None
) -> dict[str, list[Photo]]:
    """Return the audit's evidence photos (of `item_ids` only, if given) grouped by re-walk item
    id, in order, in one query."""
    query = select(_T).where(_T.c.audit_id == audit_id).order_by(_T.c.rewalk_item_id, _T.c.ordinal)
    if item_ids is not None:
        query = query.where(_T.c.rewalk_item_id.in_(list(item_ids)))
    grouped: dict[str, list[Photo]] = defaultdict(list)
    for row in connection.execute(query).mappings():
        grouped[row["rewalk_item_id"]].append(photo_from_row(row))
    return dict(grouped)


def insert_rewalk_photos(connection: Connection, items: Iterable[RewalkItem]) -> None:
    """Insert the photos the items carry (an import; no trail: the caller records the restore)."""
    rows = [_row(photo, item, i) for item in items for i, photo in enumerate(item.photos)]
    if rows:
        connection.execute(insert(_T), rows)


def delete_item_photos(connection: Connection, item: RewalkItem, actor: str) -> int:
    """Delete one item's photos (it is no longer Resolved), recording each; return how many."""
    rows = connection.execute(select(_T).where(_T.c.rewalk_item_id == item.id)).mappings().all()
    for row in rows:
        connection.execute(delete(_T).where(_T.c.id == row["id"]))
        _record(connection, item.audit_id, item.id, actor, photo_from_row(row), None)
    return len(rows)


def purge_rewalk_photos(connection: Connection, audit_id: str, actor: str) -> int:
    """Retention: delete every evidence photo of the audit, recording each; return how many."""
    rows = connection.execute(select(_T).where(_T.c.audit_id == audit_id)).mappings().all()
    for row in rows:
        connection.execute(delete(_T).where(_T.c.id == row["id"]))
        old = photo_from_row(row)
        _record(connection, audit_id, row["rewalk_item_id"], actor, old, None)
    return len(rows)


def _select_row(connection: Connection, photo_id: str) -> RowMapping:
    row = connection.execute(select(_T).where(_T.c.id == photo_id)).mappings().first()
    if row is None:
        raise NotFoundError("That photo is no longer here: it may have been removed.")
    return row


class RewalkPhotosMixin(StoreBase):
    def rewalk_photos(
        self, audit_id: str, item_ids: Collection[str] | None = None
    ) -> dict[str, list[Photo]]:
        """Return {re-walk item id: its evidence photos} for the audit's items that have any
        (of `item_ids` only, if given: the walk page reads one location's)."""
        with self._read() as connection:
            return select_rewalk_photos(connection, audit_id, item_ids)

    def rewalk_photo_count(self, item_id: str) -> int:
        """Return how many evidence photos one re-walk item holds (no bytes read)."""
        query = select(func.count()).select_from(_T).where(_T.c.rewalk_item_id == item_id)
        with self._read() as connection:
            return connection.scalar(query) or 0

    def get_rewalk_photo(self, photo_id: str) -> tuple[str, Photo]:
        """Return (its re-walk item id, the photo).

        Raises:
            NotFoundError: no evidence photo has this id.
        """
        with self._read() as connection:
            row = _select_row(connection, photo_id)
            return row["rewalk_item_id"], photo_from_row(row)

    def add_rewalk_photo(self, item: RewalkItem, photo: Photo, actor: str) -> Photo:
        """Append an evidence photo to a re-walk item; return it as stored."""
        require_actor(actor)
        with self._write() as connection:
            last = connection.scalar(
                select(func.max(_T.c.ordinal)).where(_T.c.rewalk_item_id == item.id)
            )
            connection.execute(insert(_T), [_row(photo, item, 0 if last is None else last + 1)])
            bump_audit(connection, item.audit_id)
            _record(connection, item.audit_id, item.id, actor, None, photo)
            return stored_form(photo)

    def update_rewalk_photo(self, item: RewalkItem, photo: Photo, actor: str) -> Photo:
        """Replace an evidence photo's bytes, caption or redaction record (same id).

        Raises:
            NotFoundError: the item has no photo with this id.
        """
        require_actor(actor)
        with self._write() as connection:
            row = _select_row(connection, photo.id)
            if row["rewalk_item_id"] != item.id:
                raise NotFoundError("That photo is no longer here: it may have been removed.")
            before = photo_from_row(row)
            if stored_form(photo) != before:
                values = _row(photo, item, row["ordinal"])
                del values["id"]
                connection.execute(update(_T).where(_T.c.id == photo.id).values(**values))
                bump_audit(connection, item.audit_id)
                _record(connection, item.audit_id, item.id, actor, before, photo)
            return stored_form(photo)

    def delete_rewalk_photo(self, item: RewalkItem, photo_id: str, actor: str) -> Photo:
        """Delete one evidence photo and return it.

        Raises:
            NotFoundError: the item has no photo with this id.
        """
        require_actor(actor)
        with self._write() as connection:
            row = _select_row(connection, photo_id)
            if row["rewalk_item_id"] != item.id:
                raise NotFoundError("That photo is no longer here: it may have been removed.")
            photo = photo_from_row(row)
            connection.execute(delete(_T).where(_T.c.id == photo_id))
            bump_audit(connection, item.audit_id)
            _record(connection, item.audit_id, item.id, actor, photo, None)
            return photo

    def delete_rewalk_item_photos(self, item: RewalkItem, actor: str) -> int:
        """Delete every evidence photo of one item; return how many."""
        require_actor(actor)
        with self._write() as connection:
            removed = delete_item_photos(connection, item, actor)
            if removed:
                bump_audit(connection, item.audit_id)
            return removed
