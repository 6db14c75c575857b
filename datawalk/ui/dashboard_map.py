"""The dashboard's floor-plan hotspot map: which side to show, which floor, the plotly map with
its markers, and the place chooser under it that lists a place's findings.

A marker tap arrives as a plotly point selection and sets the place chooser, which is the one
source of truth for what is listed; the chooser also serves touch screens, where Chromium's
emulated taps only hover plotly points. The map figure is cached on the audit version, the
filters, the side and the floor.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from datawalk import charts
from datawalk import dashboard as core
from datawalk.ui import dashboard_view as view
from datawalk.ui import widgets
from datawalk.vocabulary import Level

SIDE_KEY = "dash_side"
FLOOR_KEY = "dash_floor"
PLACE_KEY = "dash_place"


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


def render_side_choice() -> core.Side:
    """Which side the map and the heatmap show: privacy, safeguarding or the worse of the two."""
    side = st.segmented_control(
        "Show levels for",
        list(core.SIDES),
        default="worst",
        format_func=core.SIDE_NAMES.__getitem__,
        key=SIDE_KEY,
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
        )
        or floors[0].id
    )
    figure = _hotspot_figure(data.key, filters, side, floor_id, data)
    map_key, place_key = f"dash_map_{floor_id}", f"{PLACE_KEY}_{floor_id}"
    st.plotly_chart(
        figure,
        key=map_key,
        on_select=lambda: _on_marker(map_key, place_key),
        selection_mode="points",
        config=view.CHART_CONFIG,
    )
    st.caption(
        "Colour and label: the worst level at each place; size: number of findings. "
        "On a tablet, choose the place below to see its findings; with a mouse you can also "
        "click its marker."
    )
    on_floor = [loc for loc in data.locations if loc.floor_id == floor_id]
    unplaced = sorted(loc.name for loc in on_floor if not loc.position)
    if unplaced:
        st.caption(widgets.escape_markdown("Not placed on this plan yet: " + ", ".join(unplaced)))
    points = core.location_points(shown, on_floor, side).set_index("location_id")
    place = st.selectbox(
        "Findings at",
        list(points.index),
        index=None,
        # Plain text: a selectbox shows its options as typed, never as Markdown.
        format_func=lambda lid: _place_label(points.loc[lid], data.levels),
        # Not "tap a marker": inside st.plotly_chart a touch tap selects the point hovered before
        # it (Streamlit forces dragmode "pan"), so on a tablet the list is the reliable way.
        placeholder="Choose a place",
        key=place_key,
    )
    if place is not None:
        _render_place(place, data, shown)


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
