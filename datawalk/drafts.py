"""The in-progress finding of the walk page: its payload schema and the rules that turn it into a
`Finding`.

A draft is saved on every tap (`Store.save_draft`) so a dropped connection loses at most the last
change; it must therefore be a plain JSON dict that survives any schema drift. This module owns
that dict's shape, the "needed by follows the categories until edited" rule, and the step from a
draft to a `Finding` with a clear, field-named error. It must not import streamlit or touch the
database.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from datawalk.checklist import default_needed_by, finding_from_template
from datawalk.errors import PrivacyError, ValidationError, validation_error
from datawalk.models import Finding, Photo, Reach, utc_now
from datawalk.vocabulary import Checklist

DRAFT_SCHEMA = 1
PHOTO_REF = "data_ref"  # a draft payload names a photo's bytes by SHA-256 (store/drafts.py)
log = logging.getLogger(__name__)

# Fields a consultant must choose before a finding can be saved, in the order they are shown,
# with the message shown at the field.
REQUIRED_FIELDS: dict[str, str] = {
    "categories": "Choose at least one data category.",
    "format": "Choose the format (poster, list, folder …).",
    "identifiability": "Choose how identifiable the pupils are.",
    "detail_level": "Choose the level of detail shown.",
    "reach": "Choose how quickly the people who need it can reach it.",
    "evidence": "Choose how you know (observed, staff asked, document seen).",
}

# Draft fields that map one to one onto Finding fields.
FINDING_FIELDS = (
    "title",
    "categories",
    "format",
    "identifiability",
    "detail_level",
    "visible_to",
    "needed_by",
    "reach",
    "needed_reach",
    "controls",
    "evidence",
    "review_date",
    "need_override",
    "good_practice",
    "good_practice_note",
    "notes",
    "photos",
    "template_id",
)
# Fields the capture form edits with a widget each (photos have their own per-photo widgets).
EDITABLE_FIELDS = tuple(field for field in FINDING_FIELDS if field != "photos")


# What the draft is of, never changed by a widget.
FIXED_FIELDS = frozenset({"schema_version", "finding_id", "version", "rewalk_item_id"})


class Draft(BaseModel):
    """The in-progress finding. Unlike `Finding`, every field may still be empty."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    schema_version: int = DRAFT_SCHEMA
    finding_id: str | None = Field(default=None, description="Set when editing a saved finding")
    rewalk_item_id: str | None = Field(
        default=None, description="Last walk's finding this records as Changed, once saved"
    )
    version: int | None = None
    reference: str | None = None
    created_at: datetime | None = None
    template_id: str | None = None
    title: str = ""
    categories: list[str] = Field(default_factory=list)
    format: str | None = None
    identifiability: str | None = None
    detail_level: str | None = None
    visible_to: list[str] = Field(default_factory=list)
    needed_by: list[str] = Field(default_factory=list)
    needed_by_edited: bool = Field(
        default=False, description="Once the consultant edits 'needed by' it stops following"
    )
    reach: str | None = Reach.IMMEDIATELY.value
    needed_reach: dict[str, str] = Field(
        default_factory=dict, description="Reach given per needer; the rest take the default"
    )
    controls: list[str] = Field(default_factory=list)
    evidence: str | None = "observed"
    review_date: date | None = None
    need_override: int | None = None
    good_practice: bool = False
    good_practice_note: str = ""
    notes: str = ""
    photos: list[Photo] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing has been chosen yet: an empty draft is not worth keeping."""
        return self == Draft()


def change_field(draft: Draft, field: str, value: Any, checklist: Checklist) -> Draft:
    """Return a copy of `draft` with one field changed, keeping 'needed by' on its default.

    Raises:
        ValidationError: `field` is not a draft field.
    """
    if field not in Draft.model_fields or field in FIXED_FIELDS:
        raise ValidationError(f"'{field}' cannot be edited on a finding.", field=field)
    if isinstance(value, tuple | set | frozenset):
        value = sorted(value)
    # A shallow copy: fields are replaced, never mutated in place, and photos are large.
    updated = draft.model_copy()
    try:
        setattr(updated, field, value)
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from exc
    if field == "needed_by":
        updated.needed_by_edited = True
    elif field == "categories" and not updated.needed_by_edited:
        updated.needed_by = default_needed_by(checklist, updated.categories)
    if set(updated.needed_reach) - set(updated.needed_by):  # a reach only for those who need it
        updated.needed_reach = {
            a: r for a, r in updated.needed_reach.items() if a in updated.needed_by
        }
    return updated


def change_needer_reach(
    draft: Draft, audience: str, reach: str | None, checklist: Checklist
) -> Draft:
    """Return `draft` with one needer's own reach set, or back on the default when None.

    Raises:
        ValidationError: the audience does not need it, or the reach is unknown.
    """
    if audience not in draft.needed_by:
        raise ValidationError("Give a reach only to an audience that needs it.", field="needed_by")
    given = {a: r for a, r in draft.needed_reach.items() if a != audience}
    if reach:
        if checklist.term("reach_speeds", reach) is None:
            raise ValidationError(f"Unknown reach {reach!r}.", field="needed_reach")
        given[audience] = reach
    return change_field(draft, "needed_reach", given, checklist)


def draft_from_finding(finding: Finding, *, editing: bool) -> Draft:
    """Return a draft holding `finding`; with `editing` the draft updates that saved finding."""
    values = finding.model_dump(include=set(EDITABLE_FIELDS))
    values["photos"] = list(finding.photos)
    draft = Draft(**values, needed_by_edited=editing)
    if editing:
        draft.finding_id = finding.id
        draft.version = finding.version
        draft.reference = finding.reference
        draft.created_at = finding.created_at
    return draft


def draft_from_template(
    current: Draft, checklist: Checklist, template_id: str, audit_id: str, location_id: str
) -> Draft:
    """Return `current` with every field pre-filled from a quick template.

    The title becomes the template's name. The edit target (finding id, version, reference) and
    photos are kept, and a title or notes already typed are not overwritten: a template is a
    starting point, never a reason to lose work.

    Raises:
        ValidationError: the checklist has no such template.
    """
    filled = draft_from_finding(
        finding_from_template(checklist, template_id, audit_id, location_id), editing=False
    )
    keep = current.model_dump(include={"finding_id", "version", "reference", "created_at"})
    keep["photos"] = list(current.photos)
    keep["title"] = checklist.label("templates", template_id)
    for typed in ("title", "notes", "good_practice_note"):
        if getattr(current, typed).strip() and not _from_a_template(current, typed, checklist):
            keep[typed] = getattr(current, typed)
    return filled.model_copy(update=keep)


def _from_a_template(draft: Draft, field: str, checklist: Checklist) -> bool:
    """True when a title still reads as the previous template's name: tapping another template
    replaces it, as it replaces every other field that template filled in."""
    if field != "title" or not draft.template_id:
        return False
    return draft.title == checklist.label("templates", draft.template_id)


def draft_to_payload(draft: Draft) -> dict[str, Any]:
    """Return the JSON-safe dict stored by `Store.save_draft`, written on every tap.

    Photos appear by reference only (`data_ref`, the SHA-256 of their bytes; see
    `draft_photo_blobs`), so a tap neither encodes nor writes megabytes of pictures.
    """
    payload = draft.model_dump(mode="json", exclude={"photos"})
    payload["photos"] = [
        photo.model_dump(mode="json", exclude={"data"}) | {PHOTO_REF: photo_digest(photo)}
        for photo in draft.photos
    ]
    return payload


def draft_photo_blobs(draft: Draft) -> dict[str, bytes]:
    """The bytes of the draft's photos by the SHA-256 that `draft_to_payload` names them by."""
    return {photo_digest(photo): photo.data for photo in draft.photos}


