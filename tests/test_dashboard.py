"""The dashboard's numbers, checked against the scoring module and the raw findings of the
fictional sample walk (never against hard-coded results)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from datawalk import dashboard as core
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist, pin_checklist
from datawalk.models import Action, ActionStatus, AuditDocument
from datawalk.samples import sample_document
from datawalk.scoring import CLASSIFICATIONS, score_findings, walk_date

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def walk() -> tuple[AuditDocument, object]:
    """The sample walk re-pinned to the bundled checklist, and that checklist."""
    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    document = sample_document()
    audit = document.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return document.model_copy(update={"audit": audit}), checklist


@pytest.fixture(scope="module")
def frame(walk):
    document, checklist = walk
    return core.dashboard_frame(
        document.audit, document.findings, document.locations, document.actions, checklist, TODAY
    )


@pytest.fixture(scope="module")
def scores(walk):
    document, checklist = walk
    places = {location.id: location.location_type for location in document.locations}
    scored = score_findings(
        document.findings, checklist, today=walk_date(document.audit), places=places
    )
    return {score.finding_id: score for score in scored}


def _level_ids(checklist) -> list[str]:
    return [level.id for level in checklist.scoring.levels]


def test_one_row_per_finding_with_the_scoring_modules_levels(walk, frame, scores):
    _, checklist = walk
    ids = _level_ids(checklist)
    assert len(frame) == len(scores)
    for row in frame.itertuples():
        score = scores[row.id]
        assert ids[row.privacy_index] == score.privacy_level
        assert ids[row.safeguarding_index] == score.safeguarding_level
        assert row.worst_index == max(row.privacy_index, row.safeguarding_index)
        assert row.classification == score.classification
        assert row.priority == pytest.approx(score.priority)
        assert row.first_reason == score.reasons[0]


def test_recommendation_is_the_first_recommended_action_or_the_commendation(frame, scores):
    for row in frame.itertuples():
        score = scores[row.id]
        expected = score.recommendations[0].action if score.recommendations else score.commendation
        assert row.recommendation == expected


def test_each_finding_shows_its_governing_action(walk, frame):
    document, _ = walk
    covering = {fid: a for a in document.actions for fid in a.finding_ids}
    for row in frame.itertuples():
        action = covering.get(row.id)
        assert row.action_status == (action.status.value if action else core.NO_ACTION)
        assert row.action_overdue == bool(
            action
            and action.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
            and action.due_date < TODAY
        )


def test_an_open_action_wins_over_a_closed_one_covering_the_same_finding(walk):
    document, checklist = walk
    finding = document.findings[0]
    done = Action(audit_id=document.audit.id, finding_ids=[finding.id], status="done", priority=9)
    still_open = Action(audit_id=document.audit.id, finding_ids=[finding.id], priority=1)
    frame = core.dashboard_frame(
        document.audit, [finding], document.locations, [done, still_open], checklist, TODAY
    )
    assert frame.loc[0, "action_id"] == still_open.id


@pytest.mark.parametrize(
    ("field", "column", "pick"),
    [
        ("classifications", "classification", lambda f: (f["classification"].iloc[0],)),
        ("levels", "worst_index", lambda f: (int(f["worst_index"].max()),)),
        ("location_types", "location_type", lambda f: tuple(f["location_type"].unique()[:2])),
        ("action_statuses", "action_status", lambda f: ("open", core.NO_ACTION)),
    ],
)
def test_each_filter_keeps_exactly_the_matching_rows(frame, field, column, pick):
    chosen = pick(frame)
    shown = core.filter_frame(frame, core.DashboardFilters(**{field: chosen}))
    expected = {row.id for row in frame.itertuples() if getattr(row, column) in chosen}
    assert set(shown["id"]) == expected
    assert 0 < len(shown) < len(frame)


def test_category_filter_matches_any_chosen_category(walk, frame):
    document, _ = walk
    chosen = ("anaphylaxis_aai", "child_protection")
    shown = core.filter_frame(frame, core.DashboardFilters(categories=chosen))
    expected = {f.id for f in document.findings if set(chosen) & set(f.categories)}
    assert set(shown["id"]) == expected


def test_filters_combine_with_and(frame):
    filters = core.DashboardFilters(classifications=("over_exposed",), levels=(4,))
    shown = core.filter_frame(frame, filters)
    expected = frame[(frame["classification"] == "over_exposed") & (frame["worst_index"] == 4)]
    assert set(shown["id"]) == set(expected["id"])
    assert core.filter_frame(frame, core.DashboardFilters()) is frame


def test_kpis_count_the_findings_classifications_and_actions(walk, frame, scores):
    document, _ = walk
    kpis = core.compute_kpis(frame)
    assert kpis.findings == len(document.findings)
    counts = Counter(score.classification for score in scores.values())
    assert kpis.by_classification == {c: counts.get(c, 0) for c in CLASSIFICATIONS}
    assert kpis.good_practice == sum(f.good_practice for f in document.findings)
    day = walk_date(document.audit)
    assert kpis.review_overdue == sum(
        f.review_date is not None and f.review_date < day for f in document.findings
    )
    open_actions = [a for a in document.actions if a.status in ("open", "in_progress")]
    assert kpis.open_actions == len(open_actions)
    assert kpis.overdue_actions == sum(a.due_date < TODAY for a in open_actions)


def test_kpis_highest_levels_and_how_many_reach_them(frame):
    kpis = core.compute_kpis(frame)
    assert kpis.highest_privacy == frame["privacy_index"].max()
    assert kpis.highest_privacy_count == (frame["privacy_index"] == kpis.highest_privacy).sum()
    top = frame["safeguarding_index"].max()
    assert kpis.highest_safeguarding_count == (frame["safeguarding_index"] == top).sum()


def test_kpis_count_an_action_covering_several_findings_once(walk, frame):
    merged = frame["action_id"].dropna()
    assert merged.duplicated().any(), "the sample has a merged action"
    kpis = core.compute_kpis(frame)
    still_open = frame.dropna(subset=["action_id"]).drop_duplicates("action_id")
    assert kpis.open_actions == still_open["action_status"].isin(["open", "in_progress"]).sum()


def test_kpis_of_an_empty_selection(frame):
    kpis = core.compute_kpis(frame.iloc[0:0])
    assert kpis.findings == 0
    assert kpis.highest_privacy is None
    assert kpis.open_actions == 0


@pytest.mark.parametrize("side", core.SIDES)
def test_location_points_give_each_location_its_worst_level_and_count(walk, frame, side):
    document, _ = walk
    points = core.location_points(frame, document.locations, side).set_index("location_id")
    assert set(points.index) == {location.id for location in document.locations}
    column = core.SIDE_COLUMNS[side]
    for location in document.locations:
        rows = frame[frame["location_id"] == location.id]
        point = points.loc[location.id]
        assert point["findings"] == len(rows)
        if rows.empty:
            assert np.isnan(point["level"])
        else:
            assert point["level"] == rows[column].max()
        assert point["x"] == location.position.x


def test_a_location_with_nothing_found_is_kept_as_visited(walk, frame):
    document, _ = walk
    visited = [loc for loc in document.locations if loc.nothing_found]
    assert visited
    points = core.location_points(frame, document.locations, "worst").set_index("location_id")
    for location in visited:
        assert points.loc[location.id, "findings"] == 0
        assert points.loc[location.id, "nothing_found"]


def test_unplaced_locations_have_no_coordinates(walk, frame):
    document, _ = walk
    moved = [document.locations[0].model_copy(update={"position": None}), document.locations[1]]
    points = core.location_points(frame, moved, "worst")
    assert np.isnan(points.loc[0, "x"]) and np.isnan(points.loc[0, "y"])
    assert points.loc[1, "x"] == pytest.approx(document.locations[1].position.x)


def test_category_matrix_counts_every_category_of_every_finding(walk, frame):
    document, checklist = walk
    matrix = core.category_matrix(frame, checklist, "worst")
    assert matrix.counts.to_numpy().sum() == sum(len(f.categories) for f in document.findings)
    names = {c.id: c.name for c in checklist.objects.data_categories}
    by_name = {location.id: location.name for location in document.locations}
    for finding in document.findings:
        row = frame[frame["id"] == finding.id].iloc[0]
        for category in finding.categories:
            cell = matrix.levels.loc[by_name[finding.location_id], names[category]]
            assert cell >= row["worst_index"]


def test_category_matrix_rows_put_the_worst_places_first(walk, frame):
    _, checklist = walk
    worst = core.category_matrix(frame, checklist, "privacy").levels.max(axis=1).to_list()
    assert worst == sorted(worst, reverse=True)


def test_category_matrix_columns_follow_the_checklist(walk, frame):
    _, checklist = walk
    columns = list(core.category_matrix(frame, checklist).levels.columns)
    order = [c.name for c in checklist.objects.data_categories]
    assert columns == [name for name in order if name in columns]


def test_category_matrix_keeps_two_places_with_the_same_name_apart(walk, frame):
    _, checklist = walk
    twins = frame.copy()
    first, second = twins["location_id"].unique()[:2]
    twins.loc[twins["location_id"].isin([first, second]), "location"] = "Room"
    matrix = core.category_matrix(twins, checklist)
    assert sum(str(label).startswith("Room") for label in matrix.levels.index) == 2


def test_classification_by_type_adds_up(frame):
    table = core.classification_by_type(frame)
    assert list(table.columns) == list(CLASSIFICATIONS)
    assert table.to_numpy().sum() == len(frame)
    for name, row in table.iterrows():
        rows = frame[frame["location_type_name"] == name]
        assert row.to_dict() == {c: (rows["classification"] == c).sum() for c in CLASSIFICATIONS}


def test_top_hotspots_are_the_ten_highest_priorities_that_need_action(frame):
    top = core.top_hotspots(frame)
    needing = frame[frame["classification"] != "proportionate"]
    assert len(needing) > 10
    assert list(top["rank"]) == list(range(1, 11))
    assert list(top["priority"]) == sorted(needing["priority"], reverse=True)[:10]
    assert set(top["action_status_name"]) <= set(core.ACTION_STATUS_NAMES.values())


def test_top_hotspots_never_list_proportionate_findings_or_good_practice(frame):
    """With fewer than ten needing action, the list is shorter rather than padded with
    proportionate findings, which a head teacher would read as problems."""
    proportionate = frame[frame["classification"] == "proportionate"]
    assert len(proportionate) > 0 and proportionate["good_practice"].any()
    needing = frame[frame["classification"] != "proportionate"].head(3)
    few = pd.concat([needing, proportionate])
    top = core.top_hotspots(few)
    assert set(top["id"]) == set(needing["id"])
    # The walk-wide rank, in order: a shorter list never renumbers its findings.
    assert list(top["rank"]) == sorted(needing["rank"])
    assert core.top_hotspots(proportionate).empty


def test_location_findings_lists_one_place_by_priority(frame):
    location_id = frame["location_id"].value_counts().index[0]
    rows = core.location_findings(frame, location_id)
    assert set(rows["location_id"]) == {location_id}
    assert list(rows["priority"]) == sorted(rows["priority"], reverse=True)


def test_an_audit_without_findings_gives_an_empty_frame(walk):
    document, checklist = walk
    frame = core.dashboard_frame(document.audit, [], document.locations, [], checklist, TODAY)
    assert frame.empty and list(frame.columns) == core.COLUMNS
    assert core.compute_kpis(frame).findings == 0
    points = core.location_points(frame, document.locations, "worst")
    assert (points["findings"] == 0).all()
    assert core.category_matrix(frame, checklist).empty
    assert core.top_hotspots(frame).empty


def test_overdue_actions_follow_the_day_the_dashboard_is_read(walk):
    document, checklist = walk

    def overdue(today: date) -> int:
        frame = core.dashboard_frame(
            document.audit,
            document.findings,
            document.locations,
            document.actions,
            checklist,
            today,
        )
        return core.compute_kpis(frame).overdue_actions

    earliest = min(a.due_date for a in document.actions)
    assert overdue(earliest - timedelta(days=1)) == 0
    assert overdue(date(2030, 1, 1)) > 0
