"""The walk page's in-progress finding in session state, mirrored to the store on every change.

Widgets of the capture fragment are keyed `cap_<field>_<n>`. A widget's default comes from a
snapshot of the draft taken when its key was made; to show a new value (a template, a reset, a
default that followed the categories) the key's counter moves on and a fresh widget is drawn. A
widget key is never assigned after the widget exists, which Streamlit forbids.

Every change is written with `Store.save_draft` straight away, so a dropped connection or a
closed tab loses at most the last tap, and a new session with the same URL finds the draft. The
draft is this person's on this device (`state.draft_holder`): another tablet at the same place
never loads it, and the same person's draft on another device is offered ("open it or keep it"),
never loaded unasked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from datawalk import drafts
from datawalk.drafts import Draft
from datawalk.editing import DraftHolder
from datawalk.errors import NotFoundError, ValidationError
from datawalk.services import Actor, DraftElsewhere, walking
from datawalk.ui import errors, state
from datawalk.vocabulary import Checklist

SCOPE = "capture"
_DRAFT = "cap_draft"
_BASE = "cap_base"
GENS = "cap_gens"
_TARGET = "cap_target"
_COUNTER = "cap_counter"
_CLEARED = "cap_cleared"
# The same person's drafts here on other devices, found when the place was opened, and the ones
# they chose to leave where they are ("keep it") in this session.
_ELSEWHERE = "cap_elsewhere"
_KEPT_ELSEWHERE = "cap_kept_elsewhere"
# Photos as they arrived, by photo id: server memory of this session only, never stored or
# served, and dropped when the finding is saved or cleared (see `forget_originals`).
ORIGINALS = "cap_originals"
PREVIEWS = "cap_previews"

# Draft fields drawn as widgets, plus the widgets that are not fields (uploader, camera).
WIDGET_FIELDS = (*drafts.EDITABLE_FIELDS, "upload", "camera")


@dataclass(frozen=True)
class CaptureContext:
    """Everything a capture callback needs; passed as a callback argument."""

    audit_id: str
    location_id: str
    location_name: str
    location_type: str
    walk_date: date
    checklist: Checklist
    actor: str


def widget_key(field: str) -> str:
    """Return the current key of the widget for `field` (it changes when the widget is reset)."""
    return f"cap_{field}_{st.session_state[GENS][field]}"


def base_value(field: str) -> Any:
    """Return the value the widget for `field` starts from."""
    return st.session_state[_BASE].get(field)


def current_draft() -> Draft:
    return st.session_state.get(_DRAFT) or Draft()


def _redraw(fields: list[str] | tuple[str, ...], draft: Draft) -> None:
    """Give `fields` fresh widgets starting from `draft`'s values (a new key each: a counter
    that only grows, so no key is ever used twice in a session)."""
    gens = st.session_state.setdefault(GENS, {})
    base = st.session_state.setdefault(_BASE, {})
    last = st.session_state.get(_COUNTER, 0)
    for number, field in enumerate(fields, start=last + 1):
        gens[field] = number
        if field in drafts.EDITABLE_FIELDS:
            base[field] = getattr(draft, field)
    st.session_state[_COUNTER] = last + len(fields)


def holder(ctx: CaptureContext) -> DraftHolder:
    """Whose draft the form keeps: the actor, on this device."""
    return state.draft_holder(ctx.actor)


def walker(ctx: CaptureContext) -> Actor:
    """Who writes the form's draft: the services check they may walk this audit."""
    return state.as_actor(ctx.actor)


def _initial_draft(ctx: CaptureContext, finding_id: str | None) -> Draft:
    """This device's draft here; an edit link loads the saved finding instead (never another
    device's unsaved changes to it) unless this device's draft already edits that finding."""
    reads = state.reads()
    payload = reads.load_draft(ctx.audit_id, ctx.location_id, holder=holder(ctx))
    stored = drafts.draft_from_payload(payload)
    if not finding_id or stored.finding_id == finding_id:
        return stored
    try:
        finding = reads.get_finding(finding_id)
    except NotFoundError:
        return stored
    if finding.location_id != ctx.location_id:
        return stored
    return drafts.redact_unrecorded_photos(drafts.draft_from_finding(finding, editing=True))


def _show_in_url(finding_id: str | None) -> None:
    """Keep `?finding=` equal to the finding the draft edits, so a reload reopens the same."""
    if finding_id:
        st.query_params[state.FINDING_PARAM] = finding_id
    elif state.FINDING_PARAM in st.query_params:
        del st.query_params[state.FINDING_PARAM]


