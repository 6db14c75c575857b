"""The dashboard page's building blocks: cached frames and figures, the filter panel, the KPI
tiles, the floor-plan map with tap-to-inspect, and the ranked hotspot table.

Everything derived is cached on the audit's version, which the store bumps on every write, so a
rerun at 5,000 findings only redraws. The scored frame is `st.cache_data` (each session gets its
own copy). Figures are `st.cache_resource`: they are never mutated after building (Streamlit's
`plotly_chart` copies them to serialise), and unpickling a 5,000-point figure from `cache_data`
costs about 170 ms a rerun because plotly re-validates it. The
arithmetic lives in `datawalk.dashboard` and the drawing in `datawalk.charts`; this module only
wires them to widgets. User text goes through `widgets.escape_markdown` or into tables, never
into HTML.
"""

from __future__ import annotations

import os
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from datawalk import charts
from datawalk import dashboard as core
from datawalk.checklist import checklist_from_pin
from datawalk.models import Audit, Location
from datawalk.scoring import CLASSIFICATION_NAMES, CLASSIFICATIONS
from datawalk.ui import state, widgets
from datawalk.vocabulary import Checklist, Level

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}
FILTER_KEYS = {
    "classifications": "dash_f_class",
    "levels": "dash_f_level",
    "categories": "dash_f_category",
    "location_types": "dash_f_type",
    "action_statuses": "dash_f_action",
}
SIDE_KEY = "dash_side"
FLOOR_KEY = "dash_floor"
PLACE_KEY = "dash_place"
# What to do comes before the detail; every column is text a leader can read on a tablet.
FINDING_COLUMNS = {
    "rank": "Rank",
    "reference": "Ref",
    "location": "Location",
    "classification_name": "Classification",
    "privacy_level": "Privacy",
    "safeguarding_level": "Safeguarding",
    "recommendation": "Recommendation",
    "action_status_name": "Action",
}


def _url() -> str | None:
    return os.environ.get(state.DATABASE_URL_ENV)


@st.cache_data(max_entries=8, show_spinner="Scoring the walk…")
def _data(
    url: str | None, audit_id: str, version: int, today: date
) -> tuple[pd.DataFrame, list[Location]]:
    """The scored dashboard frame and the locations, built once per audit version and day."""
    store = state.get_store()
    audit = store.get_audit(audit_id)
    checklist = checklist_from_pin(audit.checklist)
    findings = store.list_findings(audit_id)
    locations = store.list_locations(audit_id)
    actions = store.list_actions(audit_id)
    frame = core.dashboard_frame(audit, findings, locations, actions, checklist, today)
    return frame, locations


class DashboardData:
    """One audit's dashboard inputs at one version: the key every cached figure shares."""

    def __init__(self, audit: Audit, checklist: Checklist, today: date | None = None) -> None:
        self.audit = audit
        self.checklist = checklist
        self.today = today or date.today()
        self.version = state.get_store().audit_version(audit.id)
        self.frame, self.locations = _data(_url(), audit.id, self.version, self.today)

    @property
    def key(self) -> tuple[str | None, str, int, date]:
        return (_url(), self.audit.id, self.version, self.today)

    @property
    def levels(self) -> list[Level]:
        return list(self.checklist.scoring.levels) if self.checklist.scoring else []


def _filtered(key: tuple, filters: core.DashboardFilters) -> pd.DataFrame:
    frame, _ = _data(*key)
    return core.filter_frame(frame, filters)


@st.cache_resource(max_entries=32, show_spinner=False)
def _hotspot_figure(
    key: tuple, filters: core.DashboardFilters, side: str, floor_id: str, _data_: DashboardData
) -> go.Figure:
    _, locations = _data(*key)
    points = core.location_points(_filtered(key, filters), locations, side)  # type: ignore[arg-type]
    floor = _data_.audit.floor(floor_id)
    title = floor.name if floor else None
    rows = points[points["floor_id"] == floor_id]
    return charts.build_hotspot_map(rows, _data_.levels, floor.plan if floor else None, title)


