"""A photo's check by a person: a redacted photo waits, unchecked, until someone ticks that they
looked for faces and names the detector missed, and covering more withdraws the tick.

Shared by a finding's photos (the capture draft) and a resolved finding's evidence on a re-walk,
so both are checked the same way. It must not import streamlit or touch the database.
"""

from __future__ import annotations

import base64
from datetime import datetime

from datawalk.errors import ValidationError
from datawalk.models import Box, Photo, Position, RedactionRecord, utc_now


def unconfirmed_photo(
    data: bytes, media_type: str, width: int, height: int, record: RedactionRecord
) -> Photo:
    """Return a Photo of already-redacted bytes, awaiting the consultant's "checked" tick."""
    return Photo(
        media_type=media_type,
        width=width,
        height=height,
        data=base64.b64encode(data),
        redaction=record.model_copy(update={"confirmed_by": "", "confirmed_at": None}),
    )


def confirm_photo(photo: Photo, confirmed_by: str, now: datetime | None = None) -> Photo:
    """Return `photo` marked as checked by `confirmed_by` (an empty name withdraws the tick).

    A photo flagged for review (stored before redaction) counts as reviewed once a person ticks.
    """
    record = photo.redaction or RedactionRecord(pipeline_version="unknown")
    record = record.model_copy(
        update={
            "confirmed_by": confirmed_by,
            "confirmed_at": (now or utc_now()) if confirmed_by else None,
        }
    )
    reviewed = photo.needs_review and not confirmed_by
    return photo.model_copy(update={"redaction": record, "needs_review": reviewed})


def box_from_corners(
    first: Position, second: Position, width: int, height: int, source: str = "manual"
) -> Box:
    """Return the pixel box spanned by two taps given as normalised positions on a picture.

    Raises:
        ValidationError: the taps are on one line, so they span no area.
    """
    left, right = sorted((round(first.x * width), round(second.x * width)))
    top, bottom = sorted((round(first.y * height), round(second.y * height)))
    if right - left < 1 or bottom - top < 1:
        raise ValidationError("Tap two opposite corners of the area to cover.", field="photos")
    return Box(x=left, y=top, width=right - left, height=bottom - top, source=source)


def with_new_redaction(
    photo: Photo,
    data: bytes,
    media_type: str,
    width: int,
    height: int,
    boxes: list[Box],
    dropped: list[Box],
) -> Photo:
    """Return `photo` (same id and caption) holding a re-redacted image with its new boxes.

    The "checked" tick is withdrawn: what is covered changed, so a person must look again.
    """
    record = (photo.redaction or RedactionRecord(pipeline_version="unknown")).model_copy(
        update={"boxes": boxes, "dropped_boxes": dropped, "confirmed_by": "", "confirmed_at": None}
    )
    # model_copy does not validate, so `data` is given decoded, as the field holds it.
    return photo.model_copy(
        update={
            "data": data,
            "media_type": media_type,
            "width": width,
            "height": height,
            "redaction": record,
        }
    )
