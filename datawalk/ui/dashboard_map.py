"""The dashboard's floor-plan hotspot map: which side to show, which floor, the map in one of
two views, and the place chooser under it that lists a place's findings.

"Tap to choose" (the default, for tablets) draws the plan as an image in the tap-position widget
and picks the marker under the tap: inside st.plotly_chart a touch tap selects the point hovered
BEFORE it, because Streamlit forces plotly's "pan" dragmode whenever a chart reports selections.
Its colour key is a plotly chart under it. "Interactive (mouse)" is the plotly map, with hover
and point selection by click, for a mouse or a projector. Either way a chosen marker sets the
place chooser, the one source of truth for what is listed. Both maps are cached on the audit
version, the filters, the side and the floor.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from datawalk import charts
from datawalk import dashboard as core
from datawalk.accounts.roles import Permission
from datawalk.models import PlanImage
from datawalk.plan_image import draw_hotspots
from datawalk.plan_markers import hotspot_markers, nearest_marker
from datawalk.ui import dashboard_view as view
from datawalk.ui import permissions, state, widgets
from datawalk.ui.plan_picker import _EncodedImage
from datawalk.ui.routes import page_file
from datawalk.vocabulary import Level

SIDE_KEY = "dash_side"
FLOOR_KEY = "dash_floor"
PLACE_KEY = "dash_place"
VIEW_KEY = "dash_map_view"
VIEWS = {"touch": "Tap to choose (touch)", "mouse": "Interactive (mouse)"}
MISSED_KEY = "_dash_tap_missed"
NO_PLAN_KEY = "dash_add_plan"


@st.cache_resource(max_entries=32, show_spinner=False)
def _hotspot_figure(
    key: tuple, filters: core.DashboardFilters, side: str, floor_id: str, _data_: view.DashboardData
) -> go.Figure:
    """The map of one floor, drawn once per audit version, filters, side and floor."""
    shown = view.filtered(key, filters)
    points = core.location_points(shown, _data_.locations, side)  # type: ignore[arg-type]
    floor = _data_.audit.floor(floor_id)
    title = floor.name if floor else None
    rows = points[points["floor_id"] == floor_id]
    return charts.build_hotspot_map(rows, _data_.levels, floor.plan if floor else None, title)


@st.cache_resource(max_entries=32, show_spinner=False)
def _drawn_floor(
    key: tuple, filters: core.DashboardFilters, side: str, floor_id: str, _data_: view.DashboardData
) -> tuple[str, pd.DataFrame]:
    """What the tappable map of one floor shows (its places' rows) and a digest of everything
    drawn: the plan, those rows and the checklist's levels. Worked out once per audit version,
    filters, side and floor."""
    rows = _floor_points(key, filters, side, floor_id, _data_)
    floor = _data_.audit.floor(floor_id)
    digest = hashlib.sha256(floor.plan.data if floor and floor.plan else b"")
    # By id: the places come most recently used first, an order that changes what is drawn
    # only where two markers overlap.
    digest.update(rows.sort_values("location_id").to_json(orient="split", index=False).encode())
    digest.update(_data_.audit.checklist.content_hash.encode())
    return digest.hexdigest(), rows


@st.cache_resource(max_entries=32, show_spinner=False)
def _hotspot_image(
    drawn: str, _plan: PlanImage | None, _rows: pd.DataFrame, _levels: list[Level]
) -> bytes:
    """The tappable map of one floor as JPEG, drawn again only when what it shows changed
    (`drawn`, see `_drawn_floor`): a save on another floor, or one that moves no count or
    level on this one, redraws nothing."""
    return draw_hotspots(_plan, _rows, _levels)


def _floor_points(
    key: tuple, filters: core.DashboardFilters, side: str, floor_id: str, data: view.DashboardData
) -> pd.DataFrame:
    shown = view.filtered(key, filters)
    points = core.location_points(shown, data.locations, side)  # type: ignore[arg-type]
    return points[points["floor_id"] == floor_id]


def render_side_choice() -> core.Side:
    """Which side the map and the heatmap show: privacy, safeguarding or the worse of the two."""
    side = st.segmented_control(
        "Show levels for",
        list(core.SIDES),
        default="worst",
        format_func=core.SIDE_NAMES.__getitem__,
        key=SIDE_KEY,
        required=True,
    )
    return side or "worst"


def render_hotspot_map(
    data: view.DashboardData, filters: core.DashboardFilters, side: core.Side, shown: pd.DataFrame
) -> None:
    """One floor's plan with its hotspots; tapping a marker lists that location's findings."""
    floors = sorted(data.audit.site.floors, key=lambda floor: floor.order)
    if not floors:
        st.info("This site has no floors, so there is no plan to show.")
        return
    names = {floor.id: floor.name for floor in floors}
    floor_id = (
        st.segmented_control(
            "Floor",
            list(names),
            default=floors[0].id,
            format_func=lambda fid: widgets.escape_markdown(names[fid]),
            key=FLOOR_KEY,
            required=True,
        )
        or floors[0].id
    )
    place_key = f"{PLACE_KEY}_{floor_id}"
    floor = data.audit.floor(floor_id)
    on_floor = [loc for loc in data.locations if loc.floor_id == floor_id]
    has_plan = floor is not None and floor.plan is not None
    if not has_plan:
        _render_no_plan(data.audit.id, names[floor_id])
    else:
        _render_map(data, filters, side, floor_id, place_key)
        unplaced = sorted(loc.name for loc in on_floor if not loc.position)
        if unplaced:
            st.caption(
                widgets.escape_markdown("Not placed on this plan yet: " + ", ".join(unplaced))
            )
    points = core.location_points(shown, on_floor, side).set_index("location_id")
    place = st.selectbox(
        "Findings at",
        list(points.index),
        index=None,
        # Plain text: a selectbox shows its options as typed, never as Markdown.
        format_func=lambda lid: _place_label(points.loc[lid], data.levels),
        placeholder="Tap a marker or choose a place" if has_plan else "Choose a place",
        key=place_key,
    )
    if place is not None:
        _render_place(place, data, shown)


def _render_map(
    data: view.DashboardData,
    filters: core.DashboardFilters,
    side: core.Side,
    floor_id: str,
    place_key: str,
) -> None:
    """The plan with its markers, in the chosen view (touch image or interactive plotly)."""
    view_name = (
        st.segmented_control(
            "Map",
            list(VIEWS),
            default="touch",
            format_func=VIEWS.__getitem__,
            key=VIEW_KEY,
            required=True,
        )
        or "touch"
    )
    if view_name == "touch":
        _render_tap_map(data, filters, side, floor_id, place_key)
    else:
        map_key = f"dash_map_{floor_id}"
        st.plotly_chart(
            _hotspot_figure(data.key, filters, side, floor_id, data),
            key=map_key,
            on_select=lambda: _on_marker(map_key, place_key),
            selection_mode="points",
            config=view.CHART_CONFIG,
        )
    st.caption(
        "Colour and label: the worst level at each place; size: number of findings. "
        "Tap or click a marker, or choose the place below, to see its findings."
    )


def _render_no_plan(audit_id: str, floor_name: str) -> None:
    """Say there is no plan, instead of drawing an empty plan a whole screen tall, and offer
    the way to add one: Settings, whose first section is the floor plans."""
    with st.container(border=True):
        st.markdown(f"**{widgets.escape_markdown(f'No plan for {floor_name} yet.')}**")
        if not permissions.may(Permission.WALK):
            return  # the plans are the consultant's to add
        st.caption("Add the floor plan in Settings, then place each location on it.")
        if st.button(
            "Add a plan in Settings", icon=":material/add_photo_alternate:", key=NO_PLAN_KEY
        ):
            st.switch_page(page_file("settings"), query_params=state.audit_params(audit_id))


def _render_tap_map(
    data: view.DashboardData,
    filters: core.DashboardFilters,
    side: core.Side,
    floor_id: str,
    place_key: str,
) -> None:
    """The plan as a tappable image; a tap on a marker chooses its place (in a callback, so the
    chooser below is set before it is drawn). The level key under it names every colour."""
    image_key = f"dash_tap_{floor_id}"
    drawn, rows = _drawn_floor(data.key, filters, side, floor_id, data)
    floor = data.audit.floor(floor_id)
    jpeg = _hotspot_image(drawn, floor.plan if floor else None, rows, data.levels)
    streamlit_image_coordinates(
        _EncodedImage(jpeg),
        key=image_key,
        use_column_width="always",
        image_format="JPEG",
        cursor="pointer",
        on_click=lambda: _on_tap(image_key, place_key, (data.key, filters, side, floor_id, data)),
    )
    if st.session_state.pop(MISSED_KEY, False):
        st.caption("No marker there: tap on a marker's dot.")
    st.plotly_chart(
        _level_key(data.audit.checklist.content_hash, data.levels),
        config=view.CHART_CONFIG,
        key="dash_level_key",
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def _level_key(checklist_hash: str, _levels: list[Level]) -> go.Figure:
    """The colour key of the tap map, drawn once per checklist (its levels never change)."""
    return charts.build_level_key(_levels)


def _on_tap(image_key: str, place_key: str, points_args: tuple) -> None:
    """A tap on a marker chooses its place in the list below the map (one source of truth)."""
    click: dict[str, Any] | None = st.session_state.get(image_key)
    if not click or not click.get("width") or not click.get("height"):
        return
    size = (float(click["width"]), float(click["height"]))
    x, y = float(click["x"]) / size[0], float(click["y"]) / size[1]
    markers = hotspot_markers(_floor_points(*points_args), points_args[-1].levels)
    location_id = nearest_marker(markers, x, y, size)
    if location_id is None:
        st.session_state[MISSED_KEY] = True
    else:
        st.session_state[place_key] = location_id


def _place_label(point: pd.Series, levels: list[Level]) -> str:
    if point["findings"]:
        return (
            f"{point['name']} — {levels[int(point['level'])].name}, {point['findings']} finding(s)"
        )
    return f"{point['name']} — " + ("visited, nothing found" if point["nothing_found"] else "none")


def _on_marker(map_key: str, place_key: str) -> None:
    """A tapped marker chooses its place in the list below the map (one source of truth)."""
    location_id = tapped_location(st.session_state.get(map_key))
    if location_id is not None:
        st.session_state[place_key] = location_id


def tapped_location(event: object) -> str | None:
    """Return the location id of the first selected marker of a plotly selection event."""
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, dict):
        selection = event.get("selection")
    points = (
        selection.get("points")
        if isinstance(selection, dict)
        else getattr(selection, "points", None)
    )
    for point in points or []:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and custom:
            return str(custom[0])
        if isinstance(custom, str):
            return custom
    return None


def _render_place(location_id: str, data: view.DashboardData, shown: pd.DataFrame) -> None:
    location = next((loc for loc in data.locations if loc.id == location_id), None)
    if location is None:
        return
    rows = core.location_findings(shown, location_id)
    if rows.empty:
        message = "Visited: nothing found here." if location.nothing_found else "No findings shown."
        st.caption(message)
        return
    view.render_findings_table(rows, data.levels)
