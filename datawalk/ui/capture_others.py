"""The walk page when others are at work too: the same person's draft on their other device, and
a save refused because someone changed the finding since it was opened here.

Both are said in words and offered as a choice; nothing is loaded, replaced or written over unseen.
"""

from __future__ import annotations

import streamlit as st

from datawalk import drafts, editing
from datawalk.errors import NotFoundError
from datawalk.ui import capture_state as cs
from datawalk.ui import state

OPEN_ELSEWHERE_KEY = "cap_open_elsewhere"
KEEP_ELSEWHERE_KEY = "cap_keep_elsewhere"
THEIR_VERSION_KEY = "cap_their_version"
# The finding whose save was refused as stale, offered to be opened as it now stands.
_STALE = "cap_stale"


def remember_stale(finding_id: str | None) -> None:
    """Keep which finding's save was refused as stale, to offer its current version; a finding
    deleted meanwhile has none to offer (the error says so, and the form keeps its values)."""
    try:
        exists = finding_id is not None and bool(state.reads().get_finding(finding_id))
    except NotFoundError:
        exists = False
    st.session_state[_STALE] = finding_id if exists else None


def render_draft_elsewhere(ctx: cs.CaptureContext, draft: drafts.Draft) -> None:
    """Say so when this person's draft here sits on their other device: open it or keep it.

    Never loaded unasked, and opened only into an empty form, so no draft is lost unseen.
    """
    other = cs.draft_elsewhere(ctx)
    if other is None:
        return
    st.warning(editing.other_device_message(other.updated_at), icon=":material/devices:")
    if not draft.is_empty():
        st.caption("Save or clear the finding on this device first, so neither draft is lost.")
    open_col, keep_col = st.columns(2)
    open_col.button(
        "Open it",
        key=OPEN_ELSEWHERE_KEY,
        on_click=cs.open_elsewhere,
        args=(ctx, other),
        disabled=not draft.is_empty(),
        icon=":material/open_in_new:",
    )
    keep_col.button(
        "Keep it", key=KEEP_ELSEWHERE_KEY, on_click=cs.keep_elsewhere, args=(ctx, other)
    )


def _on_their_version(ctx: cs.CaptureContext, finding_id: str) -> None:
    st.session_state.pop(_STALE, None)
    cs.open_saved(ctx, finding_id)


def render_stale(ctx: cs.CaptureContext, draft: drafts.Draft) -> None:
    """After a stale save: open the finding as it now stands, to apply this change again."""
    finding_id = st.session_state.get(_STALE)
    if not finding_id or finding_id != draft.finding_id:
        return
    st.button(
        "Open their version",
        key=THEIR_VERSION_KEY,
        on_click=_on_their_version,
        args=(ctx, finding_id),
        icon=":material/sync:",
    )
