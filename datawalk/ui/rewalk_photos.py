"""Photos of a resolved finding on a re-walk's walk page: evidence that it is gone or fixed.

The same intake as a finding's photos: the uploader (the iPad's camera and library) or the
in-page camera, faces redacted the moment a picture arrives, the redacted preview with numbered
boxes, a tap to cover a line of names, and "I have checked this photo" before anything is kept.
The picture as it arrived stays in server memory for this session only, until it is added or
discarded; the uploader and camera get new keys at once, so Streamlit drops its own copy. Adding
hands those bytes to `services.rewalk_photos`, which redacts them again itself: the page never
stores a picture. Every image is sent inline (`widgets.private_image`), never at a /media/ URL.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from PIL import Image
from streamlit_image_coordinates import streamlit_image_coordinates

from datawalk.errors import DataWalkError, PrivacyError
from datawalk.floorplan import position_from_click
from datawalk.models import Box, Photo, RewalkItem
from datawalk.privacy import preview_with_boxes, redact_photo
from datawalk.privacy.images import PHOTO_LIMITS
from datawalk.privacy.photos import strip_box
from datawalk.services import rewalk_photos as service
from datawalk.ui import errors, photo_boxes, state, widgets
from datawalk.ui.photos import PHOTO_TYPES

PENDING = "rw_photo_pending"  # {item id: Pending}, this session's server memory only
ROUND = "rw_photo_round"  # {item id: n}: new widget keys once a picture is taken in
HANDLED = "rw_photo_tap_handled"


@dataclass
class Pending:
    """A picture taken in but not added yet: as it arrived (never stored or shown) and the
    boxes the preview covers."""

    original: bytes
    detected: list[Box]
    extra: list[Box] = field(default_factory=list)
    preview: bytes = b""
    width: int = 0
    height: int = 0


def _round(item_id: str) -> int:
    return st.session_state.setdefault(ROUND, {}).get(item_id, 0)


def upload_key(item_id: str) -> str:
    return f"rw_photo_upload_{item_id}_{_round(item_id)}"


def camera_key(item_id: str) -> str:
    return f"rw_photo_camera_{item_id}_{_round(item_id)}"


def _redraw(pending: Pending) -> None:
    """Redact the original with the preview's covers (the detector does not run again)."""
    redacted = redact_photo(pending.original, pending.extra, detected=pending.detected)
    pending.preview = preview_with_boxes(redacted.data, redacted.boxes)
    pending.width, pending.height = redacted.width, redacted.height


def _take_arrival(item_id: str) -> None:
    """Redact what the uploader or camera holds for the preview, then give both new keys."""
    upload = st.session_state.get(upload_key(item_id))
    picture = st.session_state.get(camera_key(item_id)) or upload
    if picture is None:
        return
    rounds = st.session_state.setdefault(ROUND, {})
    rounds[item_id] = rounds.get(item_id, 0) + 1
    data = picture.getvalue()
    with st.spinner("Finding faces…"):
        try:
            redacted = redact_photo(data)
        except PrivacyError as exc:
            errors.show_error(exc)
            return
    pending = Pending(original=data, detected=[*redacted.boxes, *redacted.dropped])
    pending.preview = preview_with_boxes(redacted.data, redacted.boxes)
    pending.width, pending.height = redacted.width, redacted.height
    st.session_state.setdefault(PENDING, {})[item_id] = pending


def _cover_at(item_id: str, click: dict[str, Any] | None) -> bool:
    """One tap covers a full-width strip at its height (a line of names); True when it did."""
    pending: Pending | None = st.session_state.get(PENDING, {}).get(item_id)
    if not click or pending is None:
        return False
    handled = st.session_state.setdefault(HANDLED, {})
    if handled.get(item_id) == click.get("unix_time"):
        return False
    handled[item_id] = click.get("unix_time")
    try:
        at = position_from_click(click)
        pending.extra.append(strip_box(at.y, pending.width, pending.height))
        _redraw(pending)
    except DataWalkError as exc:
        errors.show_error(exc)
    return True


def forget(item_id: str) -> None:
    """Drop a picture taken in but not added (its original) from this session's memory."""
    st.session_state.get(PENDING, {}).pop(item_id, None)


def _add(item_id: str, actor_name: str) -> None:
    pending: Pending | None = st.session_state.get(PENDING, {}).get(item_id)
    if pending is None:
        return
    with errors.user_errors():
        service.add_resolved_photo(
            state.get_workspace(),
            state.as_actor(actor_name),
            item_id,
            pending.original,
            checked=bool(st.session_state.get(f"rw_photo_checked_{item_id}")),
            extra_boxes=pending.extra,
        )
        forget(item_id)
        state.flash("Photo added: redacted and checked.")


