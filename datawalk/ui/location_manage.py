"""The walk page's "Rename, move or delete" panel for the current location.

A mistyped name, a room on the wrong floor or a place added twice is put right here, through the
location services: a new name is scanned for pupil identifiers like a new location's ("Save
anyway" needs a tick, which the trail records), moving floors clears the pin on the old plan, and
a location is deleted only while nothing is recorded there (the service refuses otherwise and
says what to do).
"""

from __future__ import annotations

import streamlit as st

from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import Audit, Location
from datawalk.services import locations
from datawalk.ui import errors, state, widgets

SCOPE = "manage_location"
_FLAGGED = "manage_location_flagged"
_CONFIRM = "manage_location_confirm_delete"
_OPEN = "manage_location_open"


def render_manage_location(audit: Audit, location: Location, actor: str) -> None:
    """One button until it is tapped, then the form: edit the name and floor, or delete an
    empty location. Closed, it is one element, so it costs every other tap on the walk page
    nothing (an expander's contents run on every rerun even when collapsed)."""
    if st.session_state.get(_OPEN) != location.id:
        st.button(
            "Rename, move or delete this location",
            key="manage_open",
            icon=":material/edit_location_alt:",
            on_click=_set_open,
            args=(location.id,),
        )
        return
    with st.container(border=True):
        _render_edit_form(audit, location, actor, st.session_state.get(_FLAGGED) == location.id)
        _render_delete(location, actor)
        st.button("Close", key="manage_close", on_click=_set_open, args=(None,))


def _set_open(location_id: str | None) -> None:
    st.session_state[_OPEN] = location_id


def _render_edit_form(audit: Audit, location: Location, actor: str, flagged: bool) -> None:
    floors = {floor.id: floor.name for floor in audit.site.floors}
    with st.form(f"manage_location_{location.id}", border=False):
        name = st.text_input("Name", value=location.name, max_chars=200, key="manage_name")
        errors.field_error(SCOPE, "name")
        keep = flagged and st.checkbox("Save anyway: not a pupil identifier", key="manage_ok")
        floor_id = location.floor_id
        if len(floors) > 1:
            floor_id = st.segmented_control(
                "Floor",
                list(floors),
                default=location.floor_id if location.floor_id in floors else None,
                format_func=lambda fid: widgets.escape_markdown(floors[fid]),
                key=f"manage_floor_{location.id}",
                required=True,
            )
        errors.general_errors(SCOPE, {"name"})
        saved = st.form_submit_button("Save location", key="manage_save")
    if saved:
        _save(location, name, floor_id, keep, actor)


def _save(location: Location, name: str, floor_id: str | None, keep: bool, actor: str) -> None:
    errors.clear_errors(SCOPE)
    workspace, who = state.get_workspace(), state.as_actor(actor)
    try:
        if name.strip() != location.name:
            kept = {"name"} if keep else set()
            locations.rename_location(workspace, who, location.id, name, keep=kept)
        if floor_id != location.floor_id:
            locations.move_location(workspace, who, location.id, floor_id)
    except DataWalkError as exc:
        if isinstance(exc, ValidationError) and exc.field == "name":
            st.session_state[_FLAGGED] = location.id  # offer the tick from now on
        errors.record_error(SCOPE, exc)
        st.rerun()
    st.session_state.pop(_FLAGGED, None)
    st.session_state.pop(_OPEN, None)
    state.flash("Location saved.")
    st.rerun()


def _render_delete(location: Location, actor: str) -> None:
    if st.session_state.get(_CONFIRM) != location.id:
        st.button(
            "Delete this location",
            key="manage_delete",
            icon=":material/delete:",
            on_click=_ask_delete,
            args=(location.id,),
        )
        return
    st.warning(f"Delete {location.name}? Only a location with nothing recorded can be deleted.")
    yes_col, no_col = st.columns(2)
    yes_col.button(
        f"Yes, delete {location.name}",
        key="manage_delete_yes",
        type="primary",
        on_click=_delete,
        args=(location.id, actor),
    )
    no_col.button("Keep it", key="manage_delete_no", on_click=_ask_delete, args=(None,))


def _ask_delete(location_id: str | None) -> None:
    st.session_state[_CONFIRM] = location_id


def _delete(location_id: str, actor: str) -> None:
    st.session_state.pop(_CONFIRM, None)
    try:
        deleted = locations.delete_location(
            state.get_workspace(), state.as_actor(actor), location_id
        )
    except DataWalkError as exc:
        state.flash(errors.message_for(exc), kind="warning")
        return
    state.select_location(None)
    state.flash(f"Deleted {deleted.name}.")
