"""Properties of the two-sided model over random findings: monotone in the right directions,
containment-blind, within the grids, deterministic, the same in batch as one by one, and guarded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.models import Finding, Reach
from datawalk.scoring import findings_to_frame, score_finding, score_findings, score_frame
from datawalk.vocabulary import Checklist
from tests import reference_scorer

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)
REACH_ORDER = list(Reach)  # fastest first


def _ids(checklist: Checklist, vocabulary: str) -> list[str]:
    return [entry.id for entry in getattr(checklist.objects, vocabulary)]


def _nested(checklist: Checklist) -> Checklist:
    """The UK checklist with a group inside a group: all_staff ⊃ teaching_team ⊃ teachers, TAs."""
    content = checklist.model_dump(mode="json")
    audiences = content["objects"]["audiences"]
    team = {"teaching_staff", "teaching_assistants"}
    for audience in audiences:
        if audience["id"] == "all_staff":
            audience["contains"] = [m for m in audience["contains"] if m not in team]
            audience["contains"].append("teaching_team")
    audiences.append(
        {
            "id": "teaching_team",
            "name": "Teaching team",
            "help": "",
            "breadth": 2,
            "need_weight": 3.5,
            "contains": sorted(team),
        }
    )
    return Checklist.model_validate(content)


NESTED = _nested(UK)
CHECKLISTS = st.sampled_from([UK, NESTED])


@st.composite
def findings(draw: st.DrawFn, checklist: Checklist = UK) -> Finding:
    audiences = st.lists(st.sampled_from(_ids(checklist, "audiences")), max_size=5, unique=True)
    needed_by = draw(audiences)
    given = draw(st.lists(st.sampled_from(needed_by), unique=True) if needed_by else st.just([]))
    return Finding(
        audit_id="audit-property-1",
        location_id="location-property-1",
        categories=draw(
            st.lists(st.sampled_from(_ids(checklist, "data_categories")), min_size=1, max_size=3)
        ),
        format=draw(st.sampled_from(_ids(checklist, "formats"))),
        identifiability=draw(st.sampled_from(_ids(checklist, "identifiability"))),
        detail_level=draw(st.sampled_from(_ids(checklist, "detail_levels"))),
        visible_to=draw(audiences),
        needed_by=needed_by,
        reach=draw(st.sampled_from(REACH_ORDER)),
        needed_reach={audience: draw(st.sampled_from(REACH_ORDER)) for audience in given},
        controls=draw(st.lists(st.sampled_from(_ids(checklist, "controls")), max_size=3)),
        review_date=draw(st.none() | st.dates(date(2024, 9, 1), date(2025, 9, 1))),
        need_override=draw(st.none() | st.integers(1, 5)),
        good_practice=draw(st.booleans()),
        good_practice_note=draw(st.sampled_from(["", "Briefed this term."])),
    )


def _with(item: Finding, **changes: Any) -> Finding:
    return Finding.model_validate({**item.model_dump(), **changes})


def _score(item: Finding, checklist: Checklist = UK):
    return score_finding(item, checklist, today=WALK)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(findings(), st.sampled_from(_ids(UK, "controls")))
def test_adding_a_control_never_raises_exposure(item: Finding, control: str) -> None:
    assume(control not in item.controls)
    before, after = _score(item), _score(_with(item, controls=[*item.controls, control]))
    assert after.exposure <= before.exposure
    assert _rank(after.privacy_level) <= _rank(before.privacy_level)


@PROPERTY
@given(findings(), st.sampled_from(_ids(UK, "audiences")))
def test_adding_a_viewer_without_need_never_lowers_exposure(item: Finding, viewer: str) -> None:
    assume(viewer not in item.needed_by)
    before, after = _score(item), _score(_with(item, visible_to=[*item.visible_to, viewer]))
    assert after.exposure >= before.exposure
    assert _rank(after.privacy_level) >= _rank(before.privacy_level)


@PROPERTY
@given(findings(), st.data())
def test_taking_reach_away_from_a_needer_never_lowers_the_gap(item: Finding, data) -> None:
    assume(item.visible_to)
    removed = data.draw(st.sampled_from(item.visible_to))
    fewer = [a for a in item.visible_to if a != removed]
    before, after = _score(item), _score(_with(item, visible_to=fewer))
    assert after.availability_gap >= before.availability_gap
    assert _rank(after.safeguarding_level) >= _rank(before.safeguarding_level)


@PROPERTY
@given(findings(), st.sampled_from(REACH_ORDER))
def test_slower_reach_never_lowers_the_gap(item: Finding, reach: Reach) -> None:
    assume(REACH_ORDER.index(reach) > REACH_ORDER.index(item.reach))
    assert _score(_with(item, reach=reach)).availability_gap >= _score(item).availability_gap


@PROPERTY
@given(findings(), st.lists(st.sampled_from(REACH_ORDER), min_size=2, max_size=2), st.data())
def test_a_slower_reach_for_one_needer_never_lowers_the_gap(item: Finding, pair, data) -> None:
    assume(item.needed_by)
    needer = data.draw(st.sampled_from(item.needed_by))
    faster, slower = sorted(pair, key=REACH_ORDER.index)
    base = _with(item, needed_reach={**item.needed_reach, needer: faster})
    later = _with(item, needed_reach={**item.needed_reach, needer: slower})
    assert _score(later).availability_gap >= _score(base).availability_gap


@PROPERTY
@given(findings(), st.integers(1, 800))
def test_an_older_review_date_never_lowers_the_gap(item: Finding, days: int) -> None:
    """Graded review dates (v5): the longer ago it passed, the larger (never smaller) the gap."""
    assume(item.review_date is not None)
    older = _with(item, review_date=item.review_date - timedelta(days=days))
    assert _score(older).availability_gap >= _score(item).availability_gap


@PROPERTY
@given(CHECKLISTS.flatmap(lambda c: st.tuples(st.just(c), findings(c))))
def test_containment_is_respected(case: tuple[Checklist, Finding]) -> None:
    checklist, item = case
    item = _with(item, needed_reach={})  # reasons name the audiences a reach was given for
    contains = {a.id: a.contains for a in checklist.objects.audiences}

    def members(ids: list[str]) -> list[str]:
        out: list[str] = []
        for audience in ids:
            out += members(contains[audience]) if contains[audience] else [audience]
        return sorted(set(out))

    grouped = _score(item, checklist)
    flat = _score(
        _with(item, visible_to=members(item.visible_to), needed_by=members(item.needed_by)),
        checklist,
    )
    assert grouped.model_dump(exclude={"finding_id"}) == flat.model_dump(exclude={"finding_id"})
    for roles in (grouped.excess, grouped.missing):
        for role in roles:
            assert not set(members([role])) & set(members([r for r in roles if r != role]))
    assert not set(members(grouped.excess)) & set(members(item.needed_by))


@PROPERTY
@given(findings())
def test_scores_lie_within_the_grids(item: Finding) -> None:
    scored = _score(item)
    scoring = UK.scoring
    assert 0 <= scored.exposure < len(scoring.privacy_grid)
    assert 0 <= scored.availability_gap < len(scoring.safeguarding_grid)
    cell = scoring.privacy_grid[scored.exposure][scored.sensitivity - 1]
    assert scored.privacy_level == scoring.levels[cell].id
    cell = scoring.safeguarding_grid[scored.availability_gap][scored.need - 1]
    assert scored.safeguarding_level == scoring.levels[cell].id
    assert (scored.exposure == 0) == (not scored.excess)
    # A passed review date is a gap of its own, with nobody missing (graded, checklist v5).
    stale = item.review_date is not None and item.review_date < WALK and bool(item.needed_by)
    assert (scored.availability_gap == 0) == (not scored.missing and not stale)


@PROPERTY
@given(findings())
def test_scoring_is_deterministic(item: Finding) -> None:
    fresh = Checklist.model_validate(UK.model_dump(mode="json"))
    assert _score(item) == _score(item) == _score(item, fresh)


# Guards ----------------------------------------------------------------------------------------

EFFECTS = {rule.id: rule.effect for rule in UK.scoring.rules}


def _with_greedy_rules(checklist: Checklist) -> Checklist:
    """Add rules that would strip names and take everything down, to prove the guards hold."""
    content = checklist.model_dump(mode="json")
    content["scoring"]["rules"] += [
        {
            "id": "strip_names_everywhere",
            "when": {"has_excess": True},
            "effect": "remove_name",
            "action": "Remove the name.",
            "owner": "Anyone",
        },
        {
            "id": "take_everything_down",
            "when": {"classification_in": ["over_exposed", "both", "proportionate"]},
            "effect": "remove",
            "action": "Take it down.",
            "owner": "Anyone",
        },
    ]
    return Checklist.model_validate(content)


GREEDY = _with_greedy_rules(UK)
GREEDY_EFFECTS = {rule.id: rule.effect for rule in GREEDY.scoring.rules}


@PROPERTY
@given(findings(), st.sampled_from([UK, GREEDY]))
def test_guards_hold(item: Finding, checklist: Checklist) -> None:
    scored = _score(item, checklist)
    chosen = {GREEDY_EFFECTS[r.rule_id] for r in scored.recommendations}
    if item.needed_by:
        assert "remove" not in chosen  # never take information away from those who need it
    if item.format == "label":
        assert not chosen & {"remove", "remove_name"}  # a medication label keeps the name


def test_the_label_guard_explains_itself() -> None:
    label = Finding(
        audit_id="audit-property-1",
        location_id="location-property-1",
        categories=["medication"],
        format="label",
        identifiability="full_name",
        detail_level="diagnosis",
        visible_to=["all_staff", "pupils"],
        needed_by=["first_aiders"],
    )
    scored = _score(label, GREEDY)
    guard = next(r for r in GREEDY.scoring.rules if r.id == "keep_name_on_medication_labels")
    assert guard.action in scored.reasons
    assert "strip_names_everywhere" not in [r.rule_id for r in scored.recommendations]


def _rank(level_id: str) -> int:
    return [level.id for level in UK.scoring.levels].index(level_id)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([UK, NESTED, GREEDY]).flatmap(
        lambda c: st.tuples(st.just(c), st.lists(findings(c), max_size=12))
    )
)
def test_production_scoring_equals_the_reference(case: tuple[Checklist, list[Finding]]) -> None:
    """The one vectorised scorer, batch and one by one, against the plain-Python reference:
    numbers, levels, reasons, recommendations and commendations all equal."""
    checklist, items = case
    expected = [reference_scorer.score_finding(f, checklist, today=WALK) for f in items]
    assert score_findings(items, checklist, today=WALK) == expected
    assert [_score(f, checklist) for f in items] == expected
    frame = score_frame(findings_to_frame(items), checklist, today=WALK, explain=True)
    assert len(frame) == len(expected)
    for row, scored in zip(frame.itertuples(index=False), expected, strict=True):
        assert row.finding_id == scored.finding_id
        assert (row.exposure, row.sensitivity, row.need) == (
            scored.exposure,
            scored.sensitivity,
            scored.need,
        )
        assert row.availability_gap == scored.availability_gap
        assert (row.privacy_level, row.safeguarding_level) == (
            scored.privacy_level,
            scored.safeguarding_level,
        )
        assert row.classification == scored.classification
        assert row.priority == scored.priority
        assert list(row.excess) == scored.excess
        assert list(row.missing) == scored.missing
        assert list(row.rule_ids) == [r.rule_id for r in scored.recommendations]
        assert row.commendation == scored.commendation
        assert row.reasons == scored.reasons
