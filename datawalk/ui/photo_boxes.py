"""Adjusting a photo's redaction on the walk page: cover an area by tapping two opposite corners
(a name on a poster), or drop a detection that is not a face, which is asked twice and logged.

Dropping needs the picture as it arrived. It is kept in server memory for this session only,
never stored and never shown, and dropped when the finding is saved or cleared; after a reload
only covering more is possible, on the already-redacted copy. Every preview is the redacted image
as it will be stored, sent inline as a `data:` URI (never a `/media/` URL, which needs no session).
"""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from datawalk import photo_checks
from datawalk.errors import DataWalkError
from datawalk.floorplan import position_from_click
from datawalk.models import Box, Photo
from datawalk.privacy import cover_more, preview_with_boxes, redact_photo
from datawalk.privacy.photos import mark_point, strip_box
from datawalk.ui import capture_state as cs
from datawalk.ui import errors, widgets

log = logging.getLogger(__name__)
ORIGINALS = cs.ORIGINALS
PREVIEWS = cs.PREVIEWS
_CORNER = "cap_box_corner"
_HANDLED = "cap_box_tap_handled"
_CONFIRM_DROP = "cap_drop_confirm"


class _EncodedImage:
    """Hands the tap widget bytes already encoded, instead of a PIL image it would re-encode."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def save(self, buffer: io.BytesIO, **_: Any) -> None:
        buffer.write(self._data)


def remember(photo_id: str, original: bytes) -> None:
    """Keep, in server memory for this session only, the picture as it arrived."""
    st.session_state.setdefault(ORIGINALS, {})[photo_id] = original


def forget(photo_id: str) -> None:
    st.session_state.get(ORIGINALS, {}).pop(photo_id, None)
    st.session_state.get(PREVIEWS, {}).pop(photo_id, None)


def preview(photo: Photo) -> bytes:
    """The stored (redacted) image with its boxes outlined and numbered, made once per image."""
    previews: dict[str, tuple[str, bytes]] = st.session_state.setdefault(PREVIEWS, {})
    digest = hashlib.sha256(photo.data).hexdigest()
    made = previews.get(photo.id)
    if made is None or made[0] != digest:
        boxes = photo.redaction.boxes if photo.redaction else []
        made = (digest, preview_with_boxes(photo.data, boxes))
        previews[photo.id] = made
    return made[1]


def _redact_again(
    ctx: cs.CaptureContext, photo: Photo, add: Box | None = None, drop: Box | None = None
) -> None:
    """Redact the photo again with one more manual box or one fewer detection; replace it."""
    record = photo.redaction
    boxes = list(record.boxes) if record else []
    dropped = list(record.dropped_boxes) if record else []
    original = st.session_state.get(ORIGINALS, {}).get(photo.id)
    if original is None:
        # Only covering more is possible on the redacted copy; keep the boxes already applied.
        redacted = cover_more(photo.data, [add] if add else [])
        new_boxes = [*boxes, *redacted.boxes]
        new_dropped = dropped
    else:
        manual = [box for box in boxes if box.source == "manual"] + ([add] if add else [])
        drops = dropped + ([drop] if drop else [])
        # Every detection of the intake, kept or dropped: the detector does not run again.
        detected = [box for box in boxes if box.source == "detected"] + dropped
        redacted = redact_photo(original, extra_boxes=manual, drop_boxes=drops, detected=detected)
        new_boxes, new_dropped = list(redacted.boxes), list(redacted.dropped)
    updated = photo_checks.with_new_redaction(
        photo,
        redacted.data,
        redacted.media_type,
        redacted.width,
        redacted.height,
        new_boxes,
        new_dropped,
    )
    photos = [updated if p.id == photo.id else p for p in cs.current_draft().photos]
    cs.change(ctx, "photos", photos)


def _apply_tap(ctx: cs.CaptureContext, photo: Photo, click: dict[str, Any] | None) -> bool:
    """First tap marks a corner, the second covers the area between; True when a box was added."""
    if not click:
        return False
    handled = st.session_state.setdefault(_HANDLED, {})
    if handled.get(photo.id) == click.get("unix_time"):
        return False
    handled[photo.id] = click.get("unix_time")
    corners = st.session_state.setdefault(_CORNER, {})
    try:
        position = position_from_click(click)
        if photo.id not in corners:
            corners[photo.id] = position  # drawn on the picture as a ring at the next run
            return True
        box = photo_checks.box_from_corners(
            corners.pop(photo.id), position, photo.width, photo.height
        )
        _redact_again(ctx, photo, add=box)
    except DataWalkError as exc:
        errors.record_error(cs.SCOPE, exc)
    return True


def _cover_strip(ctx: cs.CaptureContext, photo_id: str, y: float | None) -> None:
    """Cover a full-width band at the marked corner's height (`y` None) or at `y`."""
    corners = st.session_state.setdefault(_CORNER, {})
    corner = corners.pop(photo_id, None)
    photo = next((p for p in cs.current_draft().photos if p.id == photo_id), None)
    if photo is None or (y is None and corner is None):
        return
    at = corner.y if y is None else y
    try:
        _redact_again(ctx, photo, add=strip_box(at, photo.width, photo.height))
    except DataWalkError as exc:
        errors.record_error(cs.SCOPE, exc)


