"""Live previews inside the capture fragment: the finding's score, and pupil identifiers in text.

Both run on every tap (the fragment reruns), before anything is saved. Hook points:

- `render_score_preview(ctx, draft)`: levels, classification and first reasons from
  `datawalk.scoring.score_finding`.
- `render_identifier_preview(ctx, field)`: matches of `datawalk.privacy.scan_text` under a text
  field, shown as plain text, with one tap to replace them all with "[pupil]".
- `confirmed_fields(draft)`: the "Save anyway" ticks; the save service refuses a finding while
  identifiers remain in a text field or caption not ticked, and records in the audit trail,
  in the save's transaction, the fields and kinds kept (never the text). `at_its_field(error)`
  puts a caption's refusal at the photos.
"""

from __future__ import annotations

import logging
import zlib
from datetime import date

import streamlit as st

from datawalk import drafts
from datawalk.drafts import Draft
from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import Finding
from datawalk.privacy import REDACTION, Match, redact_text, scan_text
from datawalk.privacy.text_checks import (
    FINDING_TEXT_LABELS,
    caption_field,
    describe_kinds,
    identifier_kinds,
)
from datawalk.scoring import ScoredFinding, score_finding
from datawalk.ui import capture_state as cs
from datawalk.ui import errors, widgets

log = logging.getLogger(__name__)
TEXT_FIELDS = FINDING_TEXT_LABELS
_REASONS_SHOWN = 2
_LIVE_SCORE = "cap_live_score"


@st.cache_data(max_entries=256, show_spinner=False)
def _scan(text: str, walk_date: date) -> list[Match]:
    """Scan once per distinct text: the fragment redraws on every tap of any field."""
    return scan_text(text, walk_date=walk_date)


@st.cache_data(max_entries=256, show_spinner=False)
def _kinds(text: str, walk_date: date) -> list[str]:
    return identifier_kinds(text, walk_date)


def _ok_key(field: str) -> str:
    """The "save anyway" tick belongs to one version of the text: editing the text resets it."""
    text = getattr(cs.current_draft(), field)
    return f"{cs.widget_key(field)}_ok_{zlib.crc32(text.encode())}"


def _on_replace(ctx: cs.CaptureContext, field: str) -> None:
    text = getattr(cs.current_draft(), field)
    try:
        redacted = redact_text(text, _scan(text, ctx.walk_date))
    except DataWalkError as exc:
        errors.record_error(cs.SCOPE, exc)
        return
    cs.change(ctx, field, redacted, redraw=True)


def render_identifier_preview(ctx: cs.CaptureContext, field: str) -> None:
    """Under a text field: what looks like a pupil identifier, and how to remove it."""
    text = getattr(cs.current_draft(), field)
    matches = _scan(text, ctx.walk_date) if text.strip() else []
    if not matches:
        return
    with st.container(border=True):
        st.warning(
            f"{len(matches)} possible pupil identifier(s) in {TEXT_FIELDS[field]}. "
            "Notes should say where information is held, not whose it is.",
            icon=":material/visibility:",
        )
        widgets.plain_text("\n".join(f"{match.label}: {match.text}" for match in matches))
        replace_col, ok_col = st.columns(2)
        replace_col.button(
            f"Replace with {REDACTION}",
            key=f"cap_redact_{field}",
            on_click=_on_replace,
            args=(ctx, field),
            icon=":material/ink_eraser:",
        )
        ok_col.checkbox("Save anyway: these are not pupil identifiers", key=_ok_key(field))


def caption_ok_key(photo_id: str) -> str:
    """The caption's "save anyway" tick, keyed by the caption text so editing it resets it."""
    caption = next((p.caption for p in cs.current_draft().photos if p.id == photo_id), "")
    return f"cap_caption_ok_{photo_id}_{zlib.crc32(caption.encode())}"


