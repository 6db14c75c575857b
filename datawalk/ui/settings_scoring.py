"""Settings section "Scoring model": how a score arises, for leaders and governors to check.

Shows the level scale, both grids as coloured matrices with every cell's level printed, the
thresholds, the coefficients, and the vocabularies with their weights, all read from the
checklist the audit pinned (or the bundled one when no audit is open). Nothing here computes a
score; the figures come from `datawalk.charts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from datawalk import charts
from datawalk.actions import due_bands
from datawalk.checklist import available_checklists, pin_checklist
from datawalk.checklist.versions import VersionStep, version_step
from datawalk.errors import ChecklistError
from datawalk.models import Audit
from datawalk.scoring.config import stale_review_rows
from datawalk.scoring.rule_table import BUILT_IN_FLOOR, guard_rows, rule_rows
from datawalk.ui import widgets
from datawalk.vocabulary import Checklist, Level, Scoring

TITLE = "Scoring model"
CHART_CONFIG = {"displayModeBar": False}


def render(audit: Audit | None, checklist: Checklist) -> None:
    """The levels, both grids, thresholds and coefficients, then the weighted vocabularies."""
    source = "pinned by this audit" if audit else "bundled with DataWalk"
    st.caption(
        widgets.escape_markdown(f"{checklist.name}, version {checklist.version} ({source}).")
    )
    scoring = checklist.scoring
    if scoring is None:
        st.warning("This checklist has no scoring model.")
        return
    levels = list(scoring.levels)
    st.plotly_chart(charts.build_level_key(levels), config=CHART_CONFIG, key="set_levels")
    _table(
        ({"Level": lv.name, "Colour": lv.colour_name, "Meaning": lv.description} for lv in levels),
        key="set_level_table",
    )
    concern, acceptable = scoring.thresholds.concern_level, scoring.thresholds.acceptable_level
    st.markdown(
        widgets.escape_markdown(
            f"A side is of concern at {levels[concern].name} or above. "
            f"Good practice is commended when both sides are {levels[acceptable].name} or below."
        )
    )
    if audit is not None:
        st.caption(widgets.escape_markdown(pinned_colours_note(checklist, newest_of(checklist))))
    sides = [
        ("Privacy side", scoring.privacy_grid, "Exposure", "Sensitivity", "set_privacy_grid"),
        (
            "Safeguarding side",
            scoring.safeguarding_grid,
            "Availability gap",
            "Need",
            "set_safeguarding_grid",
        ),
    ]
    for column, (title, grid, row_title, column_title, key) in zip(
        st.columns(2), sides, strict=True
    ):
        figure = charts.build_grid_chart(
            grid,
            levels,
            row_title=row_title,
            column_title=column_title,
            row_values=range(len(grid)),
            column_values=range(1, len(grid[0]) + 1),
            title=title,
        )
        column.plotly_chart(figure, config=CHART_CONFIG, key=key)
    _render_coefficients(checklist, scoring)
    _render_stale_review(checklist)
    _render_rules(checklist)
    _render_vocabularies(checklist)


def _render_stale_review(checklist: Checklist) -> None:
    """How a passed review date is graded: a gap of its own, smaller than no information."""
    bands, weights = stale_review_rows(checklist)
    if not bands:
        return
    with st.expander("Passed review dates"):
        st.caption(
            "A display past its review date may be wrong, so it is a gap of its own: the band's "
            "gap times the weight of the finding's most time-critical category, rounded."
        )
        _table(bands, key="set_stale_bands")
        _table(weights, key="set_stale_weights")


def newest_of(checklist: Checklist) -> Checklist | None:
    """The library's newest checklist with the same id, or None when the library cannot say."""
    try:
        same = [c for c in available_checklists() if c.id == checklist.id]
    except ChecklistError:
        return None  # a broken library is reported where checklists are added
    return max(same, key=lambda c: c.version, default=None)


