"""Photos on the walk page: upload or camera, redaction at intake, preview and the "checked" tick.

Every picture goes through `datawalk.privacy.redact_photo` the moment it arrives; only the
redacted bytes enter the draft (and so the database). The picture as it arrived stays in server
memory for this session only (to uncover a false detection) and is never stored or shown; the
uploader and camera get new keys at once, so Streamlit drops its own copy of the upload.
"""

from __future__ import annotations

import streamlit as st

from datawalk import photo_checks
from datawalk.errors import PrivacyError, ValidationError
from datawalk.models import SHORT_TEXT, RedactionRecord
from datawalk.privacy import redact_photo
from datawalk.privacy.images import PHOTO_LIMITS
from datawalk.ui import capture_state as cs
from datawalk.ui import errors, photo_boxes, previews, widgets

# HEIC is accepted by the uploader so the intake can say how to send it (as JPEG) instead of the
# uploader refusing it with no reason; Pillow here cannot decode it.
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif"]
CAMERA_TOGGLE_KEY = "cap_camera_on"


def _take_photos(ctx: cs.CaptureContext, items: list[tuple[str, bytes]]) -> None:
    """Redact each picture and add it to the draft, with a progress bar while faces are found;
    refusals are shown at the photo field."""
    added, refused = [], []
    room = PHOTO_LIMITS.max_per_finding - len(cs.current_draft().photos)
    if len(items) > room:
        refused.append(
            ValidationError(
                f"A finding holds at most {PHOTO_LIMITS.max_per_finding} photos; "
                f"{len(items) - max(0, room)} not added. Save this finding and record the rest "
                "in another.",
                field="photos",
            )
        )
        items = items[: max(0, room)]
    bar = st.progress(0.0, text="Finding faces…")
    for index, (name, data) in enumerate(items):

        def progress(fraction: float, step: str, index: int = index) -> None:
            done = (index + fraction) / len(items)
            bar.progress(min(1.0, done), text=f"Photo {index + 1} of {len(items)}: {step}…")

        try:
            redacted = redact_photo(data, progress=progress)
        except PrivacyError as exc:
            refused.append(ValidationError(f"{name}: {exc}", field="photos"))
            continue
        photo = photo_checks.unconfirmed_photo(
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
    bar.empty()
    if added:
        cs.change(ctx, "photos", [*cs.current_draft().photos, *added])
    for exc in refused:
        errors.record_error(cs.SCOPE, exc)
    cs.redraw_uploads()


def _take_arrivals(ctx: cs.CaptureContext) -> None:
    """Redact what the uploader or camera holds, here in the page rather than in a callback so
    the progress bar shows under them, then give both new keys (dropping Streamlit's copy)."""
    files = st.session_state.get(cs.widget_key("upload")) or []
    items = [(file.name, file.getvalue()) for file in files]
    picture = st.session_state.get(cs.widget_key("camera"))
    if picture is not None:
        items.append(("Camera photo", picture.getvalue()))
    if not items:
        return
    _take_photos(ctx, items)
    cs.rerun_capture()


def _on_checked(ctx: cs.CaptureContext, photo_id: str) -> None:
    checked = st.session_state[f"cap_checked_{photo_id}"]
    photos = [
        photo_checks.confirm_photo(photo, ctx.actor if checked else "")
        if photo.id == photo_id
        else photo
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
        help="Faces are redacted as soon as a photo arrives; only the redacted copy is kept.",
    )
    if st.toggle("Use the camera", key=CAMERA_TOGGLE_KEY):
        st.camera_input("Take a photo", key=cs.widget_key("camera"))
    _take_arrivals(ctx)
    errors.field_error(cs.SCOPE, "photos")


def render_photo_review(ctx: cs.CaptureContext) -> None:
    """Each photo of the draft: the redacted preview across the full width (big enough to tap
    corners with a finger), then the check tick, a caption and remove."""
    for number, photo in enumerate(cs.current_draft().photos, start=1):
        with st.container(border=True):
            photo_boxes.render_preview(ctx, photo, number)
            if photo.needs_review:
                st.warning(
                    "Awaiting review: this photo came from a backup (or was stored before "
                    "photos were redacted) and was redacted again here. It is not exported "
                    "until you check it.",
                    icon=":material/policy:",
                )
            check_col, caption_col = st.columns([2, 3], vertical_alignment="bottom")
            checked = bool(photo.redaction and photo.redaction.confirmed_by)
            check_col.checkbox(
                "I have checked this photo",
                value=checked,
                key=f"cap_checked_{photo.id}",
                on_change=_on_checked,
                args=(ctx, photo.id),
                help="Look for faces, names and other identifiers the redaction missed.",
            )
            with caption_col:
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
