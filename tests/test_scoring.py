"""The two-sided model on single findings: the seven worked examples of DOMAIN.md, priorities,
containment, the three extra causes of "missing", reasons, commendations and audit-level helpers.

Findings are built here from the domain brief, not from the checklist's quick templates, so the
examples test the scoring model rather than the templates' choices.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from datawalk.checklist import (
    cross_checks,
    finding_from_template,
    pin_checklist,
)
from datawalk.errors import ChecklistError, ValidationError
from datawalk.models import Audit, AuditDocument, Finding, Reach, School, Site
from datawalk.scoring import (
    check_scoring,
    level_by_id,
    rescore_diff,
    score_document,
    score_finding,
    score_findings,
)
from datawalk.vocabulary import Checklist
from tests.scoring_examples import (
    ALLERGY_POSTER,
    ALLERGY_REGISTER,
    COVER_FOLDER,
    CP_RECORDS,
    DATED_DIET_LIST,
    FRIDGE_MEDICATION,
    STALE_DIET_LIST,
    UK,
    WALK,
    WHITEBOARD_EMAIL,
    effects,
    finding,
    level_index,
    score,
    with_scoring,
)


@pytest.mark.parametrize(
    ("example", "classification"),
    [
        (ALLERGY_POSTER, "over_exposed"),
        (COVER_FOLDER, "under_available"),
        (WHITEBOARD_EMAIL, "over_exposed"),
        (FRIDGE_MEDICATION, "over_exposed"),
        (STALE_DIET_LIST, "under_available"),
        (ALLERGY_REGISTER, "proportionate"),
        (CP_RECORDS, "proportionate"),
    ],
    ids=["poster", "cover", "whiteboard", "fridge", "stale", "register", "cp"],
)
def test_worked_examples_get_their_classification(example: Finding, classification: str) -> None:
    assert score(example).classification == classification


def test_allergy_poster_is_moderate_to_high_and_moved_not_removed() -> None:
    scored = score(ALLERGY_POSTER)
    assert level_index("medium") <= level_index(scored.privacy_level) <= level_index("high")
    assert set(scored.excess) == {"pupils", "visitors"}
    assert scored.missing == []
    assert "move" in effects(scored) and "minimise" in effects(scored)
    assert "remove" not in effects(scored)


def test_cover_folder_is_high_and_gets_an_alert_sheet() -> None:
    scored = score(COVER_FOLDER)
    assert scored.safeguarding_level == "high"
    assert scored.missing == ["supply"]
    assert "add" in effects(scored)
    label = UK.label("audiences", "supply").lower()
    gap = f"availability gap {scored.availability_gap} of 5"
    assert any(label in r and "cannot reach it" in r and gap in r for r in scored.reasons)


def test_fridge_medication_is_low_to_moderate_and_keeps_the_name() -> None:
    scored = score(FRIDGE_MEDICATION)
    assert level_index(scored.privacy_level) == UK.scoring.thresholds.concern_level
    assert "remove_name" not in effects(scored) and "remove" not in effects(scored)
    assert "minimise" in effects(scored)


def test_stale_list_is_a_gap_only_after_its_review_date() -> None:
    stale = score(DATED_DIET_LIST)
    # Catering can still reach it, but it may be wrong: a gap of its own, nobody "missing".
    assert stale.missing == [] and stale.availability_gap > 0
    assert "review" in effects(stale)
    assert any("review date" in r for r in stale.reasons)
    before = score(DATED_DIET_LIST, today=DATED_DIET_LIST.review_date)
    assert before.missing == [] and before.classification == "proportionate"


def test_good_practice_gets_a_commendation_instead_of_recommendations() -> None:
    scored = score(ALLERGY_REGISTER)
    assert scored.commendation.endswith(ALLERGY_REGISTER.good_practice_note)
    assert scored.recommendations == []


def test_good_practice_that_scores_badly_is_not_commended() -> None:
    scored = score(ALLERGY_POSTER.model_copy(update={"good_practice": True}))
    assert scored.commendation == ""
    assert scored.recommendations
    assert any("good practice" in r for r in scored.reasons)


def test_locking_child_protection_records_is_never_a_gap() -> None:
    scored = score(CP_RECORDS)
    assert scored.missing == [] and scored.availability_gap == 0


# Priority ----------------------------------------------------------------------------------------


def test_child_protection_seen_by_visitors_comes_before_a_diet_list_seen_by_pupils() -> None:
    cp = finding(
        categories=["child_protection"],
        format="list",
        detail_level="diagnosis",
        visible_to=["visitors", "dsl"],
        needed_by=["dsl"],
    )
    diet = finding(
        categories=["dietary_preference"],
        format="list",
        detail_level="action_only",
        visible_to=["pupils", "catering"],
        needed_by=["catering"],
    )
    assert score(diet).classification == "over_exposed"
    assert score(cp).priority > score(diet).priority


def test_unreachable_aai_comes_before_a_stale_list() -> None:
    aai = finding(
        categories=["anaphylaxis_aai"],
        format="label",
        visible_to=["office"],
        needed_by=["midday", "supply"],
        reach=Reach.NOT_AT_ALL,
    )
    assert score(aai).priority > score(STALE_DIET_LIST).priority


def test_failures_outrank_every_proportionate_example() -> None:
    failing = [COVER_FOLDER, WHITEBOARD_EMAIL, ALLERGY_POSTER, FRIDGE_MEDICATION, STALE_DIET_LIST]
    lowest_failure = min(score(f).priority for f in failing)
    assert all(score(f).priority < lowest_failure for f in (ALLERGY_REGISTER, CP_RECORDS))


# Containment and the causes of "missing" ----------------------------------------------------


def test_excess_is_taken_over_contained_roles() -> None:
    scored = score(finding(visible_to=["all_staff"], needed_by=["catering"]))
    members = {a.id for a in UK.objects.audiences if a.id in _members("all_staff")}
    assert set(scored.excess) == members - {"catering"}
    assert "all_staff" not in scored.excess


def test_a_whole_group_is_named_once() -> None:
    scored = score(finding(categories=["identifiers"], visible_to=["all_staff"], needed_by=[]))
    assert scored.excess == ["all_staff"]


def _members(group: str) -> list[str]:
    return next(a.contains for a in UK.objects.audiences if a.id == group)


@pytest.mark.parametrize("category", ["anaphylaxis_aai", "rescue_medication"])
def test_locking_emergency_medication_away_is_a_gap(category: str) -> None:
    base = finding(categories=[category], format="label", visible_to=["all_staff"])
    base = base.model_copy(update={"needed_by": ["all_staff"]})
    assert score(base).availability_gap == 0
    locked = score(base.model_copy(update={"controls": ["locked_container"]}))
    assert locked.missing == ["all_staff"] and locked.classification == "under_available"
    assert "move" in effects(locked)


def test_locking_controlled_drugs_is_correct() -> None:
    drugs = finding(
        categories=["controlled_drugs"],
        format="label",
        visible_to=["first_aiders", "office"],
        needed_by=["first_aiders", "office"],
        controls=["locked_container"],
    )
    assert score(drugs).availability_gap == 0


def test_reach_slower_than_the_time_allowed_counts_as_missing() -> None:
    aai = finding(categories=["anaphylaxis_aai"], visible_to=["midday"], needed_by=["midday"])
    assert score(aai).missing == []
    slow = score(aai.model_copy(update={"reach": Reach.SAME_DAY}))
    assert slow.missing == ["midday"]
    planned = finding(categories=["dietary_preference"], visible_to=["catering"])
    planned = planned.model_copy(update={"needed_by": ["catering"], "reach": Reach.ON_REQUEST})
    assert score(planned).missing == []
    never = score(planned.model_copy(update={"reach": Reach.NOT_AT_ALL}))
    assert never.missing == ["catering"]


def test_review_date_is_judged_against_the_given_day() -> None:
    item = finding(visible_to=["catering"], needed_by=["catering"], review_date=WALK)
    assert score(item, today=WALK).availability_gap == 0
    assert score(item, today=WALK + timedelta(days=1)).availability_gap > 0


def test_need_override_wins() -> None:
    scored = score(COVER_FOLDER.model_copy(update={"need_override": 1}))
    assert scored.need == 1
    assert any("auditor" in r for r in scored.reasons)


def test_levels_come_from_the_grids() -> None:
    for example in (ALLERGY_POSTER, COVER_FOLDER, FRIDGE_MEDICATION, CP_RECORDS):
        scored = score(example)
        grid = UK.scoring.privacy_grid[scored.exposure][scored.sensitivity - 1]
        assert scored.privacy_level == UK.scoring.levels[grid].id
        grid = UK.scoring.safeguarding_grid[scored.availability_gap][scored.need - 1]
        assert scored.safeguarding_level == UK.scoring.levels[grid].id


# Reasons and recommendations ----------------------------------------------------------------------


def test_exposure_reason_names_who_sees_it_and_the_score() -> None:
    scored = score(ALLERGY_POSTER)
    reason = scored.reasons[0]
    assert UK.label("audiences", "pupils").lower() in reason
    assert "no controls" in reason
    assert reason.endswith(f"exposure {scored.exposure} of 5.")
    covered = score(ALLERGY_POSTER.model_copy(update={"controls": ["staff_side_placement"]}))
    assert UK.label("controls", "staff_side_placement").lower() in covered.reasons[0]


def test_every_quick_template_gets_advice_or_a_commendation() -> None:
    for template in UK.objects.templates:
        item = finding_from_template(UK, template.id, "audit-scoring-1", "location-scoring-1")
        scored = score(item)
        assert scored.recommendations or scored.commendation, template.id
        assert all(r.action and r.owner for r in scored.recommendations)


def test_unknown_ids_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        score(finding(visible_to=["martians"]))
    assert info.value.field == "visible_to"


def test_a_checklist_without_scoring_cannot_score() -> None:
    content = UK.model_dump(mode="json")
    content["scoring"] = None
    with pytest.raises(ChecklistError):
        score(ALLERGY_POSTER, Checklist.model_validate(content))


def test_scoring_checks_run_on_every_load() -> None:
    assert check_scoring in cross_checks()
    assert check_scoring(UK) == []


# Audit-level helpers ------------------------------------------------------------------------


def test_level_by_id() -> None:
    assert level_by_id(UK, "high").name == UK.scoring.levels[level_index("high")].name
    with pytest.raises(ValidationError):
        level_by_id(UK, "catastrophic")


def test_rescore_diff_counts_findings_whose_level_changes() -> None:
    items = [ALLERGY_POSTER, COVER_FOLDER, FRIDGE_MEDICATION, STALE_DIET_LIST, CP_RECORDS]
    assert rescore_diff(items, UK, UK, today=WALK) == 0
    harsher = with_scoring(privacy_grid=[[4] * 5 for _ in range(6)])
    old = score_findings(items, UK, today=WALK)
    expected = sum(s.privacy_level != "very_high" for s in old)
    assert rescore_diff(items, UK, harsher, today=WALK) == expected > 0


def test_a_document_is_scored_with_its_pin_as_of_its_walk() -> None:
    audit = Audit(
        school=School(name="Fictional Primary", phase="primary"),
        site=Site(name="Main site"),
        walk_at=datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
        auditor="A. Consultant",
        checklist=pin_checklist(UK),
    )
    item = DATED_DIET_LIST.model_copy(
        update={"audit_id": audit.id, "review_date": date(2025, 3, 10)}
    )
    document = AuditDocument(audit=audit, findings=[item])
    [on_the_walk] = score_document(document)
    assert on_the_walk.availability_gap == 0  # not yet due on the walk, though long past by now
    assert score_finding(item, UK, today=date(2025, 4, 1)).availability_gap > 0


def test_the_failing_side_is_explained_first() -> None:
    under = score(COVER_FOLDER)
    assert f"availability gap {under.availability_gap} of 5" in under.reasons[0]
    over = score(ALLERGY_POSTER)
    assert over.reasons[0].endswith(f"exposure {over.exposure} of 5.")
    assert "availability gap" in over.reasons[1]


def test_information_that_identifies_no_one_exposes_no_one() -> None:
    matrix = finding(
        categories=["food_allergy"],
        format="poster",
        identifiability="none",
        visible_to=["pupils", "visitors", "catering"],
        needed_by=["catering"],
    )
    scored = score(matrix)
    assert scored.exposure == 0 and scored.excess == []
    assert scored.classification == "proportionate"
    assert "identified" in scored.reasons[0]
