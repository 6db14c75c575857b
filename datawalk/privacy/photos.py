"""The one photo intake: every camera shot, upload and import passes here before it is stored.

It composes `images.py` (validate, orient, downscale, strip metadata) with `faces.py` (detect) and
fills every face and manual rectangle with solid colour, which no deblurring can undo. Only the
redacted bytes leave this module; the original is never returned, so it cannot be stored by
mistake. The preview helpers exist because detectors miss small faces and the consultant must
check the result before saving. This module never touches the database or streamlit.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

from datawalk.errors import PrivacyError
from datawalk.models import Box, Photo, RedactionRecord, utc_now
from datawalk.privacy.faces import (
    FACE_DETECTION,
    Progress,
    clip_box,
    detector_name,
    find_faces,
    overlap_ratio,
)
from datawalk.privacy.images import PHOTO_LIMITS, PhotoLimits, encode_image, load_clean_image

PIPELINE_VERSION = f"datawalk-photo/2 (solid fill; {detector_name()})"
FILL_COLOUR = (32, 32, 32)
DROP_MATCH_RATIO = 0.5
OUTLINE_COLOURS = {"detected": (230, 0, 0), "manual": (0, 90, 230)}
NUMBER_COLOUR = (255, 255, 255)


@dataclass(frozen=True)
class RedactedPhoto:
    """The only form in which a photo may be stored: redacted pixels plus what was done to them."""

    data: bytes
    media_type: str
    width: int
    height: int
    boxes: list[Box] = field(default_factory=list)
    dropped: list[Box] = field(default_factory=list)
    pipeline_version: str = PIPELINE_VERSION


def redact_photo(
    data: bytes,
    extra_boxes: Sequence[Box] = (),
    drop_boxes: Sequence[Box] = (),
    *,
    limits: PhotoLimits = PHOTO_LIMITS,
    detected: Sequence[Box] | None = None,
    progress: Progress | None = None,
) -> RedactedPhoto:
    """Return the photo validated, upright, downscaled, metadata-free, with faces filled in.

    `extra_boxes` are the consultant's manual rectangles and `drop_boxes` the detections they
    rejected as false, both in the coordinates of `detect_faces`/the stored image. `detected`
    passes the detections of an earlier run on the same bytes (every kept and dropped box), so
    adding or dropping a box does not run the detector again; `progress` hears of each pass.

    Raises:
        PrivacyError: the bytes are not an acceptable picture, or a manual box is off the picture.
    """
    clean = load_clean_image(data, limits)
    if detected is None:
        detected = find_faces(
            clean.image, FACE_DETECTION, upright_known=clean.upright_known, progress=progress
        )
    kept = [box for box in detected if not _is_dropped(box, drop_boxes)]
    dropped = [box for box in detected if _is_dropped(box, drop_boxes)]
    manual = _manual_boxes(extra_boxes, clean.width, clean.height)
    image = clean.image.copy()
    _fill(image, [*kept, *manual])
    return RedactedPhoto(
        data=encode_image(image, clean.media_type, limits),
        media_type=clean.media_type,
        width=clean.width,
        height=clean.height,
        boxes=[*kept, *manual],
        dropped=dropped,
    )


intake_photo = redact_photo


def detect_faces(data: bytes, *, limits: PhotoLimits = PHOTO_LIMITS) -> list[Box]:
    """Return the boxes `redact_photo` would fill, in stored-image pixels, for the preview.

    Raises:
        PrivacyError: the bytes are not an acceptable picture.
    """
    clean = load_clean_image(data, limits)
    return find_faces(clean.image, FACE_DETECTION, upright_known=clean.upright_known)


def cover_more(
    data: bytes, boxes: Sequence[Box], *, limits: PhotoLimits = PHOTO_LIMITS
) -> RedactedPhoto:
    """Return already-redacted bytes with more manual boxes filled, without detecting again.

    After a reload the original is gone: the stored copy can only be covered further.

    Raises:
        PrivacyError: the bytes are not an acceptable picture, or a box is off the picture.
    """
    clean = load_clean_image(data, limits)
    manual = _manual_boxes(boxes, clean.width, clean.height)
    image = clean.image.copy()
    _fill(image, manual)
    return RedactedPhoto(
        data=encode_image(image, clean.media_type, limits),
        media_type=clean.media_type,
        width=clean.width,
        height=clean.height,
        boxes=manual,
    )


def preview_with_boxes(
    data: bytes, boxes: Sequence[Box], *, limits: PhotoLimits = PHOTO_LIMITS
) -> bytes:
    """Return a JPEG of the redacted photo with each box outlined and numbered, for checking.

    Give it the stored (redacted) bytes: the consultant checks what will be kept, and the
    original never reaches a screen. It is for the screen only and is never stored.

    Raises:
        PrivacyError: the bytes are not an acceptable picture.
    """
    clean = load_clean_image(data, limits)
    image = clean.image.copy()
    draw = ImageDraw.Draw(image)
    width = max(3, max(image.size) // 300)
    # Numbers big enough to read on a tablet with the picture shown about 900 px wide.
    size = max(16, max(image.size) // 28)
    font = ImageFont.load_default(size=size)
    for number, box in enumerate(boxes, start=1):
        colour = OUTLINE_COLOURS.get(box.source, OUTLINE_COLOURS["detected"])
        corner = (box.x + box.width - 1, box.y + box.height - 1)
        draw.rectangle((box.x, box.y, *corner), outline=colour, width=width)
        label = str(number)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        x = min(max(0, box.x), image.width - (right - left) - 8)
        y = box.y - (bottom - top) - 10 if box.y > (bottom - top) + 10 else box.y + box.height
        y = min(max(0, y), image.height - (bottom - top) - 8)
        draw.rectangle((x, y, x + right - left + 8, y + bottom - top + 8), fill=colour)
        draw.text((x + 4 - left, y + 4 - top), label, fill=NUMBER_COLOUR, font=font)
    return encode_image(image, "image/jpeg", limits)


def mark_point(preview: bytes, x: float, y: float, *, limits: PhotoLimits = PHOTO_LIMITS) -> bytes:
    """Return a preview JPEG with a large ring and cross at (`x`, `y`), given as fractions of
    the width and height: the first corner tapped, visible under a fingertip."""
    image = Image.open(io.BytesIO(preview)).convert("RGB")
    draw = ImageDraw.Draw(image)
    cx, cy = x * image.width, y * image.height
    radius = max(14, max(image.size) // 45)
    width = max(4, radius // 4)
    for colour, extra in ((NUMBER_COLOUR, width), (OUTLINE_COLOURS["manual"], 0)):
        ring = radius + extra // 2
        draw.ellipse((cx - ring, cy - ring, cx + ring, cy + ring), outline=colour, width=width)
        draw.line((cx - 2 * radius, cy, cx + 2 * radius, cy), fill=colour, width=width // 2 + 1)
        draw.line((cx, cy - 2 * radius, cx, cy + 2 * radius), fill=colour, width=width // 2 + 1)
    return encode_image(image, "image/jpeg", limits)


def strip_box(y: float, width: int, height: int, share: float = 0.08) -> Box:
    """Return a full-width band `share` of the height high, centred on `y` (a fraction of the
    height): one tap covers a line of names or a medical detail on a poster."""
    band = max(8, round(height * share))
    top = min(max(0, round(y * height - band / 2)), max(0, height - band))
    return Box(x=0, y=top, width=width, height=min(band, height), source="manual")


def make_photo(
    redacted: RedactedPhoto,
    caption: str,
    confirmed_by: str,
    *,
    confirmed_at: datetime | None = None,
) -> Photo:
    """Return the Photo to store, with a RedactionRecord naming who checked the redaction.

    Raises:
        PrivacyError: nobody confirmed the check; detectors miss small faces, so a person must.
    """
    if not confirmed_by.strip():
        raise PrivacyError("Confirm that you have checked this photo before saving it.")
    record = RedactionRecord(
        pipeline_version=redacted.pipeline_version,
        boxes=list(redacted.boxes),
        dropped_boxes=list(redacted.dropped),
        confirmed_by=confirmed_by.strip(),
        confirmed_at=confirmed_at or utc_now(),
    )
    return Photo(
        media_type=redacted.media_type,
        width=redacted.width,
        height=redacted.height,
        caption=caption,
        data=base64.b64encode(redacted.data),  # Photo.data validates from base64
        redaction=record,
    )


def ensure_redacted(photo: Photo, *, limits: PhotoLimits = PHOTO_LIMITS) -> Photo:
    """Return `photo` unchanged if it has a redaction record, else its re-intaken replacement.

    Only for photos already in this database (stored before redaction existed): their record was
    written here. A photo from a file goes through `reintake_photo` whatever record it carries.

    Raises:
        PrivacyError: the stored bytes are not an acceptable picture.
    """
    return photo if photo.redaction is not None else reintake_photo(photo, limits=limits)


def reintake_photo(photo: Photo, *, limits: PhotoLimits = PHOTO_LIMITS) -> Photo:
    """Return `photo` sent through the intake again, unconfirmed and flagged for review.

    A redaction record in a file is only a claim: an empty or made-up record would otherwise
    store a face, or GPS in the metadata, byte for byte. Re-running the intake on an already
    redacted photo finds nothing new, so a genuine backup loses nothing but its confirmation,
    which a person here must give again before the photo is exported.

    Raises:
        PrivacyError: the bytes are not an acceptable picture.
    """
    redacted = redact_photo(photo.data, limits=limits)
    record = RedactionRecord(
        pipeline_version=redacted.pipeline_version,
        boxes=list(redacted.boxes),
        dropped_boxes=[],
    )
    return photo.model_copy(
        update={
            "data": redacted.data,
            "media_type": redacted.media_type,
            "width": redacted.width,
            "height": redacted.height,
            "redaction": record,
            "needs_review": True,
        }
    )


def _is_dropped(box: Box, drop_boxes: Sequence[Box]) -> bool:
    return any(overlap_ratio(box, drop) >= DROP_MATCH_RATIO for drop in drop_boxes)


def _manual_boxes(extra_boxes: Sequence[Box], width: int, height: int) -> list[Box]:
    boxes = []
    for box in extra_boxes:
        clipped = clip_box(box, width, height)
        if clipped is None:
            raise PrivacyError(
                f"A rectangle you drew ({box.x}, {box.y}, {box.width} × {box.height}) lies "
                f"outside the {width} × {height} photo. Draw it again on the preview."
            )
        boxes.append(clipped.model_copy(update={"source": "manual"}))
    return boxes


def _fill(image: Image.Image, boxes: Sequence[Box]) -> None:
    """Overwrite every box with one solid colour: nothing of the original pixels remains."""
    draw = ImageDraw.Draw(image)
    for box in boxes:
        draw.rectangle(
            (box.x, box.y, box.x + box.width - 1, box.y + box.height - 1), fill=FILL_COLOUR
        )
