"""Dashboard of a re-walk: since last walk (per location, both sides' worst levels, direction and
counts), a floor plan coloured by change, and the trend across the school's walks.

Built from `datawalk.rewalk` (no scoring here); read once per audit version.
"""

from __future__ import annotations

import streamlit as st

from datawalk.charts.trend import build_trend_chart
from datawalk.models import Audit
from datawalk.plan_image import draw_plan_markers
from datawalk.plan_markers import change_markers
from datawalk.rewalk import history
from datawalk.rewalk.compare import (
    BETTER,
    NOT_CHECKED,
    SAME,
    WORSE,
    Comparison,
    comparison_display,
    not_checked_list,
)
from datawalk.rewalk.summary import WalkSummary
from datawalk.ui import state, widgets
from datawalk.vocabulary import Checklist

FLOOR_KEY = "since_floor"
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}
MISSING_NOTE = (
    "The previous walk is not held here (deleted at the end of its retention, or only this walk "
    "was restored), so links to it are marked missing. The comparison uses the copies of its "
    "findings carried with this walk."
)


@st.cache_resource(max_entries=8, show_spinner="Comparing with the last walk…")
def _comparison(url: str | None, audit_id: str, version: int) -> Comparison | None:
    reads = state.reads()
    audit = reads.get_audit(audit_id)
    if audit.previous_audit_id is None:
        return None  # a first walk: nothing to compare, and no reason to score it here
    # The scored table the dashboard holds for this version: a save scores the audit once.
    table = state.scored_audit_table(audit)
    return history.comparison_for(reads, audit, state.get_checklist_for(audit), table)


@st.cache_resource(max_entries=8, show_spinner="Reading the school's walks…")
def _walks(url: str | None, audit_id: str, versions: tuple) -> list[WalkSummary]:
    reads = state.reads()
    return history.school_walks(reads, reads.get_audit(audit_id), _summary_of)


@st.cache_resource(max_entries=16, show_spinner=False)
def _summary(url: str | None, audit_id: str, version: int) -> WalkSummary:
    """One held walk's summary, once per audit version, from the scored table the dashboard
    already holds: a save rescores the audit once, not once more for the trend."""
    reads = state.reads()
    audit = reads.get_audit(audit_id)
    checklist = state.get_checklist_for(audit)
    return history.summary_of(reads, audit, checklist, state.scored_audit_table(audit))


def _summary_of(audit: Audit) -> WalkSummary:
    return _summary(state.database_url(), audit.id, state.reads().audit_version(audit.id))


def comparison_of(audit: Audit) -> Comparison | None:
    url = state.database_url()
    return _comparison(url, audit.id, state.reads().audit_version(audit.id))


def walks_of(audit: Audit) -> list[WalkSummary]:
    """The school's walks for the trend; re-read when any audit changes."""
    versions = tuple((row.id, row.updated_at) for row in state.reads().list_audits())
    return _walks(state.database_url(), audit.id, versions)


def _render_totals(comparison: Comparison) -> None:
    totals = comparison.totals()
    tiles = [
        ("Worse", totals[WORSE], "locations"),
        ("Better", totals[BETTER], "locations"),
        ("Same", totals[SAME], "locations"),
        ("Not checked", totals[NOT_CHECKED], "locations"),
        ("New", totals["new"], "findings"),
        ("Resolved", totals["resolved"], "findings"),
        ("Persisting", totals["persisting"], "findings"),
    ]
    with st.container(horizontal=True, wrap=True, key="since_totals"):
        for label, value, unit in tiles:
            st.metric(f"{label} ({unit})", value, border=True, width=150)


def _render_plan(audit: Audit, comparison: Comparison) -> None:
    floors = [f for f in sorted(audit.site.floors, key=lambda f: f.order)]
    if not floors:
        return
    names = {floor.id: floor.name for floor in floors}
    floor_id = st.segmented_control(
        "Floor", list(names), format_func=names.__getitem__, default=floors[0].id,
        key=FLOOR_KEY, required=True,
    )  # fmt: skip
    floor = audit.floor(floor_id or floors[0].id)
    rows = comparison.rows[comparison.rows["floor_id"] == floor.id]
    markers = change_markers(rows, state.locations_of(audit))
    jpeg = draw_plan_markers(floor.plan, markers)
    widgets.private_image(jpeg, media_type="image/jpeg", width="stretch")
    st.caption(
        "Each place's worst level against last walk: Worse (vermillion diamond), Better (green), "
        "Same (grey), Not checked (hollow). Places not placed on the plan are in the table."
    )


def render_since_last_walk(audit: Audit, checklist: Checklist) -> None:
    """The since-last-walk panel, the plan coloured by change and the trend (re-walks only)."""
    comparison = comparison_of(audit)
    trend = history.school_walk_count(state.reads(), audit) >= 2
    if comparison is None and not trend:
        return
    st.subheader("Since last walk", anchor=False)
    if comparison is not None:
        if history.previous_walk_link(state.reads(), audit) == history.MISSING:
            st.info(MISSING_NOTE, icon=":material/link_off:")
        if comparison.note:
            st.caption(comparison.note)
        _render_totals(comparison)
        st.dataframe(comparison_display(comparison), hide_index=True, width="stretch",
                     key="since_table")  # fmt: skip
        skipped = not_checked_list(state.locations_of(audit), state.reads().rewalk_record(audit.id))
        if skipped:
            st.markdown("**Not checked this time** (listed in scope and limitations)")
            st.caption(widgets.escape_markdown("; ".join(skipped)))
        _render_plan(audit, comparison)
    if trend:
        walks = walks_of(audit)
        levels = list(checklist.scoring.levels) if checklist.scoring else []
        figure = build_trend_chart(walks, levels, "Locations by worst level, walk by walk")
        st.plotly_chart(figure, config=CHART_CONFIG, key="since_trend")
        st.caption(
            "Each walk as scored with its own checklist version. A walk whose records reached "
            "the end of their retention keeps only its counts and worst levels per location."
        )