def _forget_corner(photo_id: str) -> None:
    st.session_state.setdefault(_CORNER, {}).pop(photo_id, None)


def _render_strips(ctx: cs.CaptureContext, photo: Photo, corner: Any) -> None:
    """Quick covers for text: a strip at the marked corner, or across the top or bottom."""
    if corner is not None:
        here, cancel = st.columns(2)
        here.button(
            "Cover a strip across here",
            key=f"cap_strip_here_{photo.id}",
            on_click=_cover_strip,
            args=(ctx, photo.id, None),
            icon=":material/horizontal_rule:",
            width="stretch",
        )
        cancel.button(
            "Cancel this corner",
            key=f"cap_corner_cancel_{photo.id}",
            on_click=_forget_corner,
            args=(photo.id,),
            width="stretch",
        )
        return
    top, bottom = st.columns(2)
    top.button(
        "Cover the top strip",
        key=f"cap_strip_top_{photo.id}",
        on_click=_cover_strip,
        args=(ctx, photo.id, 0.04),
        width="stretch",
    )
    bottom.button(
        "Cover the bottom strip",
        key=f"cap_strip_bottom_{photo.id}",
        on_click=_cover_strip,
        args=(ctx, photo.id, 0.96),
        width="stretch",
    )


def _ask_drop(photo_id: str, index: int | None) -> None:
    st.session_state[_CONFIRM_DROP] = (photo_id, index) if index is not None else None


def _drop(ctx: cs.CaptureContext, photo_id: str, index: int) -> None:
    st.session_state[_CONFIRM_DROP] = None
    photo = next((p for p in cs.current_draft().photos if p.id == photo_id), None)
    if photo is None or photo.redaction is None or index >= len(photo.redaction.boxes):
        return
    box = photo.redaction.boxes[index]
    try:
        _redact_again(ctx, photo, drop=box)
    except DataWalkError as exc:
        errors.record_error(cs.SCOPE, exc)
        return
    log.warning(
        "%s dropped a face detection (%dx%d px) on a photo at location %s",
        ctx.actor,
        box.width,
        box.height,
        ctx.location_id,
    )


def _render_drops(ctx: cs.CaptureContext, photo: Photo) -> None:
    boxes = photo.redaction.boxes if photo.redaction else []
    detected = [(i, box) for i, box in enumerate(boxes) if box.source == "detected"]
    if not detected:
        return
    if not cs.has_original(photo.id):
        return
    pending = st.session_state.get(_CONFIRM_DROP)
    for index, _box in detected:
        if pending == (photo.id, index):
            st.warning(f"Box {index + 1} will show the picture underneath. Is it really no face?")
            yes, no = st.columns(2)
            yes.button(
                f"Yes, uncover box {index + 1}",
                key=f"cap_drop_yes_{photo.id}",
                on_click=_drop,
                args=(ctx, photo.id, index),
            )
            no.button(
                "Keep it covered",
                key=f"cap_drop_no_{photo.id}",
                on_click=_ask_drop,
                args=(photo.id, None),
            )
        else:
            st.button(
                f"Box {index + 1} is not a face",
                key=f"cap_drop_{photo.id}_{index}",
                on_click=_ask_drop,
                args=(photo.id, index),
            )


def render_preview(ctx: cs.CaptureContext, photo: Photo, number: int) -> None:
    """The redacted photo as it will be stored, boxes numbered; with "Adjust" on, taps cover
    areas (two corners, or a strip) and detections can be dropped."""
    boxes = len(photo.redaction.boxes) if photo.redaction else 0
    caption = f"Photo {number}: {boxes} area(s) redacted"
    st.markdown(
        "**Cover names and medical details:** faces are covered for you, writing is not. "
        "Turn on *Adjust the redaction* and tap over any name, condition or date of birth."
    )
    if not cs.has_original(photo.id):
        st.caption(
            "The original photo is gone (it is never stored): you can cover more areas, or "
            "take the photo again to uncover a box."
        )
    if not st.toggle("Adjust the redaction", key=f"cap_adjust_{photo.id}"):
        widgets.private_image(preview(photo), caption=caption, alt=caption)
        return
    corner = st.session_state.get(_CORNER, {}).get(photo.id)
    st.caption(
        "Now tap the opposite corner (the ring marks the first), or cover a strip across."
        if corner
        else "Tap two opposite corners of an area to cover it, or use a quick strip."
    )
    shown = preview(photo)
    if corner is not None:
        shown = mark_point(shown, corner.x, corner.y)
    click = streamlit_image_coordinates(
        _EncodedImage(shown),
        key=f"cap_boxtap_{photo.id}",
        use_column_width="always",
        image_format="JPEG",
        cursor="crosshair",
    )
    if _apply_tap(ctx, photo, click):
        cs.rerun_capture()
    _render_strips(ctx, photo, corner)
    _render_drops(ctx, photo)
