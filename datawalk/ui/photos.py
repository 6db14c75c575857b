"""Photos on the walk page: upload or camera, redaction at intake, preview and the "checked" tick.

Every picture goes through `datawalk.privacy.redact_photo` the moment it arrives; only the
redacted bytes enter the draft (and so the database). The picture as it arrived stays in server
memory for this session only (to uncover a false detection) and is never stored or shown; the
uploader and camera get new keys at once, so Streamlit drops its own copy of the upload.
"""

from __future__ import annotations

import streamlit as st

from datawalk import drafts
from datawalk.errors import PrivacyError, ValidationError
from datawalk.models import SHORT_TEXT, RedactionRecord
from datawalk.privacy import redact_photo
from datawalk.privacy.images import PHOTO_LIMITS
from datawalk.ui import capture_state as cs
from datawalk.ui import errors, photo_boxes, previews, widgets

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
CAMERA_TOGGLE_KEY = "cap_camera_on"


def _take_photos(ctx: cs.CaptureContext, items: list[tuple[str, bytes]]) -> None:
    """Redact each picture and add it to the draft; refusals are shown at the photo field."""
    added, refused = [], []
    for name, data in items:
        try:
            redacted = redact_photo(data)
        except PrivacyError as exc:
            refused.append(ValidationError(f"{name}: {exc}", field="photos"))
            continue
        photo = drafts.unconfirmed_photo(
            redacted.data,
            redacted.media_type,
            redacted.width,
            redacted.height,
            RedactionRecord(
                pipeline_version=redacted.pipeline_version,
                boxes=list(redacted.boxes),
                dropped_boxes=list(redacted.dropped),
            ),
        )
        photo_boxes.remember(photo.id, data)
        added.append(photo)
    if added:
        cs.change(ctx, "photos", [*cs.current_draft().photos, *added])
    for exc in refused:
        errors.record_error(cs.SCOPE, exc)
    cs.redraw_uploads()


def _on_upload(ctx: cs.CaptureContext) -> None:
    files = st.session_state.get(cs.widget_key("upload")) or []
    _take_photos(ctx, [(file.name, file.getvalue()) for file in files])


def _on_camera(ctx: cs.CaptureContext) -> None:
    picture = st.session_state.get(cs.widget_key("camera"))
    if picture is not None:
        _take_photos(ctx, [("Camera photo", picture.getvalue())])


def _on_checked(ctx: cs.CaptureContext, photo_id: str) -> None:
    checked = st.session_state[f"cap_checked_{photo_id}"]
    photos = [
        drafts.confirm_photo(photo, ctx.actor if checked else "") if photo.id == photo_id else photo
        for photo in cs.current_draft().photos
    ]
    cs.change(ctx, "photos", photos)


def _on_caption(ctx: cs.CaptureContext, photo_id: str) -> None:
    caption = st.session_state[f"cap_caption_{photo_id}"]
    photos = [
        photo.model_copy(update={"caption": caption}) if photo.id == photo_id else photo
        for photo in cs.current_draft().photos
    ]
    cs.change(ctx, "photos", photos)


def _on_remove(ctx: cs.CaptureContext, photo_id: str) -> None:
    photos = [photo for photo in cs.current_draft().photos if photo.id != photo_id]
    photo_boxes.forget(photo_id)
    cs.change(ctx, "photos", photos)


def render_photo_inputs(ctx: cs.CaptureContext) -> None:
    """The image uploader (the iPad's own camera and library) and the in-page camera."""
    widgets.limited_uploader(
        "Add photos",
        max_bytes=PHOTO_LIMITS.max_bytes,
        type=PHOTO_TYPES,
        accept_multiple_files=True,
        key=cs.widget_key("upload"),
        on_change=_on_upload,
        args=(ctx,),
        help="Faces are redacted as soon as a photo arrives; only the redacted copy is kept.",
    )
    if st.toggle("Use the camera", key=CAMERA_TOGGLE_KEY):
        st.camera_input(
            "Take a photo", key=cs.widget_key("camera"), on_change=_on_camera, args=(ctx,)
        )
    errors.field_error(cs.SCOPE, "photos")


def render_photo_review(ctx: cs.CaptureContext) -> None:
    """Each photo of the draft: the redaction preview, a caption, the check tick, remove."""
    for number, photo in enumerate(cs.current_draft().photos, start=1):
        with st.container(border=True):
            image_col, form_col = st.columns([3, 2])
            with image_col:
                photo_boxes.render_preview(ctx, photo, number)
            with form_col:
                if photo.needs_review:
                    st.warning(
                        "Awaiting review: this photo came from a backup (or was stored before "
                        "photos were redacted) and was redacted again here. It is not exported "
                        "until you check it.",
                        icon=":material/policy:",
                    )
                checked = bool(photo.redaction and photo.redaction.confirmed_by)
                st.checkbox(
                    "I have checked this photo",
                    value=checked,
                    key=f"cap_checked_{photo.id}",
                    on_change=_on_checked,
                    args=(ctx, photo.id),
                    help="Look for faces, names and other identifiers the redaction missed.",
                )
                st.text_input(
                    "Caption",
                    value=photo.caption,
                    key=f"cap_caption_{photo.id}",
                    on_change=_on_caption,
                    args=(ctx, photo.id),
                    max_chars=SHORT_TEXT,
                )
                previews.render_caption_warning(ctx, photo.id, photo.caption)
                st.button(
                    "Remove photo",
                    key=f"cap_remove_{photo.id}",
                    on_click=_on_remove,
                    args=(ctx, photo.id),
                    icon=":material/delete:",
                )
