"""Drafts: the in-progress finding of the walk page, saved on every tap so nothing is lost.

One draft per (audit, location, owner, device), the location possibly None: a draft belongs to one
person on one device (`datawalk.editing.DraftHolder`), so another tablet on the same place never
sees it or empties it. Drafts are scratch state, not audit
data: they are not in the trail or the export, and saving one does not bump the audit's version
(that would throw away every cached chart on every tap).

Photos are kept out of the payload written on every tap: a payload photo names its bytes by
SHA-256 (`data_ref`), and the bytes are stored once each in `draft_photos`, written only when
new and deleted when no longer named. `load_draft` puts them back, so readers see whole photos.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from datawalk.editing import DraftHolder
from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import utc_now

from . import tables
from .base import StoreBase

NO_LOCATION = ""
MAX_DRAFT_BYTES = 16_000_000
PHOTO_REF = "data_ref"
# Whose draft a call means when it does not say: one shared draft per place, as before owners.
ANYONE = DraftHolder(owner="")
log = logging.getLogger(__name__)


def _key(location_id: str | None) -> str:
    return NO_LOCATION if location_id is None else location_id


def _where(table: Any, audit_id: str, location_key: str, holder: DraftHolder) -> tuple[Any, ...]:
    """The conditions naming one holder's draft (or its photos) at one place."""
    return (
        table.c.audit_id == audit_id,
        table.c.location_key == location_key,
        table.c.owner == holder.owner,
        table.c.device == holder.device,
    )


def _check_payload(payload: dict[str, Any]) -> None:
    if not isinstance(payload, dict):
        raise ValidationError("A draft must be a dictionary of field values.", field="payload")
    try:
        size = len(json.dumps(payload))
    except (TypeError, ValueError) as error:
        raise ValidationError(
            f"A draft can hold only JSON values (text, numbers, lists): {error}", field="payload"
        ) from error
    if size > MAX_DRAFT_BYTES:
        raise ValidationError("The draft is too large to keep; save the finding.", "payload")


def _upsert(connection: Connection, row: dict[str, Any]) -> None:
    """Insert or replace the draft in one statement where the database supports it."""
    table = tables.drafts
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(table).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.audit_id, table.c.location_key, table.c.owner, table.c.device],
            set_={
                "payload": statement.excluded.payload,
                "updated_at": statement.excluded.updated_at,
            },
        )
        connection.execute(statement)
        return
    holder = DraftHolder(row["owner"], row["device"])
    result = connection.execute(
        update(table)
        .where(*_where(table, row["audit_id"], row["location_key"], holder))
        .values(payload=row["payload"], updated_at=row["updated_at"])
    )
    if result.rowcount == 0:
        connection.execute(insert(table), [row])


@dataclass(frozen=True)
class DraftElsewhere:
    """A draft of the same person at the same place, kept on another of their devices."""

    device: str
    updated_at: datetime


class DraftsMixin(StoreBase):
    def save_draft(
        self,
        audit_id: str,
        location_id: str | None,
        payload: dict[str, Any],
        photos: Mapping[str, bytes] | None = None,
        *,
        holder: DraftHolder = ANYONE,
    ) -> None:
        """Keep `payload` as `holder`'s draft at (audit, location), replacing their earlier one.

        `photos` holds the bytes of the payload's photos by the SHA-256 their `data_ref` names;
        only those not stored yet are written, and stored ones no longer named are deleted.

        Raises:
            NotFoundError: the audit does not exist.
            ValidationError: the payload is not JSON-serialisable or is too large.
        """
        _check_payload(payload)
        location_key = _key(location_id)
        row = {
            "audit_id": audit_id,
            "location_key": location_key,
            "owner": holder.owner,
            "device": holder.device,
            "payload": payload,
            "updated_at": utc_now(),
        }
        with self._write() as connection:
            exists = connection.scalar(
                select(tables.audits.c.id).where(tables.audits.c.id == audit_id)
            )
            if exists is None:
                raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
            _upsert(connection, row)
            _keep_photos(connection, audit_id, location_key, holder, _refs(payload), photos or {})

    def load_draft(
        self, audit_id: str, location_id: str | None, *, holder: DraftHolder = ANYONE
    ) -> dict[str, Any] | None:
        """Return `holder`'s draft at (audit, location), or None if they have none there."""
        with self._read() as connection:
            return _select_draft(connection, audit_id, _key(location_id), holder)

    def clear_draft(
        self, audit_id: str, location_id: str | None, *, holder: DraftHolder = ANYONE
    ) -> None:
        """Forget `holder`'s draft at (audit, location); clearing a missing one is not an error."""
        with self._write() as connection:
            _delete_draft(connection, audit_id, _key(location_id), holder)

    def drafts_elsewhere(
        self, audit_id: str, location_id: str | None, *, holder: DraftHolder
    ) -> list[DraftElsewhere]:
        """The same person's drafts at this place on their other devices, newest first.

        Other people's drafts are never listed: their unsaved notes are theirs.
        """
        table = tables.drafts
        with self._read() as connection:
            rows = connection.execute(
                select(table.c.device, table.c.updated_at)
                .where(
                    table.c.audit_id == audit_id,
                    table.c.location_key == _key(location_id),
                    table.c.owner == holder.owner,
                    table.c.device != holder.device,
                )
                .order_by(table.c.updated_at.desc())
            ).all()
        return [DraftElsewhere(device, updated_at) for device, updated_at in rows]

    def take_draft(
        self, audit_id: str, location_id: str | None, *, holder: DraftHolder, device: str
    ) -> dict[str, Any] | None:
        """Move the person's draft at this place from their other `device` to `holder.device`
        (replacing the draft there), photos included, in one transaction; return it whole.

        Returns None when the other device no longer has one (it was saved or cleared meanwhile).
        """
        location_key = _key(location_id)
        source = DraftHolder(holder.owner, device)
        table = tables.drafts
        with self._write() as connection:
            payload = connection.scalar(
                select(table.c.payload).where(*_where(table, audit_id, location_key, source))
            )
            if payload is None:
                return None
            photos = _photo_bytes(connection, audit_id, location_key, source)
            _delete_draft(connection, audit_id, location_key, source)
            _delete_draft(connection, audit_id, location_key, holder)
            row = {
                "audit_id": audit_id,
                "location_key": location_key,
                "owner": holder.owner,
                "device": holder.device,
                "payload": payload,
                "updated_at": utc_now(),
            }
            _upsert(connection, row)
            _keep_photos(connection, audit_id, location_key, holder, _refs(payload), photos)
            if not _refs(payload):
                return payload
            return _with_photos(connection, audit_id, location_key, holder, payload)

    def has_drafts(self, audit_id: str) -> bool:
        """True while anyone keeps a draft anywhere in the audit (retention asks)."""
        table = tables.drafts
        with self._read() as connection:
            found = connection.scalar(
                select(table.c.audit_id).where(table.c.audit_id == audit_id).limit(1)
            )
        return found is not None


