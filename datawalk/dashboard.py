"""The leadership dashboard's numbers: one scored row per finding, the filters, and the frames the
charts draw (KPI counts, per-location worst levels, the location × category matrix, the bars by
location type and the ranked hotspots).

Pure pandas over already-loaded domain objects: it never imports streamlit, never touches the
database and never draws. Scores come from `datawalk.scoring` with the audit's pinned checklist as
of its walk date, so the dashboard reads the same as every other view of the walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from datawalk.actions import CLOSED_STATUSES, STATUS_LABELS, is_overdue, needing_action
from datawalk.errors import ChecklistError
from datawalk.models import Action, ActionStatus, Audit, Finding, Location
from datawalk.scored_table import COLUMNS as SCORED_TABLE_COLUMNS
from datawalk.scored_table import scored_table
from datawalk.scoring import CLASSIFICATIONS
from datawalk.vocabulary import Checklist

Side = Literal["privacy", "safeguarding", "worst"]
SIDES: tuple[Side, ...] = ("privacy", "safeguarding", "worst")
SIDE_NAMES: dict[Side, str] = {
    "privacy": "Privacy side",
    "safeguarding": "Safeguarding side",
    "worst": "Worse of the two",
}
SIDE_COLUMNS: dict[Side, str] = {
    "privacy": "privacy_index",
    "safeguarding": "safeguarding_index",
    "worst": "worst_index",
}
NO_ACTION = "none"
ACTION_STATUS_NAMES: dict[str, str] = {
    **{status.value: label for status, label in STATUS_LABELS.items()},
    NO_ACTION: "No action",
}
TOP_HOTSPOTS = 10

# The audit's scored table with each finding's governing action joined on.
COLUMNS = [*SCORED_TABLE_COLUMNS, "action_id", "action_status", "action_overdue"]


@dataclass(frozen=True)
class DashboardFilters:
    """What the page narrows to; an empty tuple means "any". Hashable, so it can key a cache."""

    classifications: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()  # level indices, matched against the worse of the two sides
    categories: tuple[str, ...] = ()
    location_types: tuple[str, ...] = ()
    action_statuses: tuple[str, ...] = ()  # ActionStatus values or NO_ACTION

    def is_empty(self) -> bool:
        return not any(getattr(self, item.name) for item in fields(self))


@dataclass(frozen=True)
class Kpis:
    """The tiles at the top of the dashboard, over the filtered findings."""

    findings: int
    by_classification: dict[str, int]
    good_practice: int
    highest_privacy: int | None  # level index, None without findings
    highest_privacy_count: int
    highest_safeguarding: int | None
    highest_safeguarding_count: int
    review_overdue: int
    open_actions: int
    overdue_actions: int


def dashboard_frame(
    audit: Audit,
    findings: Sequence[Finding],
    locations: Iterable[Location],
    actions: Iterable[Action],
    checklist: Checklist,
    today: date,
) -> pd.DataFrame:
    """Return one scored row per finding with everything the dashboard filters on and draws.

    `today` decides which actions are overdue; scores (and "past review date") are as of the
    walk date, like every other view of the audit.

    Raises:
        ChecklistError: the pinned checklist has no scoring section.
        ValidationError: a finding uses an id the checklist does not define.
    """
    if not findings:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    if checklist.scoring is None:
        raise ChecklistError([f"checklist {checklist.id!r} has no scoring section"])
    return with_actions(scored_table(audit, findings, locations, checklist), actions, today)


def with_actions(table: pd.DataFrame, actions: Iterable[Action], today: date) -> pd.DataFrame:
    """The audit's scored table (`datawalk.scored_table`) with each finding's governing action
    joined on: the dashboard's frame, made from the table pages already hold."""
    best_action = _action_per_finding(actions)
    chosen = [best_action.get(finding_id) for finding_id in table["id"]]
    frame = table.copy()
    frame["action_id"] = [action.id if action else None for action in chosen]
    frame["action_status"] = [action.status.value if action else NO_ACTION for action in chosen]
    frame["action_overdue"] = [bool(action and is_overdue(action, today)) for action in chosen]
    return frame.reindex(columns=COLUMNS)


def _action_per_finding(actions: Iterable[Action]) -> dict[str, Action]:
    """Each finding's governing action: a still-open one before a closed one, then by priority.

    Merged actions cover several findings; a finding covered twice (mid-merge) shows the action
    that still needs doing, so the dashboard never reports done while work remains.
    """
    ordered = sorted(actions, key=lambda a: (a.status in CLOSED_STATUSES, -a.priority, a.id))
    chosen: dict[str, Action] = {}
    for action in ordered:
        for finding_id in action.finding_ids:
            chosen.setdefault(finding_id, action)
    return chosen


def filter_frame(frame: pd.DataFrame, filters: DashboardFilters) -> pd.DataFrame:
    """Return the rows matching every non-empty filter (any chosen value within one filter)."""
    if filters.is_empty() or frame.empty:
        return frame
    mask = np.ones(len(frame), dtype=bool)
    if filters.classifications:
        mask &= frame["classification"].isin(filters.classifications).to_numpy()
    if filters.levels:
        mask &= frame["worst_index"].isin(filters.levels).to_numpy()
    if filters.categories:
        wanted = set(filters.categories)
        mask &= np.fromiter(
            (not wanted.isdisjoint(ids) for ids in frame["category_ids"]), bool, len(frame)
        )
    if filters.location_types:
        mask &= frame["location_type"].isin(filters.location_types).to_numpy()
    if filters.action_statuses:
        mask &= frame["action_status"].isin(filters.action_statuses).to_numpy()
    return frame[mask]


