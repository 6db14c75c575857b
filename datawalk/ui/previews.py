"""Live previews inside the capture fragment: the finding's score, and pupil identifiers in text.

Both run on every tap (the fragment reruns), before anything is saved. Hook points:

- `render_score_preview(ctx, draft)`: levels, classification and first reasons from
  `datawalk.scoring.score_finding`.
- `render_identifier_preview(ctx, field)`: matches of `datawalk.privacy.scan_text` under a text
  field, shown as plain text, with one tap to replace them all with "[pupil]".
- `check_identifiers(ctx, draft)`: refuses a save while identifiers remain, unless the consultant
  ticked "Save anyway"; `log_identifier_override` records that they did.
"""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st

from datawalk import drafts
from datawalk.drafts import Draft
from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import Finding
from datawalk.privacy import REDACTION, Match, redact_text, scan_text
from datawalk.scoring import score_finding
from datawalk.ui import capture_state as cs
from datawalk.ui import errors, widgets

log = logging.getLogger(__name__)
TEXT_FIELDS = {"notes": "Notes", "good_practice_note": "Good practice note"}
_REASONS_SHOWN = 2


@st.cache_data(max_entries=256, show_spinner=False)
def _scan(text: str, walk_date: date) -> list[Match]:
    """Scan once per distinct text: the fragment redraws on every tap of any field."""
    return scan_text(text, walk_date=walk_date)


def _ok_key(field: str) -> str:
    """The "save anyway" tick belongs to one version of the text: editing the text resets it."""
    return f"{cs.widget_key(field)}_ok"


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


def _unconfirmed_fields(ctx: cs.CaptureContext, draft: Draft) -> list[str]:
    return [
        field
        for field in TEXT_FIELDS
        if getattr(draft, field).strip()
        and _scan(getattr(draft, field), ctx.walk_date)
        and not st.session_state.get(_ok_key(field))
    ]


def check_identifiers(ctx: cs.CaptureContext, draft: Draft) -> None:
    """Raises ValidationError at the first text field whose identifiers were not dealt with."""
    for field in _unconfirmed_fields(ctx, draft):
        raise ValidationError(
            f"{TEXT_FIELDS[field]} may contain pupil identifiers. Tap 'Replace with {REDACTION}' "
            "or tick 'Save anyway'.",
            field=field,
        )


def log_identifier_override(ctx: cs.CaptureContext, draft: Draft, saved: Finding) -> None:
    """Record who saved text with possible identifiers left in (kinds only, never the text)."""
    for field in TEXT_FIELDS:
        text = getattr(draft, field)
        kinds = sorted({m.kind.value for m in _scan(text, ctx.walk_date)}) if text.strip() else []
        if kinds:
            log.warning(
                "Finding %s saved by %s with possible identifiers kept in %s: %s",
                saved.reference,
                ctx.actor,
                field,
                ", ".join(kinds),
            )


def render_score_preview(ctx: cs.CaptureContext, draft: Draft) -> None:
    """The live two-sided score of the draft, with each level's label always shown."""
    scoring = ctx.checklist.scoring
    if scoring is None:
        return
    try:
        finding = drafts.finding_from_draft(
            draft.model_copy(update={"photos": []}), ctx.audit_id, ctx.location_id
        )
        scored = score_finding(finding, ctx.checklist, today=ctx.walk_date)
    except DataWalkError:
        st.caption(
            "The live score appears once categories, format, identifiability and detail are chosen."
        )
        return
    levels = {level.id: level for level in scoring.levels}
    with st.container(key="cap_score"):
        line = [
            f"**{widgets.escape_markdown(widgets.classification_name(scored.classification))}**",
            widgets.level_markdown("Privacy", levels[scored.privacy_level]),
            widgets.level_markdown("Safeguarding", levels[scored.safeguarding_level]),
        ]
        st.markdown(" ".join(line))
        for reason in scored.reasons[:_REASONS_SHOWN]:
            st.caption(widgets.escape_markdown(reason))