def prepare(ctx: CaptureContext, finding_id: str | None) -> None:
    """Load the draft for this audit, location and finding once per change of target.

    A new session (a reload, another tab, after a crash) restores the stored draft; an edit
    link loads the saved finding unless the stored draft is already an edit of it.
    """
    target = (ctx.audit_id, ctx.location_id, finding_id)
    if st.session_state.get(_TARGET) == target and _DRAFT in st.session_state:
        return
    draft = _initial_draft(ctx, finding_id)
    elsewhere = state.reads().drafts_elsewhere(ctx.audit_id, ctx.location_id, holder=holder(ctx))
    st.session_state[_ELSEWHERE] = (ctx.audit_id, ctx.location_id, elsewhere)
    st.session_state[_DRAFT] = draft
    st.session_state[_TARGET] = (ctx.audit_id, ctx.location_id, draft.finding_id)
    _show_in_url(draft.finding_id)
    errors.clear_errors(SCOPE)
    _redraw(WIDGET_FIELDS, draft)


def commit(ctx: CaptureContext, draft: Draft, source: str | None = None) -> None:
    """Make `draft` the in-progress finding, save it to the store, redraw changed widgets.

    `source` is the widget that made the change: it already shows the new value.
    """
    old = current_draft()
    changed = [
        field
        for field in drafts.EDITABLE_FIELDS
        if field != source and getattr(old, field) != getattr(draft, field)
    ]
    _redraw(changed, draft)
    st.session_state[_DRAFT] = draft
    workspace = state.get_workspace()
    if draft.is_empty():
        walking.clear_draft(
            workspace, walker(ctx), ctx.audit_id, ctx.location_id, holder=holder(ctx)
        )
    else:
        walking.save_draft(
            workspace,
            walker(ctx),
            ctx.audit_id,
            ctx.location_id,
            drafts.draft_to_payload(draft),
            drafts.draft_photo_blobs(draft),
            holder=holder(ctx),
        )


def change(ctx: CaptureContext, field: str, value: Any, *, redraw: bool = False) -> None:
    """Apply one field change and save the draft; `redraw` when the change did not come from
    the field's own widget (a button), so the widget must show the new value."""
    try:
        updated = drafts.change_field(current_draft(), field, value, ctx.checklist)
    except ValidationError as exc:
        errors.record_error(SCOPE, exc)
        return
    errors.clear_errors(SCOPE, field)
    commit(ctx, updated, source=None if redraw else field)


def on_widget_change(ctx: CaptureContext, field: str) -> None:
    """Widget callback: read the widget's new value and apply it."""
    change(ctx, field, st.session_state[widget_key(field)])


def _become(ctx: CaptureContext, draft: Draft) -> None:
    """Make `draft` the whole form: session, URL (`?finding=`) and every widget."""
    st.session_state[_DRAFT] = draft
    st.session_state[_TARGET] = (ctx.audit_id, ctx.location_id, draft.finding_id)
    _show_in_url(draft.finding_id)
    errors.clear_errors(SCOPE)
    _redraw(WIDGET_FIELDS, draft)


def reset(ctx: CaptureContext, *, stored_draft_cleared: bool = False) -> None:
    """Start an empty finding: forget the draft (store and session) and redraw every widget.

    A save clears the stored draft in its own transaction (`stored_draft_cleared`), so the
    form does not pay for a second write to forget it again.
    """
    if not stored_draft_cleared:
        walking.clear_draft(
            state.get_workspace(), walker(ctx), ctx.audit_id, ctx.location_id, holder=holder(ctx)
        )
    st.session_state.pop(_CLEARED, None)
    forget_originals()
    _become(ctx, Draft())


def clear(ctx: CaptureContext) -> None:
    """Empty the form at the consultant's request, keeping what it held for one-tap undo."""
    kept = current_draft()
    reset(ctx)
    if not kept.is_empty():
        st.session_state[_CLEARED] = (ctx.audit_id, ctx.location_id, kept)


def cleared_draft(ctx: CaptureContext) -> Draft | None:
    """The draft cleared last at this place in this session, while undo can bring it back."""
    cleared = st.session_state.get(_CLEARED)
    if cleared and cleared[:2] == (ctx.audit_id, ctx.location_id):
        return cleared[2]
    return None


def undo_clear(ctx: CaptureContext) -> None:
    """Bring back the cleared draft, photos and edit target included, and store it again."""
    draft = cleared_draft(ctx)
    st.session_state.pop(_CLEARED, None)
    if draft is None:
        return
    _become(ctx, draft)
    payload = drafts.draft_to_payload(draft)
    photos = drafts.draft_photo_blobs(draft)
    walking.save_draft(
        state.get_workspace(),
        walker(ctx),
        ctx.audit_id,
        ctx.location_id,
        payload,
        photos,
        holder=holder(ctx),
    )


