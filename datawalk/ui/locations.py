"""The walk page's location panel: choose where you are (recent first) or add a place, tick
through what to look for there, and record "Nothing found here".

A new name is scanned for pupil identifiers ("Jo Bloggs's room"): saving one anyway needs a tick,
which the audit trail records.

The chosen location lives in the URL (`?location=`) so a reload reopens it.
"""

from __future__ import annotations

import streamlit as st

from datawalk.audit_setup import new_location
from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import Audit, Location
from datawalk.services import locations
from datawalk.ui import errors, state, widgets
from datawalk.vocabulary import Checklist

SCOPE = "add_location"
_FORM_GEN = "loc_form_gen"
_ORDER = "loc_pill_order"
_FLAGGED = "loc_name_flagged"
PILLS_SHOWN = 12


def _label(audit: Audit, location: Location) -> str:
    floor = audit.floor(location.floor_id) if location.floor_id else None
    return f"{location.name} ({floor.name})" if floor else location.name


def _on_pick(key: str) -> None:
    state.select_location(st.session_state.get(key))


def stable_order(audit: Audit, locations: list[Location]) -> list[Location]:
    """The locations in the order this session first saw them (most recently used first then),
    with places added since in front.

    The store orders by last use, and a save or a tap changes that: pills that reorder under
    the finger send the next tap to the wrong place. So the order is fixed for the visit.
    """
    by_id = {loc.id: loc for loc in locations}
    seen = st.session_state.get(_ORDER)
    known = seen[1] if seen and seen[0] == audit.id else []
    order = [i for i in by_id if i not in known] + [i for i in known if i in by_id]
    st.session_state[_ORDER] = (audit.id, order)
    return [by_id[i] for i in order]


def render_location_picker(
    audit: Audit, locations: list[Location], current: Location | None
) -> None:
    """Pills of the most recent locations, and a list of the rest once there are many."""
    locations = stable_order(audit, locations)
    labels = {loc.id: widgets.escape_markdown(_label(audit, loc)) for loc in locations}
    current_id = current.id if current else None
    recent = [loc.id for loc in locations[:PILLS_SHOWN]]
    if current_id and current_id not in recent:
        recent.append(current_id)
    # The key follows the URL's location so that a new location (added, or from a link) shows
    # as chosen: a widget key is never assigned after the widget exists.
    key = f"walk_location_{current_id}"
    st.pills(
        "Location",
        recent,
        default=current_id,
        format_func=labels.__getitem__,
        key=key,
        on_change=_on_pick,
        args=(key,),
    )
    others = [loc.id for loc in locations if loc.id not in recent]
    if others:
        other_key = f"walk_location_more_{current_id}"
        st.selectbox(
            "Other locations",
            others,
            index=None,
            format_func=labels.__getitem__,
            placeholder="Choose an earlier location",
            key=other_key,
            on_change=_on_pick,
            args=(other_key,),
        )


def _name_kept(gen: int) -> set[str]:
    """The name's "Save anyway" tick, offered once a possible pupil identifier was refused."""
    return {"name"} if st.session_state.get(f"loc_name_ok_{gen}") else set()


def render_add_location(audit: Audit, checklist: Checklist, actor: str, expanded: bool) -> None:
    """A small form: name, type and floor; the new location becomes the current one."""
    gen = st.session_state.setdefault(_FORM_GEN, 0)
    types = {t.id: t.name for t in checklist.objects.location_types}
    floors = {f.id: f.name for f in audit.site.floors}
    # Keyed by the form's generation: after an add, a new (closed) expander replaces the one the
    # consultant opened, which would otherwise stay open over the page.
    expander = st.expander(
        "Add a location",
        expanded=expanded,
        icon=":material/add_location:",
        key=f"add_location_box_{gen}",
    )
    with expander, st.form(f"add_location_{gen}", border=False):
        name = st.text_input("Location name", key=f"loc_name_{gen}", max_chars=200)
        errors.field_error(SCOPE, "name")
        if st.session_state.get(_FLAGGED) == gen:
            st.checkbox("Save anyway: not a pupil identifier", key=f"loc_name_ok_{gen}")
        location_type = st.selectbox(
            "Location type",
            list(types),
            index=None,
            format_func=types.__getitem__,
            placeholder="Choose a type",
            key=f"loc_type_{gen}",
        )
        errors.field_error(SCOPE, "location_type")
        floor_id = st.segmented_control(
            "Floor",
            list(floors),
            default=next(iter(floors), None),
            format_func=lambda fid: widgets.escape_markdown(floors[fid]),
            key=f"loc_floor_{gen}",
            required=True,
        )
        errors.field_error(SCOPE, "floor_id")
        errors.general_errors(SCOPE, {"name", "location_type", "floor_id"})
        added = st.form_submit_button("Add location", key="loc_add", type="primary")
    if added:
        errors.clear_errors(SCOPE)
        try:
            location = new_location(audit, name, location_type, floor_id)
            location = locations.add_location(
                state.get_workspace(), state.as_actor(actor), location, keep=_name_kept(gen)
            )
        except DataWalkError as exc:
            if isinstance(exc, ValidationError) and exc.field == "name":
                st.session_state[_FLAGGED] = gen  # offer the tick from now on
            errors.record_error(SCOPE, exc)
            st.rerun()
        st.session_state[_FORM_GEN] = gen + 1
        state.select_location(location.id)
        state.flash(f"Added {location.name}. Now at {location.name}.")
        st.rerun()


def _on_prompt(location_id: str, prompt: str, key: str, actor: str) -> None:
    location = state.reads().get_location(location_id)
    checked = [p for p in location.prompts_checked if p != prompt]
    if st.session_state[key]:
        checked.append(prompt)
    locations.set_prompts_checked(
        state.get_workspace(), state.as_actor(actor), location.id, checked
    )


def _on_nothing_found(location_id: str, value: bool, actor: str) -> None:
    location = locations.set_nothing_found(
        state.get_workspace(), state.as_actor(actor), location_id, value
    )
    if value:
        state.flash(f"Recorded: nothing found at {location.name}.")


def render_prompts(location: Location, checklist: Checklist, actor: str) -> None:
    """The location type's "what to look for" prompts as a tick list, and "Nothing found"."""
    location_type = checklist.term("location_types", location.location_type)
    prompts: list[str] = getattr(location_type, "prompts", [])
    done = sum(prompt in location.prompts_checked for prompt in prompts)
    with st.expander(f"What to look for here ({done} of {len(prompts)} checked)", expanded=True):
        for index, prompt in enumerate(prompts):
            key = f"prompt_{location.id}_{index}"
            st.checkbox(
                widgets.escape_markdown(prompt),
                value=prompt in location.prompts_checked,
                key=key,
                on_change=_on_prompt,
                args=(location.id, prompt, key, actor),
            )
    if location.nothing_found:
        st.success("Visited: nothing found here.", icon=":material/check_circle:")
        st.button(
            "Undo 'nothing found'",
            key="loc_nothing_undo",
            on_click=_on_nothing_found,
            args=(location.id, False, actor),
        )
    else:
        st.button(
            "Nothing found here",
            key="loc_nothing_found",
            on_click=_on_nothing_found,
            args=(location.id, True, actor),
            icon=":material/task_alt:",
            help="Records that you visited this place, so leadership sees it was checked.",
        )