def photo_digest(photo: Photo) -> str:
    return hashlib.sha256(photo.data).hexdigest()


def draft_from_payload(
    payload: dict[str, Any] | None, photos: Mapping[str, bytes] | None = None
) -> Draft:
    """Return the draft stored in `payload`; a missing or unreadable payload gives an empty draft.

    The store puts photo bytes back itself; `photos` does it for a payload straight from
    `draft_to_payload`. A draft is a convenience, never a record: a payload from an older
    schema that no longer validates is logged and dropped rather than blocking the walk page.
    """
    if not payload:
        return Draft()
    if photos is not None:
        payload = payload | {
            "photos": [
                {k: v for k, v in p.items() if k != PHOTO_REF}
                | {"data": base64.b64encode(photos[p[PHOTO_REF]]).decode("ascii")}
                if PHOTO_REF in p
                else p
                for p in payload.get("photos", [])
            ]
        }
    try:
        return Draft.model_validate(payload)
    except pydantic.ValidationError as exc:
        log.warning("Dropped an unreadable draft: %s", exc.errors(include_input=False))
        return Draft()


def missing_fields(draft: Draft) -> list[ValidationError]:
    """Every reason the draft cannot be saved yet, one per field, in the order shown.

    All of them at once, so a consultant fixes everything in one pass instead of meeting the
    next empty field after each Save.
    """
    problems = [
        ValidationError(message, field=field)
        for field, message in REQUIRED_FIELDS.items()
        if not getattr(draft, field)
    ]
    try:
        check_photos_confirmed(draft)
    except ValidationError as exc:
        problems.append(exc)
    return problems