@st.cache_resource(max_entries=32, show_spinner=False)
def _quadrant_figure(
    key: tuple, filters: core.DashboardFilters, _data_: DashboardData
) -> go.Figure:
    concern = _data_.checklist.scoring.thresholds.concern_level  # type: ignore[union-attr]
    return charts.build_quadrant(_filtered(key, filters), _data_.levels, concern)


@st.cache_resource(max_entries=32, show_spinner=False)
def _heatmap_figure(
    key: tuple, filters: core.DashboardFilters, side: str, _data_: DashboardData
) -> go.Figure:
    matrix = core.category_matrix(_filtered(key, filters), _data_.checklist, side)  # type: ignore[arg-type]
    return charts.build_heatmap(matrix, _data_.levels)


@st.cache_resource(max_entries=32, show_spinner=False)
def _bars_figure(key: tuple, filters: core.DashboardFilters) -> go.Figure:
    return charts.build_classification_bars(core.classification_by_type(_filtered(key, filters)))


def render_context(audit: Audit) -> None:
    """Scope, limitations and the overall opinion, shown before any chart is read."""
    with st.container(border=True):
        scope_col, opinion_col = st.columns(2)
        with scope_col:
            st.markdown("**Scope and limitations**")
            st.caption(widgets.escape_markdown(audit.scope_limitations or "Not recorded yet."))
        with opinion_col:
            st.markdown("**Overall opinion**")
            st.caption(widgets.escape_markdown(audit.overall_opinion or "Not recorded yet."))


def render_filters(data: DashboardData) -> core.DashboardFilters:
    """The filter panel; the filters apply to every tile, chart and table on the page."""
    checklist = data.checklist
    frame = data.frame
    levels = data.levels
    used_categories = {c for ids in frame["category_ids"] for c in ids}
    categories = {
        c.id: c.name for c in checklist.objects.data_categories if c.id in used_categories
    }
    types = {
        t.id: t.name
        for t in checklist.objects.location_types
        if t.id in set(frame["location_type"])
    }
    with st.expander("Filters", icon=":material/filter_list:", expanded=False):
        classes = st.pills(
            "Classification",
            list(CLASSIFICATIONS),
            selection_mode="multi",
            format_func=CLASSIFICATION_NAMES.__getitem__,
            key=FILTER_KEYS["classifications"],
        )
        chosen_levels = st.pills(
            "Level (the worse of the two sides)",
            list(range(len(levels))),
            selection_mode="multi",
            format_func=lambda i: widgets.escape_markdown(levels[i].name),
            key=FILTER_KEYS["levels"],
        )
        statuses = st.pills(
            "Action status",
            core.action_status_options(),
            selection_mode="multi",
            format_func=core.ACTION_STATUS_NAMES.__getitem__,
            key=FILTER_KEYS["action_statuses"],
        )
        left, right = st.columns(2)
        chosen_categories = left.multiselect(
            "Data category",
            list(categories),
            format_func=categories.__getitem__,
            key=FILTER_KEYS["categories"],
        )
        chosen_types = right.multiselect(
            "Location type",
            list(types),
            format_func=types.__getitem__,
            key=FILTER_KEYS["location_types"],
        )
    return core.DashboardFilters(
        classifications=tuple(classes or ()),
        levels=tuple(chosen_levels or ()),
        categories=tuple(chosen_categories or ()),
        location_types=tuple(chosen_types or ()),
        action_statuses=tuple(statuses or ()),
    )


KPI_COLUMNS = 4  # four tiles a row keep every label whole on an 820 px portrait iPad