def _select_draft(
    connection: Connection, audit_id: str, location_key: str, holder: DraftHolder
) -> dict[str, Any] | None:
    table = tables.drafts
    payload = connection.scalar(
        select(table.c.payload).where(*_where(table, audit_id, location_key, holder))
    )
    if payload is None or not _refs(payload):
        return payload
    return _with_photos(connection, audit_id, location_key, holder, payload)


def _delete_draft(
    connection: Connection, audit_id: str, location_key: str, holder: DraftHolder
) -> None:
    for table in (tables.drafts, tables.draft_photos):
        connection.execute(delete(table).where(*_where(table, audit_id, location_key, holder)))


def _photo_bytes(
    connection: Connection, audit_id: str, location_key: str, holder: DraftHolder
) -> dict[str, bytes]:
    table = tables.draft_photos
    rows = connection.execute(
        select(table.c.digest, table.c.data).where(*_where(table, audit_id, location_key, holder))
    )
    return {digest: data for digest, data in rows}


def _refs(payload: dict[str, Any]) -> set[str]:
    photos = payload.get("photos") if isinstance(payload, dict) else None
    if not isinstance(photos, list):
        return set()
    return {p[PHOTO_REF] for p in photos if isinstance(p, dict) and PHOTO_REF in p}


def _keep_photos(
    connection: Connection,
    audit_id: str,
    location_key: str,
    holder: DraftHolder,
    refs: set[str],
    photos: Mapping[str, bytes],
) -> None:
    """Write the named photos not stored yet; delete stored ones the draft no longer names."""
    table = tables.draft_photos
    where = _where(table, audit_id, location_key, holder)
    stored = set(connection.scalars(select(table.c.digest).where(*where)))
    gone = stored - refs
    if gone:
        connection.execute(delete(table).where(*where, table.c.digest.in_(gone)))
    new = [
        {
            "audit_id": audit_id,
            "location_key": location_key,
            "owner": holder.owner,
            "device": holder.device,
            "digest": digest,
            "data": photos[digest],
            "created_at": utc_now(),
        }
        for digest in sorted(refs - stored)
        if digest in photos
    ]
    if new:
        connection.execute(insert(table), new)


def _with_photos(
    connection: Connection,
    audit_id: str,
    location_key: str,
    holder: DraftHolder,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The payload with each photo's bytes back in `data` (base64, as the model reads it); a
    photo whose bytes are missing is left out and logged rather than breaking the page."""
    blobs = _photo_bytes(connection, audit_id, location_key, holder)
    photos = []
    for photo in payload.get("photos", []):
        if not (isinstance(photo, dict) and PHOTO_REF in photo):
            photos.append(photo)
            continue
        data = blobs.get(photo[PHOTO_REF])
        if data is None:
            log.warning("A draft photo's bytes are missing; the photo was left out")
            continue
        whole = {k: v for k, v in photo.items() if k != PHOTO_REF}
        photos.append(whole | {"data": base64.b64encode(data).decode("ascii")})
    return payload | {"photos": photos}
