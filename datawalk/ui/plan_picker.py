"""The walk page's tap-to-place widget: the current floor's plan with every placed location
pinned; tapping the plan puts (or moves) the current location there.

The tap arrives from `streamlit_image_coordinates` in displayed pixels with the size the image
had on screen, and is stored normalised (0–1) through `services.plans.place_location`, so it is
right whatever size the tablet drew the plan at. The widget keeps reporting its last tap on every
rerun, so each tap is applied once, by its timestamp. Locations not yet placed are listed, so
none is forgotten.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from datawalk.errors import DataWalkError
from datawalk.floorplan import pinned_locations, position_from_click, unpinned_locations
from datawalk.models import Audit, Floor, Location
from datawalk.plan_image import draw_pins, encode
from datawalk.services import plans
from datawalk.ui import errors, state, widgets

HANDLED_KEY = "_plan_pick_handled"
SCOPE = "plan_picker"
DISPLAY_LONG_SIDE = 1400  # enough detail to tap a room on a tablet, small enough to send quickly
JPEG_QUALITY = 82


class _EncodedImage:
    """Hands the widget bytes encoded once and cached, instead of a PIL image it would
    re-encode (uncompressed) on every rerun; the widget only calls `save`."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def save(self, buffer: io.BytesIO, **_: Any) -> None:
        buffer.write(self._data)


@st.cache_resource(max_entries=32, show_spinner=False)
def _pinned_plan(
    floor_id: str,
    plan_size: tuple[int, int, int],
    pins: tuple[tuple[str, str, float, float], ...],
    current_id: str,
    _floor: Floor,
    _locations: Sequence[Location],
) -> bytes:
    """The plan with its pins as JPEG, drawn once per set of pins (not per finding saved)."""
    assert _floor.plan is not None
    image = draw_pins(_floor.plan, _locations, current_id)
    image.thumbnail((DISPLAY_LONG_SIDE, DISPLAY_LONG_SIDE))
    return encode(image, "jpeg", JPEG_QUALITY)


def render_plan_picker(
    audit: Audit, location: Location, locations: Sequence[Location], actor: str
) -> None:
    """Show the current floor's plan to tap on, and which locations still have no pin."""
    floor = audit.floor(location.floor_id) if location.floor_id else None
    placed = location.position is not None
    label = "On the floor plan" + (": placed" if placed else ": not placed yet")
    with st.expander(label, expanded=not placed, icon=":material/pin_drop:"):
        errors.general_errors(SCOPE, set())
        if floor is None:
            st.caption("This location is not on a floor, so it cannot be placed on a plan.")
        elif floor.plan is None:
            st.caption(
                widgets.escape_markdown(f"{floor.name} has no plan yet. Add one in Settings.")
            )
            widgets.page_link("settings", "Settings", state.audit_params(audit.id))
        else:
            _render_plan(audit, floor, location, locations, actor)
        _render_unplaced(audit, location, locations)


def _render_plan(
    audit: Audit, floor: Floor, location: Location, locations: Sequence[Location], actor: str
) -> None:
    on_floor = [loc if loc.id != location.id else location for loc in locations]
    on_floor = pinned_locations(on_floor, floor.id)
    assert floor.plan is not None
    pins = tuple((loc.id, loc.name, loc.position.x, loc.position.y) for loc in on_floor)  # type: ignore[union-attr]
    size = (floor.plan.width, floor.plan.height, len(floor.plan.data))
    jpeg = _pinned_plan(floor.id, size, pins, location.id, floor, on_floor)
    verb = "move" if location.position else "place"
    st.caption(widgets.escape_markdown(f"Tap the plan to {verb} {location.name}."))
    click = streamlit_image_coordinates(
        _EncodedImage(jpeg),
        key=f"plan_pick_{location.id}",
        use_column_width="always",
        image_format="JPEG",
        cursor="crosshair",
    )
    _apply_tap(location, click, actor)
    if location.position is not None:
        x, y = round(location.position.x * 100), round(location.position.y * 100)
        st.caption(f"Placed {x}% across and {y}% down the plan.")
        st.button(
            "Remove pin",
            key=f"plan_unpin_{location.id}",
            on_click=_unpin,
            args=(location.id, actor),
            icon=":material/location_off:",
        )


def _apply_tap(location: Location, click: dict[str, Any] | None, actor: str) -> None:
    """Store a new tap once; the widget repeats its last value on every rerun."""
    if not click:
        return
    handled = st.session_state.setdefault(HANDLED_KEY, {})
    stamp = click.get("unix_time")
    if handled.get(location.id) == stamp:
        return
    handled[location.id] = stamp
    with errors.user_errors():
        position = position_from_click(click)
        plans.place_location(state.get_workspace(), state.as_actor(actor), location.id, position)
        state.flash(f"Placed {location.name} on the plan.")
        st.rerun()


def _unpin(location_id: str, actor: str) -> None:
    try:
        plans.place_location(state.get_workspace(), state.as_actor(actor), location_id, None)
    except DataWalkError as exc:
        errors.record_error(SCOPE, exc)


def _render_unplaced(audit: Audit, location: Location, locations: Sequence[Location]) -> None:
    current = [loc if loc.id != location.id else location for loc in locations]
    missing = unpinned_locations(current)
    if not missing:
        st.caption("Every location is on a plan.")
        return
    floors = {floor.id: floor.name for floor in audit.site.floors}
    names = [
        f"{loc.name} ({floors[loc.floor_id]})" if loc.floor_id in floors else loc.name
        for loc in missing
    ]
    st.caption(widgets.escape_markdown(f"Not placed yet ({len(names)}): " + ", ".join(names)))