def _confirmed(draft: Draft) -> set[str]:
    ticked = {field for field in TEXT_FIELDS if st.session_state.get(_ok_key(field))}
    ticked |= {
        caption_field(photo.id)
        for photo in draft.photos
        if st.session_state.get(caption_ok_key(photo.id))
    }
    return ticked


def confirmed_fields(draft: Draft) -> set[str]:
    """The text fields whose "save anyway" the consultant ticked, for the save to record."""
    return _confirmed(draft)


def at_its_field(error: ValidationError) -> ValidationError:
    """A caption's identifier error is shown at the photos, where its tick is."""
    if error.field and error.field.startswith("caption_"):
        return ValidationError(str(error), field="photos")
    return error


def log_identifier_override(ctx: cs.CaptureContext, kept: set[str], saved: Finding) -> None:
    """Log who saved text with possible identifiers left in; the save itself recorded it in
    the audit trail (by field and kind, never the text) in the same transaction."""
    if kept:
        log.warning(
            "Finding %s saved by %s with possible identifiers kept", saved.reference, ctx.actor
        )


def render_caption_warning(ctx: cs.CaptureContext, photo_id: str, caption: str) -> None:
    """Under a photo caption: the possible identifiers in it and the "save anyway" tick."""
    kinds = _kinds(caption, ctx.walk_date)
    if not kinds:
        return
    st.warning(
        f"Possible pupil identifier in the caption ({describe_kinds(kinds)}).",
        icon=":material/visibility:",
    )
    st.checkbox("Save anyway: not a pupil identifier", key=caption_ok_key(photo_id))


def _live_score(ctx: cs.CaptureContext, draft: Draft) -> ScoredFinding | None:
    """The draft's score, or None while a field the score needs is still empty.

    The save bar and the reasons both show it: scored once per draft, not once each.
    """
    if ctx.checklist.scoring is None:
        return None
    fields = draft.model_dump_json(exclude={"photos"})
    key = (id(ctx.checklist), ctx.walk_date, ctx.audit_id, ctx.location_id, fields)
    kept = st.session_state.get(_LIVE_SCORE)
    if kept is not None and kept[0] == key:
        return kept[1]
    try:
        finding = drafts.finding_from_draft(
            draft.model_copy(update={"photos": []}), ctx.audit_id, ctx.location_id
        )
        scored = score_finding(
            finding, ctx.checklist, today=ctx.walk_date, location_type=ctx.location_type
        )
    except DataWalkError:
        scored = None
    st.session_state[_LIVE_SCORE] = (key, scored)
    return scored


def live_classification(ctx: cs.CaptureContext, draft: Draft) -> str | None:
    """The draft's classification as the save bar shows it, or None while it cannot be scored."""
    scored = _live_score(ctx, draft)
    return None if scored is None else str(scored.classification)


def render_score_preview(ctx: cs.CaptureContext, draft: Draft) -> None:
    """The live two-sided score of the draft on one line, each level's label always shown.

    It sits in the save bar, so it stays one line; the reasons are drawn in the form
    (`render_score_reasons`).
    """
    scored = _live_score(ctx, draft)
    if scored is None or ctx.checklist.scoring is None:
        if ctx.checklist.scoring is not None:
            st.caption("Score: choose categories, format, identifiability and detail.")
        return
    levels = {level.id: level for level in ctx.checklist.scoring.levels}
    with st.container(key="cap_score"):
        line = [
            f"**{widgets.escape_markdown(widgets.classification_name(scored.classification))}**",
            widgets.level_markdown("Privacy", levels[scored.privacy_level]),
            widgets.level_markdown("Safeguarding", levels[scored.safeguarding_level]),
        ]
        st.markdown(" ".join(line))


def render_score_reasons(ctx: cs.CaptureContext, draft: Draft) -> None:
    """Why the live score is what it is: the first reasons, under the form's last field."""
    scored = _live_score(ctx, draft)
    if scored is None:
        return
    for reason in scored.reasons[:_REASONS_SHOWN]:
        st.caption(widgets.escape_markdown(reason))
