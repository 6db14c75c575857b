"""Retention on the Audits page: what is due for deletion, a legal-hold switch and deletion on
request on each audit card, and the tombstones of deleted audits.

Every deletion takes a second tap to confirm, and deletion on request also needs the school's
name typed. Buttons run as callbacks through `datawalk.services.audits`, which re-checks that an
item is still due (the list may be stale) and lets the store refuse anything on legal hold; errors
are kept for the next draw, where they are shown beside the item.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from datawalk import governance
from datawalk.errors import DataWalkError
from datawalk.privacy import RetentionItem, RetentionScope
from datawalk.services import Actor, AuditSummary, Tombstone, audits
from datawalk.ui import errors, state, widgets

SCOPE = "retention"
PENDING_KEY = "_retention_pending"  # {audit id: scope} awaiting the confirming tap
REQUESTS_KEY = "_delete_requests"  # audit ids whose "Delete audit…" confirmation is open
SCOPE_NAMES = {
    RetentionScope.PHOTOS_AND_TEXT: "Photos and notes",
    RetentionScope.WHOLE_RECORD: "Whole audit record",
}
BUTTON_LABELS = {
    RetentionScope.PHOTOS_AND_TEXT: "Delete photos and notes",
    RetentionScope.WHOLE_RECORD: "Delete audit",
}
CONFIRM_TEXT = {
    RetentionScope.PHOTOS_AND_TEXT: "Delete every photo and all free text of this audit? Scores, "
    "actions and the audit record stay. This cannot be undone.",
    RetentionScope.WHOLE_RECORD: "Delete this audit with everything in it? Only a tombstone "
    "(id, school, dates, who deleted it and when) remains. This cannot be undone.",
}
REQUEST_WARNING = (
    "Deleting removes this audit, its photos, notes, scores, actions and trail for good; only a "
    "tombstone (id, school, dates, who deleted it and when) remains. Files exported earlier are "
    "not affected."
)


def render_retention_panel() -> None:
    """The "Due for deletion" section, what only a legal hold keeps, and "Deleted audits"."""
    st.subheader("Due for deletion", anchor=False)
    with errors.user_errors():
        policy = state.settings().retention()
        overview = governance.retention_overview(state.get_workspace().reads, _now(), policy)
        st.caption(
            f"Photos are deleted {policy.photos_months} months and free text "
            f"{policy.free_text_months} months after an audit is completed; the whole record "
            f"after {policy.record_months} months. An audit on legal hold is never deleted."
        )
        errors.general_errors(SCOPE, set())
        if not overview.due:
            st.caption("Nothing is due for deletion.")
        for item in overview.due:
            _render_due(item)
        for item in overview.held:
            st.info(
                widgets.escape_markdown(
                    f"{item.school_name}: {SCOPE_NAMES[item.scope].lower()} due since "
                    f"{item.due_at:%d %b %Y}, but the audit is on legal hold, so nothing is "
                    "deleted until the hold is released."
                ),
                icon=":material/gavel:",
            )
        _render_tombstones(overview.tombstones)


def render_card_governance(summary: AuditSummary) -> None:
    """Legal-hold switch and "Delete audit…" (on request) for one audit card."""
    scope = _request_scope(summary.id)
    asked = summary.id in st.session_state.get(REQUESTS_KEY, set()) and not summary.legal_hold
    with st.container(horizontal=True, vertical_alignment="center"):
        st.toggle(
            "Legal hold",
            value=summary.legal_hold,
            key=f"hold_{summary.id}",
            on_change=_toggle_hold,
            args=(summary.id, summary.school_name),
            help="While on, the audit is never deleted, on time or on request.",
        )
        st.button(
            "Delete audit…",
            key=f"request_delete_{summary.id}",
            icon=":material/delete:",
            disabled=summary.legal_hold or asked,
            on_click=_open_request,
            args=(summary.id,),
        )
    errors.general_errors(scope, {"confirm_name"})
    if summary.legal_hold:
        st.caption("On legal hold: it cannot be deleted until the hold is released.")
    if asked:
        _render_request(summary)


def _render_request(summary: AuditSummary) -> None:
    with st.container(border=True, key=f"delete_request_{summary.id}"):
        st.warning(REQUEST_WARNING, icon=":material/warning:")
        st.text_input(
            "Type the school's name to confirm",
            key=f"confirm_name_{summary.id}",
            max_chars=200,
            placeholder=summary.school_name,
        )
        errors.field_error(_request_scope(summary.id), "confirm_name")
        with st.container(horizontal=True):
            st.button(
                "Delete permanently",
                key=f"delete_confirm_{summary.id}",
                type="primary",
                on_click=_delete_on_request,
                args=(summary.id,),
            )
            st.button("Cancel", key=f"delete_cancel_{summary.id}", on_click=_close_request,
                      args=(summary.id,))  # fmt: skip


def _render_due(item: RetentionItem) -> None:
    with st.container(border=True, key=f"due_{item.audit_id}"):
        st.markdown(f"**{widgets.escape_markdown(item.school_name)}**")
        st.caption(
            f"{SCOPE_NAMES[item.scope]} · completed {item.completed_at:%d %b %Y} · "
            f"due {item.due_at:%d %b %Y}"
        )
        if st.session_state.get(PENDING_KEY, {}).get(item.audit_id) != item.scope:
            st.button(
                BUTTON_LABELS[item.scope],
                key=f"due_delete_{item.audit_id}",
                icon=":material/delete:",
                on_click=_ask,
                args=(item.audit_id, item.scope),
            )
            return
        st.warning(CONFIRM_TEXT[item.scope], icon=":material/warning:")
        with st.container(horizontal=True):
            st.button(
                f"Yes, {BUTTON_LABELS[item.scope].lower()}",
                key=f"due_confirm_{item.audit_id}",
                type="primary",
                on_click=_carry_out,
                args=(item.audit_id, item.scope, item.school_name),
            )
            st.button("Cancel", key=f"due_cancel_{item.audit_id}", on_click=_forget,
                      args=(item.audit_id,))  # fmt: skip


def _render_tombstones(tombstones: list[Tombstone]) -> None:
    with st.expander(f"Deleted audits ({len(tombstones)})", icon=":material/delete_history:"):
        if not tombstones:
            st.caption("No audit has been deleted.")
            return
        st.dataframe(_tombstone_frame(tombstones), hide_index=True, key="tombstones_table")


def _tombstone_frame(tombstones: list[Tombstone]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Audit id": t.audit_id,
                "School": t.school_name,
                "Walk": t.walk_at,
                "Created": t.created_at,
                "Completed": t.completed_at,
                "Deleted by": t.deleted_by,
                "Deleted at": t.deleted_at,
            }
            for t in tombstones
        ]
    )


# --- callbacks (they run before the next draw, which shows their flash or error) ----------------


def _ask(audit_id: str, scope: RetentionScope) -> None:
    errors.clear_errors(SCOPE)
    st.session_state.setdefault(PENDING_KEY, {})[audit_id] = scope


def _forget(audit_id: str) -> None:
    st.session_state.get(PENDING_KEY, {}).pop(audit_id, None)


def _carry_out(audit_id: str, scope: RetentionScope, school: str) -> None:
    _forget(audit_id)
    errors.clear_errors(SCOPE)
    workspace = state.get_workspace()
    try:
        policy = state.settings().retention()
        who = _actor(audit_id)
        if scope is RetentionScope.WHOLE_RECORD:
            audits.delete_due(workspace, who, audit_id, _now(), policy)
            state.flash(f"Deleted the audit of {school}; its tombstone is under Deleted audits.")
        else:
            counts = audits.purge_due(workspace, who, audit_id, _now(), policy)
            state.flash(
                f"{school}: deleted {counts['photos']} photo(s) and emptied the free text of "
                f"{counts['texts']} record(s)."
            )
    except DataWalkError as exc:
        errors.record_error(SCOPE, exc)


def _toggle_hold(audit_id: str, school: str) -> None:
    hold = bool(st.session_state[f"hold_{audit_id}"])
    try:
        audits.set_legal_hold(state.get_workspace(), _actor(audit_id), audit_id, hold)
    except DataWalkError as exc:
        errors.record_error(_request_scope(audit_id), exc)
        return
    _close_request(audit_id)
    state.flash(f"{school}: legal hold {'on' if hold else 'released'}.", "info")


def _open_request(audit_id: str) -> None:
    st.session_state.setdefault(REQUESTS_KEY, set()).add(audit_id)


def _close_request(audit_id: str) -> None:
    st.session_state.get(REQUESTS_KEY, set()).discard(audit_id)
    errors.clear_errors(_request_scope(audit_id))


def _delete_on_request(audit_id: str) -> None:
    scope = _request_scope(audit_id)
    errors.clear_errors(scope)
    typed = str(st.session_state.get(f"confirm_name_{audit_id}", ""))
    workspace = state.get_workspace()
    try:
        audit = workspace.reads.get_audit(audit_id)
        audits.delete_on_request(workspace, state.current_actor(audit), audit_id, typed)
    except DataWalkError as exc:
        errors.record_error(scope, exc)
        return
    _close_request(audit_id)
    state.flash(f"Deleted the audit of {audit.school.name}; its tombstone is under Deleted audits.")


def _actor(audit_id: str) -> Actor:
    """Who is acting on this audit, for its trail (or its tombstone)."""
    return state.current_actor(state.get_workspace().reads.get_audit(audit_id))


def _request_scope(audit_id: str) -> str:
    return f"delete_{audit_id}"


def _now() -> datetime:
    return datetime.now(UTC)
