"""Clear form (or Cancel edit) on the capture form, with its confirmation and its undo.

A draft holding photos asks first, and any clear can be undone with one tap while the form is
still empty: neither a photo nor typed work is ever lost by a slip of the finger.
"""

from __future__ import annotations

import streamlit as st

from datawalk import drafts
from datawalk.ui import capture_state as cs

DISCARD_KEY = "cap_discard"
UNDO_CLEAR_KEY = "cap_undo_clear"
CONFIRM_CLEAR_KEY = "cap_confirm_clear"


def _ask_clear(asking: bool) -> None:
    st.session_state[CONFIRM_CLEAR_KEY] = asking


def _on_clear(ctx: cs.CaptureContext) -> None:
    st.session_state[CONFIRM_CLEAR_KEY] = False
    cs.clear(ctx)


def _photos_text(count: int) -> str:
    return f"{count} photo" if count == 1 else f"{count} photos"


def _render_undo_clear(ctx: cs.CaptureContext, cleared: drafts.Draft) -> None:
    """Say what was cleared (photos by number) and bring it all back with one tap."""
    what = f"Your changes to {cleared.reference}" if cleared.finding_id else "The finding"
    if cleared.photos:
        what += f", with its {_photos_text(len(cleared.photos))},"
    st.info(f"{what} was cleared.", icon=":material/restart_alt:")
    undo_col, dismiss_col = st.columns(2)
    undo_col.button(
        "Undo clear",
        key=UNDO_CLEAR_KEY,
        on_click=cs.undo_clear,
        args=(ctx,),
        icon=":material/undo:",
    )
    dismiss_col.button("Dismiss", key="cap_undo_clear_dismiss", on_click=cs.forget_cleared)


def render_clear(ctx: cs.CaptureContext, draft: drafts.Draft) -> None:
    """Clear form (or Cancel edit), at the top of the form and far from Save.

    A draft holding photos asks first; any clear can be undone with one tap while the form is
    still empty, so neither a photo nor typed work is ever lost by a slip of the finger.
    """
    cleared = cs.cleared_draft(ctx)
    if draft.is_empty():
        if cleared is not None:
            _render_undo_clear(ctx, cleared)
        return
    label = "Cancel edit" if draft.finding_id else "Clear form"
    if draft.photos and st.session_state.get(CONFIRM_CLEAR_KEY):
        st.warning(
            f"{label} and remove its {_photos_text(len(draft.photos))}? "
            "You can undo it straight after."
        )
        yes_col, no_col = st.columns(2)
        yes_col.button(
            f"Yes, {label.lower()}", key="cap_clear_yes", on_click=_on_clear, args=(ctx,)
        )
        no_col.button("Keep it", key="cap_clear_no", on_click=_ask_clear, args=(False,))
        return
    st.button(
        label,
        key=DISCARD_KEY,
        on_click=_ask_clear if draft.photos else _on_clear,
        args=(True,) if draft.photos else (ctx,),
        icon=":material/restart_alt:",
    )