def pinned_colours_note(pinned: Checklist, newest: Checklist | None) -> str:
    """Say that an audit keeps the level colours and grids it pinned until it is rescored, and
    when a newer version of its checklist has different ones."""
    note = (
        f"This audit keeps the levels, colours and grids of checklist version {pinned.version}, "
        "which it was started with, until it is rescored."
    )
    if newest is None or newest.scoring is None:
        return note
    if version_step(pin_checklist(pinned), pin_checklist(newest)) is not VersionStep.NEWER:
        return note
    if pinned.scoring and _looks(newest.scoring.levels) != _looks(pinned.scoring.levels):
        return (
            f"{note} Version {newest.version} has other level colours "
            f"({', '.join(f'{lv.name}: {lv.colour_name}' for lv in newest.scoring.levels)}); "
            f"rescore with version {newest.version} to use them."
        )
    return note


def _looks(levels: Iterable[Level]) -> list[tuple[str, str, str]]:
    return [(lv.name, lv.hexcolor.upper(), lv.colour_name) for lv in levels]


def _table(rows: Iterable[Mapping[str, Any]], *, key: str) -> None:
    st.dataframe(pd.DataFrame(list(rows)), hide_index=True, key=key)


def _render_coefficients(checklist: Checklist, scoring: Scoring) -> None:
    with st.expander("How exposure, need, gap and priority are computed"):
        for title, values in (("Exposure", scoring.exposure), ("Availability gap", scoring.gap)):
            st.markdown(f"**{title}**")
            rows = ({"Coefficient": k, "Value": v} for k, v in values.model_dump().items())
            _table(rows, key=f"set_{title}")
        if scoring.need.lookup:
            st.markdown("**Need (severity × time-criticality)**")
            frame = pd.DataFrame(scoring.need.lookup).T
            frame.index.name = "Severity"
            st.dataframe(frame, key="set_need_lookup")
        st.markdown("**Priority**")
        weights = scoring.priority.model_dump(exclude={"due_days"})
        _table(({"Term": k, "Weight": v} for k, v in weights.items()), key="set_priority")
        st.markdown("**When a default action is due**")
        _table(
            (
                {"Priority at least": min_priority, "Days after the walk": days}
                for min_priority, days in due_bands(checklist)
            ),
            key="set_due_days",
        )


def _render_rules(checklist: Checklist) -> None:
    """Each recommended step: when, where, who keeps the information after it; then the guards
    and the floor no checklist can lower."""
    with st.expander("Recommendations: when each step is advised"):
        st.caption(
            "A step is advised when all its conditions hold, only where the place has what it "
            "names, and only if the people listed can still reach the information after it."
        )
        _table(rule_rows(checklist), key="set_rules")
    with st.expander("Guards: what is never advised"):
        for line in BUILT_IN_FLOOR:
            st.markdown(f"- {widgets.escape_markdown(line)}")
        _table(guard_rows(checklist), key="set_guards")


def _render_vocabularies(checklist: Checklist) -> None:
    objects = checklist.objects
    label = checklist.label
    with st.expander("Who sees or needs it (audiences)"):
        _table(
            (
                {
                    "Audience": a.name,
                    "Exposure weight (sees without need)": a.breadth,
                    "Need weight (cannot reach)": a.need_weight,
                    "Can need it": "yes" if a.can_need else "no",
                    "Includes": ", ".join(label("audiences", c) for c in a.contains),
                }
                for a in objects.audiences
            ),
            key="set_audiences",
        )
    with st.expander("Identifiability and detail"):
        _table(({"Identifiability": t.name, "Weight": t.weight} for t in objects.identifiability),
               key="set_identifiability")  # fmt: skip
        _table(({"Detail level": t.name, "Weight": t.weight} for t in objects.detail_levels),
               key="set_detail")  # fmt: skip
    with st.expander("Controls"):
        _table(
            (
                {
                    "Control": c.name,
                    "Exposure reduction": c.reduction,
                    "Locks away": c.locks_away,
                    "Applies to": ", ".join(label("data_categories", i) for i in c.applies_to)
                    or "any",
                }
                for c in objects.controls
            ),
            key="set_controls",
        )
    with st.expander("Data categories"):
        _table(
            (
                {
                    "Category": c.name,
                    "Sensitivity": c.sensitivity,
                    "Special category": c.special_category,
                    "Severity": label("severities", c.severity),
                    "Time-criticality": label("time_criticalities", c.time_criticality),
                    "Needed by": ", ".join(label("audiences", a) for a in c.needed_by),
                }
                for c in objects.data_categories
            ),
            key="set_categories",
        )