def render_kpis(shown: pd.DataFrame, total: int, levels: list[Level]) -> None:
    """The KPI tiles over the filtered findings; levels are named, never only coloured."""
    kpis = core.compute_kpis(shown)
    short = {"both": "Both"}
    tiles: list[tuple[str, object, str]] = [
        ("Findings", kpis.findings, f"{kpis.findings} of {total} shown"),
        *(
            (
                short.get(c, CLASSIFICATION_NAMES[c]),
                kpis.by_classification[c],
                CLASSIFICATION_NAMES[c],
            )
            for c in CLASSIFICATIONS
        ),
        ("Good practice", kpis.good_practice, "Findings marked as good practice"),
        (
            "Top privacy level",
            _level_text(levels, kpis.highest_privacy),
            f"{kpis.highest_privacy_count} finding(s) at this level",
        ),
        (
            "Top safeguarding level",
            _level_text(levels, kpis.highest_safeguarding),
            f"{kpis.highest_safeguarding_count} finding(s) at this level",
        ),
        (
            "Past review date",
            kpis.review_overdue,
            "Displayed information whose review date had passed on the day of the walk",
        ),
        ("Open actions", kpis.open_actions, "Open or in progress"),
        ("Overdue actions", kpis.overdue_actions, "Open and past their due date"),
    ]
    for start in range(0, len(tiles), KPI_COLUMNS):
        columns = st.columns(KPI_COLUMNS)
        row = tiles[start : start + KPI_COLUMNS]  # the last row may be shorter
        for column, (label, value, help_text) in zip(columns, row, strict=False):
            column.metric(label, value, help=help_text)  # type: ignore[arg-type]


def _level_text(levels: list[Level], index: int | None) -> str:
    return "–" if index is None else levels[index].name


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
    data: DashboardData, filters: core.DashboardFilters, side: core.Side, shown: pd.DataFrame
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
        config=CHART_CONFIG,
    )
    st.caption(
        "Colour and label: the worst level at each place; size: number of findings. "
        "Tap a marker, or choose the place below, to see its findings."
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
        placeholder="Tap a marker or choose a place",
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


def _render_place(location_id: str, data: DashboardData, shown: pd.DataFrame) -> None:
    location = next((loc for loc in data.locations if loc.id == location_id), None)
    if location is None:
        return
    rows = core.location_findings(shown, location_id)
    if rows.empty:
        message = "Visited: nothing found here." if location.nothing_found else "No findings shown."
        st.caption(message)
        return
    render_findings_table(rows, data.levels)


def findings_display(rows: pd.DataFrame, levels: list[Level]) -> pd.DataFrame:
    """Return the rows as a table of escaped text: `st.table` renders Markdown in its cells."""
    names = [level.name for level in levels]
    table = rows.assign(
        privacy_level=[names[int(i)] for i in rows["privacy_index"]],
        safeguarding_level=[names[int(i)] for i in rows["safeguarding_index"]],
        action_status_name=rows["action_status"].map(core.ACTION_STATUS_NAMES),
    )
    columns = [column for column in FINDING_COLUMNS if column in table]
    table = table[columns].rename(columns=FINDING_COLUMNS)
    return table.astype(str).map(widgets.escape_markdown)


def render_findings_table(rows: pd.DataFrame, levels: list[Level]) -> None:
    """A wrapped, full-text findings table with level names, recommendation and action status."""
    st.table(findings_display(rows, levels), hide_index=True, border="horizontal")


def render_charts(
    data: DashboardData, filters: core.DashboardFilters, side: core.Side, shown: pd.DataFrame
) -> None:
    """The quadrant, heatmap and bar charts, each with a one-line reading guide."""
    st.subheader("Two sides of each finding", anchor=False)
    st.plotly_chart(_quadrant_figure(data.key, filters, data), config=CHART_CONFIG, key="dash_q")
    st.caption("Each point is a finding, coloured by its worse level; ★ marks good practice.")
    st.subheader("Where each kind of data is at risk", anchor=False)
    if shown.empty:
        st.caption("No findings match the filters.")
    else:
        figure = _heatmap_figure(data.key, filters, side, data)
        st.plotly_chart(figure, config=CHART_CONFIG, key="dash_heatmap")
        st.caption("Each cell: the worst level (as text and colour) and the number of findings.")
    st.subheader("Findings by type of place", anchor=False)
    st.plotly_chart(_bars_figure(data.key, filters), config=CHART_CONFIG, key="dash_bars")


def render_hotspots(shown: pd.DataFrame, levels: list[Level]) -> None:
    """The ten highest-priority findings with what to do and where the action stands."""
    st.subheader("Top hotspots", anchor=False)
    if shown.empty:
        st.caption("No findings match the filters.")
        return
    render_findings_table(core.top_hotspots(shown), levels)
