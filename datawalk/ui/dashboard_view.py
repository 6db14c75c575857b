"""The dashboard page's building blocks: cached frames and figures, the filter panel, the KPI
tiles, the charts and the ranked hotspot table. The floor-plan map is in `dashboard_map`.

Everything derived is cached on the audit's version, which the store bumps on every write, so a
rerun at 5,000 findings only redraws. The scored frame is `st.cache_resource`, read-only (a
`st.cache_data` copy cost a pickle round trip of 5,000 rows on every rerun). Figures are
`st.cache_resource`: they are never mutated after building (Streamlit's
`plotly_chart` copies them to serialise), and unpickling a 5,000-point figure from `cache_data`
costs about 170 ms a rerun because plotly re-validates it. The
arithmetic lives in `datawalk.dashboard` and the drawing in `datawalk.charts`; this module only
wires them to widgets. User text goes through `widgets.escape_markdown` or into tables, never
into HTML.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from datawalk import charts
from datawalk import dashboard as core
from datawalk.checklist import checklist_of_stored_pin
from datawalk.errors import ChecklistError
from datawalk.models import Audit, Location
from datawalk.scored_table import RANK_TIE_BREAK
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
# What to do comes before the detail; every column is text a leader can read on a tablet.
FINDING_COLUMNS = {
    "rank_label": "Rank",
    "reference": "Ref",
    "location": "Location",
    "classification_name": "Classification",
    "privacy_level": "Privacy",
    "safeguarding_level": "Safeguarding",
    "recommendation": "Recommendation",
    "action_status_name": "Action",
}


def _url() -> str | None:
    return state.database_url()


@st.cache_resource(max_entries=8, show_spinner="Scoring the walk…")
def _data(
    url: str | None, audit_id: str, version: int, today: date
) -> tuple[pd.DataFrame, list[Location]]:
    """The scored dashboard frame and the locations, built once per audit version and day.

    Shared read-only, like the scored table it joins the actions onto: everything the page
    does with it (filtering, sorting, assigning display columns) makes a new frame."""
    reads = state.reads()
    audit = reads.get_audit(audit_id)
    checklist = checklist_of_stored_pin(audit.checklist)
    locations = reads.list_locations(audit_id)
    table = state.scored_audit_table(audit)
    if checklist.scoring is None and len(table):
        raise ChecklistError([f"checklist {checklist.id!r} has no scoring section"])
    frame = core.with_actions(table, reads.list_actions(audit_id), today)
    return frame, locations


class DashboardData:
    """One audit's dashboard inputs at one version: the key every cached figure shares."""

    def __init__(self, audit: Audit, checklist: Checklist, today: date | None = None) -> None:
        self.audit = audit
        self.checklist = checklist
        self.today = today or date.today()
        self.version = state.reads().audit_version(audit.id)
        self.frame, self.locations = _data(_url(), audit.id, self.version, self.today)

    @property
    def key(self) -> tuple[str | None, str, int, date]:
        return (_url(), self.audit.id, self.version, self.today)

    @property
    def levels(self) -> list[Level]:
        return list(self.checklist.scoring.levels) if self.checklist.scoring else []


def filtered(key: tuple, filters: core.DashboardFilters) -> pd.DataFrame:
    """The dashboard frame of `key` narrowed by `filters` (used inside cached figure builders)."""
    frame, _ = _data(*key)
    return core.filter_frame(frame, filters)


@st.cache_resource(max_entries=32, show_spinner=False)
def _quadrant_figure(
    key: tuple, filters: core.DashboardFilters, _data_: DashboardData
) -> go.Figure:
    concern = _data_.checklist.scoring.thresholds.concern_level  # type: ignore[union-attr]
    return charts.build_quadrant(filtered(key, filters), _data_.levels, concern)


@st.cache_resource(max_entries=32, show_spinner=False)
def _heatmap_figure(
    key: tuple, filters: core.DashboardFilters, side: str, _data_: DashboardData
) -> go.Figure:
    matrix = core.category_matrix(filtered(key, filters), _data_.checklist, side)  # type: ignore[arg-type]
    return charts.build_heatmap(matrix, _data_.levels)


@st.cache_resource(max_entries=32, show_spinner=False)
def _bars_figure(key: tuple, filters: core.DashboardFilters) -> go.Figure:
    return charts.build_classification_bars(core.classification_by_type(filtered(key, filters)))


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
    used_types = set(frame["location_type"])
    types = {t.id: t.name for t in checklist.objects.location_types if t.id in used_types}
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
    """The ten highest-priority findings that need action, with what to do and where the action
    stands; proportionate findings and good practice are never listed as hotspots."""
    st.subheader("Top hotspots", anchor=False)
    if shown.empty:
        st.caption("No findings match the filters.")
        return
    top = core.top_hotspots(shown)
    st.caption(hotspots_note(len(top)), help=RANK_TIE_BREAK)
    if not top.empty:
        render_findings_table(top, levels)


def hotspots_note(listed: int) -> str:
    """Say what the hotspot list holds, and why it is short when fewer than ten need action."""
    left_out = "Proportionate findings and good practice need no action and are not listed."
    if listed == 0:
        return f"No finding shown needs action. {left_out}"
    if listed < core.TOP_HOTSPOTS:
        return f"Only {listed} finding(s) shown need action, so only they are listed. {left_out}"
    return f"The {listed} findings that most need action, highest priority first."
