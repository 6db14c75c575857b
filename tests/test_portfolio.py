"""The portfolio, its reminders and its calendar (issue 17): three fictional schools' walks,
read back through the services' reads the way the page reads them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from datawalk.accounts.roles import Role
from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import ActionStatus
from datawalk.portfolio import (
    SORTS,
    WalkLevels,
    build_portfolio,
    filter_rows,
    sort_rows,
    walk_trend,
)
from datawalk.reminders import (
    ACTION_DAYS,
    PLAIN_TITLE,
    REVIEW_DAYS,
    calendar_ics,
    due_soon,
    short_title,
)
from datawalk.services import Actor, Workspace, downloads
from datawalk.settings import Settings
from tests.portfolio_schools import ACTOR, CLOSED, make_three_schools

TODAY = date(2026, 6, 15)


@pytest.fixture
def workspace():
    opened = Workspace.open("sqlite://")
    yield opened
    opened.close()


@pytest.fixture
def schools(workspace, checklist):
    return make_three_schools(workspace._store, checklist, TODAY)


@pytest.fixture
def rows(workspace, schools):
    return build_portfolio(workspace.reads, TODAY, 12)


def test_one_row_per_school_with_its_overdue_and_open_actions(rows, schools):
    assert sorted(row.school for row in rows) == sorted(schools)
    for row in rows:
        school = schools[row.school]
        assert row.latest_audit_id == school.latest.id
        assert row.overdue_actions == school.overdue(TODAY)
        assert row.open_actions == sum(a.status not in CLOSED for a in school.actions)
        assert row.walks == len(school.audits)
        assert row.last_walk == school.latest.walk_at.date()
    # The fixture is only a test if the counts differ between schools.
    assert len({row.overdue_actions for row in rows}) == 3


def test_next_walk_is_due_after_the_interval_and_late_ones_are_flagged(workspace, schools):
    for months in (12, 6):
        for row in build_portfolio(workspace.reads, TODAY, months):
            walked = schools[row.school].latest.walk_at.date()
            assert row.next_walk_due > walked
            assert (row.next_walk_due.year - walked.year) * 12 + (
                row.next_walk_due.month - walked.month
            ) == months
            assert row.walk_overdue == (row.next_walk_due < TODAY)
    late = [r.school for r in build_portfolio(workspace.reads, TODAY, 12) if r.walk_overdue]
    assert late == ["Cedar Lane Infants (fictional)"]


def test_levels_counts_and_trend(rows, schools, checklist):
    by_name = {row.school: row for row in rows}
    ash = by_name["Ashgrove Primary (fictional)"]
    assert ash.good_practice == 1 and ash.findings == 2
    assert ash.proportionate >= 1  # the good-practice poster only catering sees
    # The exposed poster is still open: its privacy level is one of concern.
    concern = checklist.scoring.thresholds.concern_level
    levels = [level.id for level in checklist.scoring.levels]
    assert levels.index(ash.worst_privacy.id) >= concern and ash.concern
    assert [walk.walk_on for walk in ash.trend.walks] == sorted(
        a.walk_at.date() for a in schools[ash.school].audits
    )
    assert ash.trend.direction == "same"  # the same poster, the same checklist, both years
    assert ash.trend.text().count("→") == 1 and ash.worst_privacy.name in ash.trend.text()
    assert by_name["Birchwood Academy (fictional)"].trend.direction == "first walk"
    cedar = by_name["Cedar Lane Infants (fictional)"]
    assert cedar.worst_safeguarding is not None and cedar.worst_privacy is not None


def test_a_finding_settled_by_a_closed_action_is_not_open(workspace, checklist, schools):
    cedar = schools["Cedar Lane Infants (fictional)"]
    for action in workspace.reads.list_actions(cedar.latest.id):
        if action.status not in CLOSED:
            done = action.model_copy(update={"status": ActionStatus.DONE})
            workspace._store.save_action(done, ACTOR)
    row = next(r for r in build_portfolio(workspace.reads, TODAY, 12) if r.school == cedar.name)
    assert row.open_actions == row.overdue_actions == 0
    assert row.worst_privacy is None and row.worst_safeguarding is None and not row.concern


def test_trend_never_compares_levels_of_two_checklists(checklist):
    names = tuple(level.name for level in checklist.scoring.levels)
    walk = WalkLevels("a", date(2025, 1, 1), ("uk_schools", 5), names, 3, 3)
    better = WalkLevels("b", date(2026, 1, 1), ("uk_schools", 5), names, 1, 2)
    mixed = WalkLevels("c", date(2026, 1, 1), ("uk_schools", 5), names, 1, 4)
    assert walk_trend([better, walk]).direction == "better"  # any order: sorted by date
    assert walk_trend([walk, mixed]).direction == "worse"  # one side rose
    other = WalkLevels("d", date(2026, 1, 1), ("uk_schools", 6), names, 1, 1)
    assert walk_trend([walk, other]).direction == "checklist changed"
    assert f"{names[3]} / {names[3]} → " in walk_trend([walk, better]).text()


def test_filters_and_sorts(rows):
    assert [r.school for r in filter_rows(rows, text="  birchWOOD ")] == [
        "Birchwood Academy (fictional)"
    ]
    overdue = filter_rows(rows, overdue_actions_only=True)
    assert overdue and all(r.overdue_actions for r in overdue)
    due = filter_rows(rows, walk_due_by=TODAY)
    assert [r.school for r in due] == [r.school for r in rows if r.next_walk_due <= TODAY]
    for key in SORTS:
        assert sorted(sort_rows(rows, key), key=lambda r: r.school) == sorted(
            rows, key=lambda r: r.school
        )
    most = sort_rows(rows, "overdue")
    assert [r.overdue_actions for r in most] == sorted(
        (r.overdue_actions for r in rows), reverse=True
    )
    assert [r.next_walk_due for r in sort_rows(rows, "due")] == sorted(
        r.next_walk_due for r in rows
    )


def test_only_the_schools_in_the_users_scope_are_listed(workspace, schools):
    summaries = workspace.reads.list_audits()
    ids = {s.school_name: s.school_id for s in summaries}
    chosen = ["Ashgrove Primary (fictional)", "Cedar Lane Infants (fictional)"]
    consultant = Actor.for_user(
        "B. Consultant", "user-1", Role.CONSULTANT, frozenset(ids[name] for name in chosen)
    )
    rows = build_portfolio(workspace.reads, TODAY, 12, actor=consultant)
    assert sorted(row.school for row in rows) == chosen
    assert len(build_portfolio(workspace.reads, TODAY, 12, actor=Actor(ACTOR))) == len(schools)
    # Both walks of one school are one row: audits point to the school's record.
    ash = next(row for row in rows if row.school == chosen[0])
    assert ash.walks == 2 and len({ids[chosen[0]]}) == 1


def test_due_soon_lists_actions_reviews_and_walks_in_their_windows(rows, schools):
    items = due_soon(rows, TODAY)
    actions = [i for i in items if i.kind == "action"]
    reviews = [i for i in items if i.kind == "review"]
    walks = [i for i in items if i.kind == "walk"]
    expected_actions = sorted(
        a.due_date
        for school in schools.values()
        for a in school.actions
        if a.status not in CLOSED and TODAY <= a.due_date <= TODAY + timedelta(ACTION_DAYS)
    )
    assert sorted(i.due for i in actions) == expected_actions and expected_actions
    expected_reviews = [
        f.review_date
        for school in schools.values()
        for f in school.findings
        if f.review_date and TODAY <= f.review_date <= TODAY + timedelta(REVIEW_DAYS)
    ]
    assert [i.due for i in reviews] == expected_reviews and expected_reviews
    assert [w.school for w in walks] == [r.school for r in rows if r.walk_overdue]
    assert [i.due for i in items] == sorted(i.due for i in items)


def test_the_calendar_parses_and_holds_every_due_date_and_nothing_else(rows, schools):
    data = calendar_ics(rows, datetime(2026, 6, 15, 8, 0).astimezone())
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    starts = sorted(event.decoded("dtstart") for event in events)
    expected = sorted(
        [
            a.due_date
            for school in schools.values()
            for a in school.actions
            if a.status not in CLOSED
        ]
        + [row.next_walk_due for row in rows]
    )
    assert starts == expected
    allowed = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"}
    for event in events:
        assert set(event.keys()) <= allowed
        summary = str(event["SUMMARY"])
        assert any(summary.startswith(name) for name in schools)
    references = {f.reference for s in schools.values() for f in s.findings}
    action_summaries = [str(e["SUMMARY"]) for e in events if "walk" not in str(e["SUMMARY"])]
    assert all(any(ref in text for ref in references) for text in action_summaries)


def test_notes_never_reach_the_calendar_and_a_flagged_title_is_replaced(rows, schools):
    school = schools["Birchwood Academy (fictional)"]
    action = school.actions[0].model_copy(
        update={
            "notes": "Spoke to Mrs Patel about Amelia Jones",
            "recommendation": "Call Amelia Jones's mum, DOB 03/04/2017, about the poster",
        }
    )
    assert short_title(action, TODAY) == PLAIN_TITLE
    long = action.model_copy(update={"recommendation": "Move the poster " + "far " * 40})
    assert len(short_title(long, TODAY)) <= 60 and not short_title(long, TODAY).endswith(" ")


def test_a_calendar_download_is_in_the_trail_of_every_audit_it_holds(workspace, rows):
    ids = [row.latest_audit_id for row in rows]
    before = {i: workspace.reads.audit_version(i) for i in ids}
    downloads.record_download(workspace, Actor(ACTOR), ids, "calendar", "reminders.ics")
    for audit_id in ids:
        event = workspace.reads.list_trail(audit_id)[-1]
        assert (event.operation, event.actor, event.entity_id) == ("download", ACTOR, audit_id)
        assert event.changes == {"download": "calendar", "file": "reminders.ics"}
        assert workspace.reads.audit_version(audit_id) > before[audit_id]


def test_a_download_outside_the_users_scope_is_refused_and_not_recorded(workspace, rows):
    scope = frozenset({workspace.reads.list_audits()[0].school_id})
    consultant = Actor.for_user("B. Consultant", "user-1", Role.CONSULTANT, scope)
    ids = [row.latest_audit_id for row in rows]
    before = {i: len(workspace.reads.list_trail(i)) for i in ids}
    with pytest.raises(NotFoundError):
        downloads.record_download(workspace, consultant, ids, "calendar", "reminders.ics")
    assert {i: len(workspace.reads.list_trail(i)) for i in ids} == before


def test_walk_interval_setting():
    assert Settings.from_environment({}).walk_interval_months() == 12
    env = {"DATAWALK_WALK_INTERVAL_MONTHS": " 6 "}
    assert Settings.from_environment(env).walk_interval_months() == 6
    bad = Settings.from_environment({"DATAWALK_WALK_INTERVAL_MONTHS": "yearly"})
    with pytest.raises(ValidationError, match="DATAWALK_WALK_INTERVAL_MONTHS"):
        bad.walk_interval_months()
