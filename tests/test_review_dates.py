"""A graded review date (checklist uk_schools v5): a stale display may be wrong, a new pupil
missing or a leaver still shown, but it is there. So it is a smaller gap than no information at
all, growing with how long ago the date passed and weighted by how time-critical the information
is. Older pinned checklists, which have no grading, keep scoring as they did.

Also here: audiences that never need anything (visitors, passers-by, hirers) are checklist data,
not offered as needers and not described as people "who do not need it".
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.checklist.checks import needers_can_need
from datawalk.models import Finding, Reach
from datawalk.samples import sample_document
from datawalk.scoring import score_finding
from datawalk.scoring.config import check_scoring, stale_review_rows
from datawalk.vocabulary import Checklist
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import SCORING_MODEL

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)


def _levels(checklist: Checklist) -> list[str]:
    return [level.id for level in checklist.scoring.levels]


def _without_grading(checklist: Checklist) -> Checklist:
    """The checklist as versions before v5 had it: no `stale_review`."""
    content = checklist.model_dump(mode="json")
    content["scoring"].pop("stale_review")
    content["version"] = 4
    return Checklist.model_validate(content)


def poster(days_stale: int, categories: list[str] | None = None) -> Finding:
    """A dated staff-side poster that every needer can see, its review date passed long ago."""
    return Finding(
        audit_id="audit-dates-1",
        location_id="location-dates-1",
        categories=categories or ["anaphylaxis_aai"],
        format="poster",
        identifiability="forename_photo",
        detail_level="condition_action",
        visible_to=["all_staff"],
        needed_by=["all_staff"],
        controls=["dated_review", "staff_side_placement"],
        review_date=WALK - timedelta(days=days_stale),
    )


MINIBUS = Finding(
    audit_id="audit-dates-1",
    location_id="location-dates-1",
    categories=["anaphylaxis_aai"],
    format="folder",
    identifiability="none",
    detail_level="action_only",
    visible_to=[],
    needed_by=["trip_staff"],
    reach=Reach.NOT_AT_ALL,
)


def test_a_stale_poster_is_a_smaller_gap_than_no_information() -> None:
    """The issue's case: a term stale and tagged anaphylaxis, it tied a minibus with nothing."""
    stale = score_finding(poster(100), UK, today=WALK)
    nothing = score_finding(MINIBUS, UK, today=WALK)
    assert stale.missing == []  # everyone can still reach it
    assert 0 < stale.availability_gap < nothing.availability_gap
    levels = _levels(UK)
    assert levels.index(stale.safeguarding_level) < levels.index(nothing.safeguarding_level)
    assert stale.priority < nothing.priority
    assert stale.classification == "under_available"  # still a finding: it may be wrong


def test_the_gap_grows_with_how_long_ago_the_date_passed() -> None:
    gaps = [score_finding(poster(d), UK, today=WALK).availability_gap for d in (0, 10, 100, 400)]
    assert gaps[0] == 0  # the review date is today: not yet stale
    assert gaps[1] <= gaps[2] <= gaps[3]
    assert gaps[1] < gaps[3]
    assert gaps[3] < 5  # never as large as nobody being able to reach it


def test_the_gap_is_weighted_by_time_criticality() -> None:
    urgent = score_finding(poster(100, ["anaphylaxis_aai"]), UK, today=WALK)
    planned = score_finding(poster(100, ["dietary_preference"]), UK, today=WALK)
    assert planned.availability_gap < urgent.availability_gap


def test_reasons_say_how_long_ago_it_passed() -> None:
    scored = score_finding(poster(100), UK, today=WALK)
    [reason] = [r for r in scored.reasons if "review date" in r]
    assert "over a term ago (100 days)" in reason and "may be out of date" in reason


def test_an_older_pinned_checklist_scores_as_it_did() -> None:
    """Without grading a passed date counts every needer as missing, as v4 scored it."""
    old = _without_grading(UK)
    scored = score_finding(poster(100), old, today=WALK)
    assert scored.missing == ["all_staff"]
    assert scored.availability_gap > score_finding(poster(100), UK, today=WALK).availability_gap
    assert any("cannot rely on it" in r for r in scored.reasons)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["bands"].reverse(), "increasing order"),
        (lambda s: s["weights"].pop("planned"), "no weight for time-criticality planned"),
        (lambda s: s["weights"].update(soon=0.5), "unknown time-criticality 'soon'"),
        (lambda s: s["weights"].update(planned=2), "a weight must be 0 to 1"),
    ],
)
def test_a_bad_grading_is_reported(change, message: str) -> None:
    content = UK.model_dump(mode="json")
    change(content["scoring"]["stale_review"])
    problems = check_scoring(Checklist.model_validate(content))
    assert any(message in text for _, text in problems), problems


def test_needed_by_offers_only_audiences_that_can_need() -> None:
    never = {a.id for a in UK.objects.audiences if not a.can_need}
    assert never == {"visitors", "through_window", "hirers"}
    defaults = {a for c in UK.objects.data_categories for a in c.needed_by}
    assert not never & defaults
    assert needers_can_need(UK) == []
    content = UK.model_dump(mode="json")
    content["objects"]["data_categories"][0]["needed_by"].append("through_window")
    [(path, text)] = needers_can_need(Checklist.model_validate(content))
    assert path[-1] == "needed_by" and "through_window" in text


def test_people_who_never_need_it_are_not_said_not_to_need_it() -> None:
    window = Finding(
        audit_id="audit-dates-1",
        location_id="location-dates-1",
        categories=["other_medical"],
        format="poster",
        identifiability="full_name",
        detail_level="diagnosis",
        visible_to=["through_window", "cleaners", "visitors"],
        needed_by=["first_aiders"],
    )
    [reason] = [r for r in score_finding(window, UK, today=WALK).reasons if r.startswith("Seen")]
    assert "seen through a window, who do not need it" not in reason.lower()
    assert reason.startswith("Seen by cleaners, who do not need it, and by ")
    assert "passers-by through a window" in reason


def test_settings_and_the_workbook_show_the_grading() -> None:
    bands, weights = stale_review_rows(UK)
    assert [b["Gap before weighting"] for b in bands] == [
        b.gap for b in UK.scoring.stale_review.bands
    ]
    assert {w["Time-criticality"] for w in weights} == {
        t.name for t in UK.objects.time_criticalities
    }
    assert stale_review_rows(_without_grading(UK)) == ([], [])
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(sample_document())))
    cells = [row[:2] for row in book[SCORING_MODEL].iter_rows(values_only=True)]
    start = cells.index(("Passed review date: graded gap", None))
    assert cells[start + 1] == (bands[0]["Review date passed"], bands[0]["Gap before weighting"])