def forget_cleared() -> None:
    st.session_state.pop(_CLEARED, None)


def redraw_uploads() -> None:
    """Empty the photo uploader and camera after their pictures went into the draft."""
    _redraw(("upload", "camera"), current_draft())


def forget_originals() -> None:
    """Drop the unredacted originals (and their previews) once the finding is saved or cleared:
    after that a detection can no longer be uncovered, only more can be covered."""
    st.session_state.pop(ORIGINALS, None)
    st.session_state.pop(PREVIEWS, None)


def has_original(photo_id: str) -> bool:
    return photo_id in st.session_state.get(ORIGINALS, {})


def rerun_capture() -> None:
    """Rerun the capture fragment (the whole page when this run was not a fragment rerun)."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def draft_elsewhere(ctx: CaptureContext) -> DraftElsewhere | None:
    """The newest draft of this person here on another device, unless they chose to keep it
    there; found when the place was opened, so a tap does not ask the database again."""
    found = st.session_state.get(_ELSEWHERE)
    if not found or found[:2] != (ctx.audit_id, ctx.location_id):
        return None
    kept = st.session_state.get(_KEPT_ELSEWHERE, set())
    for other in found[2]:
        if (ctx.audit_id, ctx.location_id, other.device, other.updated_at) not in kept:
            return other
    return None


def keep_elsewhere(ctx: CaptureContext, other: DraftElsewhere) -> None:
    """Leave the other device's draft where it is, and stop asking about it in this session."""
    kept = st.session_state.setdefault(_KEPT_ELSEWHERE, set())
    kept.add((ctx.audit_id, ctx.location_id, other.device, other.updated_at))


def open_elsewhere(ctx: CaptureContext, other: DraftElsewhere) -> None:
    """Bring the other device's draft here (it moves: one draft, on one device). Only into an
    empty form, so the draft this device holds is never replaced unseen; if the other device
    saved or cleared it meanwhile, say so."""
    if not current_draft().is_empty():
        return
    payload = walking.take_draft(
        state.get_workspace(),
        walker(ctx),
        ctx.audit_id,
        ctx.location_id,
        holder=holder(ctx),
        device=other.device,
    )
    keep_elsewhere(ctx, other)
    if payload is None:
        state.flash("That draft was saved or cleared on the other device meanwhile.", "info")
        return
    forget_originals()
    st.session_state.pop(_CLEARED, None)
    _become(ctx, drafts.draft_from_payload(payload))


def open_saved(ctx: CaptureContext, finding_id: str) -> None:
    """Make the form the finding as it is saved now (after a stale save was refused), so the
    person sees the other change and applies theirs again from the current version."""
    try:
        finding = state.reads().get_finding(finding_id)
    except NotFoundError:  # deleted meanwhile: keep what is on the form, the error says why
        return
    draft = drafts.redact_unrecorded_photos(drafts.draft_from_finding(finding, editing=True))
    forget_originals()
    commit(ctx, draft)
    _become(ctx, draft)


def open_prefilled(audit_id: str, location_id: str, actor: str, draft: Draft) -> bool:
    """Put `draft` on this place's capture form, unsaved, as if typed here; return False (and
    change nothing) when the form already holds other unsaved work, which is never replaced.

    Only the draft is written (as every tap is); nothing is recorded until the form is saved.
    """
    target = st.session_state.get(_TARGET)
    held = current_draft() if target and target[:2] == (audit_id, location_id) else None
    if held is None:
        payload = state.reads().load_draft(audit_id, location_id, holder=state.draft_holder(actor))
        held = drafts.draft_from_payload(payload)
    if not held.is_empty() and held.rewalk_item_id != draft.rewalk_item_id:
        return False
    walking.save_draft(
        state.get_workspace(),
        state.as_actor(actor),
        audit_id,
        location_id,
        drafts.draft_to_payload(draft),
        drafts.draft_photo_blobs(draft),
        holder=state.draft_holder(actor),
    )
    forget_originals()
    st.session_state.pop(_CLEARED, None)
    st.session_state[_DRAFT] = draft
    st.session_state[_TARGET] = (audit_id, location_id, draft.finding_id)
    _show_in_url(draft.finding_id)
    errors.clear_errors(SCOPE)
    _redraw(WIDGET_FIELDS, draft)
    return True