def compute_kpis(frame: pd.DataFrame) -> Kpis:
    """Return the tile figures; actions count once each even when they cover several findings."""
    counts = frame["classification"].value_counts()
    actioned = frame.dropna(subset=["action_id"]).drop_duplicates("action_id")
    still_open = ~actioned["action_status"].isin([s.value for s in CLOSED_STATUSES])
    privacy, privacy_n = _highest(frame["privacy_index"])
    safeguarding, safeguarding_n = _highest(frame["safeguarding_index"])
    return Kpis(
        findings=len(frame),
        by_classification={c: int(counts.get(c, 0)) for c in CLASSIFICATIONS},
        good_practice=int(frame["good_practice"].astype(bool).sum()),
        highest_privacy=privacy,
        highest_privacy_count=privacy_n,
        highest_safeguarding=safeguarding,
        highest_safeguarding_count=safeguarding_n,
        review_overdue=int(frame["review_overdue"].astype(bool).sum()),
        open_actions=int(still_open.sum()),
        overdue_actions=int(actioned["action_overdue"].astype(bool).sum()),
    )


def _highest(levels: pd.Series) -> tuple[int | None, int]:
    if levels.empty:
        return None, 0
    top = int(levels.max())
    return top, int((levels == top).sum())


def location_points(frame: pd.DataFrame, locations: Iterable[Location], side: Side) -> pd.DataFrame:
    """Return one row per location: position, number of (filtered) findings and worst level.

    Columns: location_id, name, floor_id, x, y (normalised 0–1, NaN when not placed), findings,
    level (index on `side`, NaN without findings), nothing_found. A location visited with nothing
    found keeps its row, so the map can show it was checked.
    """
    column = SIDE_COLUMNS[side]
    grouped = frame.groupby("location_id")[column].agg(["size", "max"])
    rows = []
    for location in locations:
        has = location.id in grouped.index
        rows.append(
            {
                "location_id": location.id,
                "name": location.name,
                "floor_id": location.floor_id,
                "x": location.position.x if location.position else np.nan,
                "y": location.position.y if location.position else np.nan,
                "findings": int(grouped.at[location.id, "size"]) if has else 0,
                "level": float(grouped.at[location.id, "max"]) if has else np.nan,
                "nothing_found": location.nothing_found,
            }
        )
    columns = ["location_id", "name", "floor_id", "x", "y", "findings", "level", "nothing_found"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Matrix:
    """Location × data category: worst level index (NaN where empty) and number of findings."""

    levels: pd.DataFrame
    counts: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.levels.empty


def category_matrix(frame: pd.DataFrame, checklist: Checklist, side: Side = "worst") -> Matrix:
    """Return the heatmap matrix, rows labelled by location and columns by category name.

    Rows are ordered worst first (then by count and name) so hotspots lead; columns follow the
    checklist's order. A finding with two categories counts in both columns.
    """
    column = SIDE_COLUMNS[side]
    exploded = frame[["location_id", "location", "category_ids", column]].explode("category_ids")
    if exploded.empty:
        return Matrix(pd.DataFrame(), pd.DataFrame())
    exploded["row"] = _row_labels(frame).reindex(exploded["location_id"]).to_numpy()
    grouped = exploded.groupby(["row", "category_ids"])[column]
    levels = grouped.max().unstack().astype(float)
    counts = grouped.size().unstack().fillna(0).astype(int)
    order = [c.id for c in checklist.objects.data_categories if c.id in levels.columns]
    order += sorted(set(levels.columns) - set(order))
    rank = pd.DataFrame(
        {"worst": levels.max(axis=1), "n": counts.sum(axis=1), "name": levels.index}
    ).sort_values(["worst", "n", "name"], ascending=[False, False, True])
    names = {c: checklist.label("data_categories", c) for c in order}
    levels = levels.loc[rank.index, order].rename(columns=names)
    counts = counts.loc[rank.index, order].rename(columns=names)
    return Matrix(levels, counts)


def _row_labels(frame: pd.DataFrame) -> pd.Series:
    """Location names by id; a name used twice gets its short id so rows never merge."""
    names = frame.drop_duplicates("location_id").set_index("location_id")["location"]
    repeated = names.duplicated(keep=False)
    suffix = pd.Series(names.index.str[:4], index=names.index)
    return names.where(~repeated, names + " (" + suffix + ")")


def classification_by_type(frame: pd.DataFrame) -> pd.DataFrame:
    """Return findings counted by location type (rows, busiest first) × classification."""
    table = pd.crosstab(frame["location_type_name"], frame["classification"])
    table = table.reindex(columns=list(CLASSIFICATIONS), fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=True, kind="stable").index]
    table.index.name = "location_type"
    return table


def top_hotspots(frame: pd.DataFrame, count: int = TOP_HOTSPOTS) -> pd.DataFrame:
    """Return the `count` most urgent findings that need action, in the scored table's rank
    order (see `datawalk.scored_table.rank_findings`), with recommendation and action status;
    fewer when fewer need action."""
    # A proportionate or good-practice finding needs nothing doing: never read as a hotspot.
    wanted = frame[needing_action(frame)]
    ranked = wanted.sort_values("rank", kind="stable").head(count).reset_index(drop=True)
    ranked["action_status_name"] = ranked["action_status"].map(ACTION_STATUS_NAMES)
    return ranked


def location_findings(frame: pd.DataFrame, location_id: str) -> pd.DataFrame:
    """Return one location's findings, highest priority first (what a tapped marker shows)."""
    rows = frame[frame["location_id"] == location_id]
    return rows.sort_values("priority", ascending=False, kind="stable")


def action_status_options() -> list[str]:
    """Return the action-status filter values: every status, then "no action"."""
    return [status.value for status in ActionStatus] + [NO_ACTION]