def _confirm(item_id: str, photo_id: str, actor_name: str) -> None:
    with errors.user_errors():
        service.confirm_resolved_photo(
            state.get_workspace(), state.as_actor(actor_name), item_id, photo_id
        )
        state.flash("Photo checked.")


def _remove(item_id: str, photo_id: str, actor_name: str) -> None:
    with errors.user_errors():
        service.remove_resolved_photo(
            state.get_workspace(), state.as_actor(actor_name), item_id, photo_id
        )
        state.flash("Photo removed.")


def _cover_stored(item_id: str, photo: Photo, y: float, actor_name: str) -> None:
    with errors.user_errors():
        service.cover_resolved_photo(
            state.get_workspace(),
            state.as_actor(actor_name),
            item_id,
            photo.id,
            [strip_box(y, photo.width, photo.height)],
        )


def _render_stored(item: RewalkItem, photo: Photo, number: int, actor: str) -> None:
    boxes = len(photo.redaction.boxes) if photo.redaction else 0
    label = f"Photo {number}: {boxes} area(s) redacted"
    widgets.private_image(photo_boxes.preview(photo), caption=label, alt=label)
    if photo.awaiting_review:
        st.warning(
            "Awaiting review: redacted again here (from a backup, or covered more since it was "
            "checked). It is not exported until you check it.",
            icon=":material/policy:",
        )
        st.button("I have checked this photo", key=f"rw_photo_confirm_{photo.id}",
                  on_click=_confirm, args=(item.id, photo.id, actor),
                  icon=":material/verified:")  # fmt: skip
    else:
        st.caption(f"Checked by {photo.redaction.confirmed_by if photo.redaction else ''}.")
    top, bottom, remove = st.columns(3)
    for column, where, y in ((top, "top", 0.04), (bottom, "bottom", 0.96)):
        column.button(f"Cover the {where} strip", key=f"rw_photo_{where}_{photo.id}",
                      on_click=_cover_stored, args=(item.id, photo, y, actor),
                      width="stretch")  # fmt: skip
    remove.button("Remove photo", key=f"rw_photo_remove_{photo.id}", on_click=_remove,
                  args=(item.id, photo.id, actor), icon=":material/delete:",
                  width="stretch")  # fmt: skip


def _render_pending(item: RewalkItem, pending: Pending, actor: str) -> None:
    st.markdown(
        "**Cover names and medical details:** faces are covered for you, writing is not. "
        "Tap the picture over a line of names to cover a strip across it."
    )
    click = streamlit_image_coordinates(
        Image.open(io.BytesIO(pending.preview)),
        key=f"rw_photo_tap_{item.id}",
        use_column_width="always",
        image_format="JPEG",
        cursor="crosshair",
    )
    if _cover_at(item.id, click):
        st.rerun()
    st.checkbox(
        "I have checked this photo",
        key=f"rw_photo_checked_{item.id}",
        help="Look for faces, names and other identifiers the redaction missed.",
    )
    add, discard = st.columns(2)
    add.button("Add this photo", key=f"rw_photo_add_{item.id}", on_click=_add,
               args=(item.id, actor), type="primary", icon=":material/add_a_photo:",
               width="stretch")  # fmt: skip
    discard.button("Discard", key=f"rw_photo_discard_{item.id}", on_click=forget,
                   args=(item.id,), width="stretch")  # fmt: skip


def render_resolved_photos(item: RewalkItem, photos: list[Photo], actor: str) -> None:
    """A resolved finding's photos, and the uploader and camera to add one (optional)."""
    _take_arrival(item.id)
    for number, photo in enumerate(photos, start=1):
        with st.container(border=True):
            _render_stored(item, photo, number, actor)
    pending = st.session_state.get(PENDING, {}).get(item.id)
    if pending is not None:
        with st.container(border=True):
            _render_pending(item, pending, actor)
        return
    if len(photos) >= service.MAX_PHOTOS:
        return
    widgets.limited_uploader(
        "Add a photo showing it gone or fixed (optional)",
        max_bytes=PHOTO_LIMITS.max_bytes,
        type=PHOTO_TYPES,
        key=upload_key(item.id),
        help="Faces are redacted as soon as a photo arrives; only the redacted copy is kept.",
    )
    if st.toggle("Use the camera", key=f"rw_photo_camera_on_{item.id}"):
        st.camera_input("Take a photo", key=camera_key(item.id))