def check_required(draft: Draft) -> None:
    """Raises ValidationError naming the first required field that is still empty."""
    for field, message in REQUIRED_FIELDS.items():
        if not getattr(draft, field):
            raise ValidationError(message, field=field)


def finding_from_draft(
    draft: Draft, audit_id: str, location_id: str, now: datetime | None = None
) -> Finding:
    """Return the Finding a draft describes, ready for `validate_finding` and `save_finding`.

    Raises:
        ValidationError: a required field is empty or a value breaks the Finding model; `field`
            names the first offending field.
    """
    check_required(draft)
    check_photos_confirmed(draft)
    now = now or utc_now()
    values = draft.model_dump(include=set(EDITABLE_FIELDS))
    values["photos"] = list(draft.photos)
    identity: dict[str, Any] = {"audit_id": audit_id, "location_id": location_id}
    if draft.finding_id:
        identity |= {
            "id": draft.finding_id,
            "version": draft.version or 1,
            "reference": draft.reference,
            "created_at": draft.created_at or now,
        }
    try:
        return Finding(**identity, **values, updated_at=now)
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from exc


def redact_unrecorded_photos(draft: Draft) -> Draft:
    """Return `draft` with every photo that has no redaction record sent through the intake.

    Photos stored before redaction existed are flagged by the migration; opening their finding
    for editing redacts them now, unconfirmed, so a person must check them before saving again
    and no unredacted picture is saved back. A stored file that is no longer a picture is left
    as it is (the photo field shows the problem when its preview fails).
    """
    if all(photo.redaction for photo in draft.photos):
        return draft
    # Imported here: the intake loads OpenCV, which the draft rules otherwise never need.
    from datawalk.privacy import ensure_redacted

    photos = []
    for photo in draft.photos:
        try:
            photos.append(ensure_redacted(photo))
        except PrivacyError:
            log.warning("A stored photo could not be redacted: it is not an acceptable picture")
            photos.append(photo)
    return draft.model_copy(update={"photos": photos})


def check_photos_confirmed(draft: Draft) -> None:
    """Raises ValidationError on `photos` if a photo has not been checked by a person.

    Face detectors miss small and turned faces, so no photo is saved on the detector's word.
    """
    for number, photo in enumerate(draft.photos, start=1):
        if not (photo.redaction and photo.redaction.confirmed_by):
            raise ValidationError(
                f"Photo {number}: tick 'I have checked this photo' (look for faces and names the "
                "redaction missed) before saving.",
                field="photos",
            )
