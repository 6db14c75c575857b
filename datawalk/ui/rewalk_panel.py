"""Walk page of a re-walk: last walk's findings at this location, each marked in one tap.

Resolved (optionally with a note or photos: `rewalk_photos`), Still as it was (copied as a new
finding observed today), Changed (the capture form opens pre-filled to edit; nothing is recorded
until it is saved) or Not checked; a whole location can be marked not checked (a locked room).
Resolving offers to close the carried-over action; an accepted risk asks to be accepted again.
Every tap is a service call (`datawalk.services.rewalks`), recorded in the trail.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from datawalk import drafts
from datawalk.accounts.roles import Permission
from datawalk.models import (
    ActionStatus,
    Audit,
    CarriedAction,
    Location,
    Photo,
    RewalkItem,
    RewalkRecord,
)
from datawalk.models import RewalkState as S
from datawalk.rewalk.carry import finding_from_snapshot
from datawalk.services import rewalks as service
from datawalk.ui import (
    capture_state,
    errors,
    finding_list,
    permissions,
    rewalk_photos,
    state,
    widgets,
)
from datawalk.vocabulary import Checklist

STATE_LABELS = {
    S.PENDING: "Not looked at yet",
    S.RESOLVED: "Resolved",
    S.STILL: "Still as it was",
    S.CHANGED: "Changed",
    S.NOT_CHECKED: "Not checked this time",
}
TAPS = (
    (S.RESOLVED, "Resolved", ":material/check_circle:"),
    (S.STILL, "Still as it was", ":material/repeat:"),
    (S.CHANGED, "Changed", ":material/edit:"),
    (S.NOT_CHECKED, "Not checked", ":material/block:"),
)
STYLE = "<style>.st-key-last_walk .stButton button{min-height:48px}</style>"


@st.cache_resource(max_entries=16, show_spinner=False)
def _record(url: str | None, audit_id: str, version: int, full: bool) -> RewalkRecord:
    return state.reads().rewalk_record(audit_id)


def rewalk_record(audit: Audit) -> RewalkRecord:
    """The audit's re-walk records, read once per audit version.

    The cache is shared between sessions, and what a record holds depends on who reads it (a
    school viewer's has no notes or photos), so whether the reader sees it whole is in the key.
    """
    url = state.database_url()
    full = permissions.may(Permission.READ)
    return _record(url, audit.id, state.reads().audit_version(audit.id), full)


def _mark(item_id: str, new_state: S, actor_name: str) -> None:
    rewalk_photos.forget(item_id)  # a photo not added yet goes with the Resolved it proved
    with errors.user_errors():
        item = service.mark_previous_finding(
            state.get_workspace(), state.as_actor(actor_name), item_id, new_state
        )
        state.flash(f"{item.previous_reference}: {STATE_LABELS[new_state].lower()}.")


def _changed_draft(item: RewalkItem) -> drafts.Draft:
    """The capture form pre-filled: this walk's copy if one is saved, else last time's fields."""
    if item.new_finding_id:
        finding = state.reads().get_finding(item.new_finding_id)
        draft = drafts.redact_unrecorded_photos(drafts.draft_from_finding(finding, editing=True))
    else:
        draft = drafts.draft_from_finding(finding_from_snapshot(item, item.audit_id), editing=False)
    draft.rewalk_item_id = item.id
    return draft


def _open_changed(item: RewalkItem, actor_name: str) -> None:
    """Changed: open the capture pre-filled to edit; nothing is saved until the form is."""
    with errors.user_errors():
        opened = capture_state.open_prefilled(
            item.audit_id, item.location_id, actor_name, _changed_draft(item)
        )
        if not opened:
            state.flash(
                "The form below holds a finding not saved yet: save or clear it, then tap "
                "Changed again.",
                "warning",
            )
            return
        state.flash(
            f"{item.previous_reference} is in the form below: change what is different and "
            "save. Nothing is recorded until you save.",
            "info",
        )


def _save_note(item_id: str, key: str, actor_name: str) -> None:
    with errors.user_errors():
        service.mark_previous_finding(
            state.get_workspace(),
            state.as_actor(actor_name),
            item_id,
            S.RESOLVED,
            note=st.session_state.get(key, ""),
        )
        state.flash("Note saved.")


def _close(audit_id: str, action_id: str, actor_name: str) -> None:
    with errors.user_errors():
        service.close_carried_action(
            state.get_workspace(), state.as_actor(actor_name), audit_id, action_id, date.today()
        )
        state.flash("Carried-over action closed: checked today.")


def _accept_again(audit_id: str, action_id: str, actor_name: str) -> None:
    with errors.user_errors():
        service.accept_risk_again(
            state.get_workspace(), state.as_actor(actor_name), audit_id, action_id, date.today()
        )
        state.flash("Recorded: the school accepted this risk again.")


def _toggle_location(audit_id: str, location_id: str, key: str, actor_name: str) -> None:
    with errors.user_errors():
        service.set_location_not_checked(
            state.get_workspace(),
            state.as_actor(actor_name),
            audit_id,
            location_id,
            bool(st.session_state.get(key)),
        )


def _item_title(item: RewalkItem, audit: Audit, checklist: Checklist) -> str:
    try:
        finding = finding_from_snapshot(item, audit.id, as_previous=True)
        return finding_list.title(finding, checklist)
    except ValueError:
        return "a finding this checklist no longer describes"


def _render_actions(item: RewalkItem, carried: list[CarriedAction], actor: str) -> None:
    for action in carried:
        if item.previous_finding_id not in action.previous_finding_ids:
            continue
        text = widgets.escape_markdown(action.recommendation.splitlines()[0][:120] or "Action")
        if action.status == ActionStatus.DONE:
            checked = f"{action.checked_on:%d %b %Y}" if action.checked_on else ""
            st.caption(f"Carried action closed {checked} by {action.checked_by}: {text}")
            continue
        due = f", due {action.due_date:%d %b %Y}" if action.due_date else ""
        st.caption(f"Carried action{due}: {text}")
        if action.accept_again:
            st.warning("Risk accepted last time: ask the school to accept it again.")
            st.button("Accepted again", key=f"rw_again_{action.id}", on_click=_accept_again,
                      args=(item.audit_id, action.id, actor))  # fmt: skip
        if item.state is S.RESOLVED:
            st.button(
                "Close this action (checked today)",
                key=f"rw_close_{action.id}",
                on_click=_close,
                args=(item.audit_id, action.id, actor),
                icon=":material/task_alt:",
            )


def _render_item(
    item: RewalkItem,
    audit: Audit,
    checklist: Checklist,
    carried: list[CarriedAction],
    actor: str,
    photos: list[Photo],
) -> None:
    with st.container(border=True, key=f"rw_item_{item.id}"):
        name = widgets.escape_markdown(_item_title(item, audit, checklist))
        st.markdown(f"**{widgets.escape_markdown(item.previous_reference)}** · {name}")
        st.caption(f"This time: {STATE_LABELS[item.state]}")
        if capture_state.current_draft().rewalk_item_id == item.id:
            st.caption("Open in the form below as Changed: recorded when you save it.")
        with st.container(horizontal=True, wrap=True):
            for tap_state, label, icon in TAPS:
                changed = tap_state is S.CHANGED
                st.button(
                    label,
                    key=f"rw_{tap_state.value}_{item.id}",
                    on_click=_open_changed if changed else _mark,
                    args=(item, actor) if changed else (item.id, tap_state, actor),
                    icon=icon,
                    type="primary" if item.state is tap_state else "secondary",
                    disabled=item.state is tap_state and tap_state is not S.CHANGED,
                )
        if item.state is S.RESOLVED:
            key = f"rw_note_{item.id}"
            st.text_input("Note on what was fixed (optional)", value=item.note, key=key,
                          max_chars=500)  # fmt: skip
            st.button("Save note", key=f"rw_save_note_{item.id}", on_click=_save_note,
                      args=(item.id, key, actor))  # fmt: skip
            rewalk_photos.render_resolved_photos(item, photos, actor)
        _render_actions(item, carried, actor)


def render_last_time(audit: Audit, location: Location, checklist: Checklist, actor: str) -> None:
    """Last walk's findings here with their taps; nothing on an audit that is not a re-walk."""
    if audit.previous_audit_id is None:
        return
    record = rewalk_record(audit)
    items = [item for item in record.items if item.location_id == location.id]
    st.html(STYLE)
    waiting = sum(item.state is S.PENDING for item in items)
    title = f"Last walk here ({len(items)}" + (f", {waiting} not marked yet)" if waiting else ")")
    with st.expander(title, expanded=True, key="last_walk"):
        key = f"rw_unchecked_{location.id}"
        unchecked = any(u.location_id == location.id for u in record.unchecked_locations)
        st.toggle(
            "Not checked this time (the whole location, e.g. a locked room)",
            value=unchecked,
            key=key,
            on_change=_toggle_location,
            args=(audit.id, location.id, key, actor),
        )
        if not items:
            st.caption("Nothing was recorded here last time.")
        resolved = [item.id for item in items if item.state is S.RESOLVED]
        photos = state.reads().rewalk_photos(audit.id, resolved) if resolved else {}
        for item in items:
            _render_item(
                item, audit, checklist, record.carried_actions, actor, photos.get(item.id, [])
            )


def _start_next_walk(audit_id: str, school: str) -> None:
    from datawalk.checklist import available_checklists

    with errors.user_errors():
        workspace = state.get_workspace()
        actor = state.current_actor(workspace.reads.get_audit(audit_id))
        library = available_checklists(state.settings().checklists_dir)
        started = service.start_rewalk(workspace, actor, audit_id, library)
        st.query_params[state.AUDIT_PARAM] = started.id
        state.flash(f"{school}: next walk started from this one. Open it from its card.")


def render_start_next_walk(audit_id: str, school: str) -> None:
    """The button on a completed audit's card that starts next year's walk from it."""
    st.button(
        "Start next walk",
        key=f"rewalk_{audit_id}",
        on_click=_start_next_walk,
        args=(audit_id, school),
        icon=":material/replay:",
        help="A new walk with the same school, site, plans and locations; last walk's findings "
        "listed at each location to mark resolved, still as it was or changed.",
    )
