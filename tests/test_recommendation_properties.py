"""Properties of the advice, over every quick template and generated findings in every location
type: no recommendation contradicts `needed_by`, removes content from a child-protection record,
or names a place feature (a hatch, a kitchen, a trip bag, a cover pack) the location type lacks.

The checks read the rules' own text as well as their data, so a rule that says "hatch" without
declaring the feature, or that cuts a record without saying so, is caught. Production scoring
with the place and template is also held to the plain-Python reference scorer.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import reference_scorer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, finding_from_template, load_checklist
from datawalk.models import Finding, Reach
from datawalk.scoring import ScoredFinding, score_finding, score_findings
from datawalk.scoring.compiled import compile_checklist
from datawalk.vocabulary import AS_NOW, NEEDED_BY, Checklist, Rule

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
MODEL = compile_checklist(UK)
WALK = date(2025, 3, 11)
RULES = {rule.id: rule for rule in UK.scoring.rules}
PLACES = [t.id for t in UK.objects.location_types]
# Wording that takes content out of an item: never advice for a child-protection record.
CUTS = (
    "dates of birth",
    "diagnoses and history",
    "forename and photo only",
    "forename or initials only",
    "shred it",
    "delete it",
    "take it down",
    "leavers off",
)


def _ids(vocabulary: str) -> list[str]:
    return [entry.id for entry in getattr(UK.objects, vocabulary)]


def _names(rule: Rule, words: list[str]) -> bool:
    text = " ".join(rule.action.lower().split())
    return any(re.search(rf"\b{re.escape(word.lower())}", text) for word in words)


def _features_named(rule: Rule) -> list:
    return [f for f in UK.scoring.place_features if _names(rule, f.words)]


def _leaves(audiences) -> frozenset[str]:
    return frozenset().union(*(MODEL.audience_leaves[a] for a in audiences))


def _reach_after(rule: Rule, needed: frozenset[str]) -> frozenset[str] | None:
    """Who can reach it after the step (None: everyone who can now)."""
    reach = rule.reach_after if rule.reach_after is not None else [NEEDED_BY]
    if AS_NOW in reach:
        return None
    named = _leaves(a for a in reach if a != NEEDED_BY)
    return named | needed if NEEDED_BY in reach else named


def assert_fits(finding: Finding, place: str, scored: ScoredFinding) -> None:
    """The three properties of the issue, for one scored finding at one location type."""
    needed = _leaves(finding.needed_by)
    child_protection = any(
        MODEL.child_protection[MODEL.categories.index(c)] for c in finding.categories
    )
    for recommendation in scored.recommendations:
        rule = RULES[recommendation.rule_id]
        after = _reach_after(rule, needed)
        assert after is None or needed <= after, (rule.id, "leaves out a needer")
        if rule.effect == "remove":
            assert not needed, (rule.id, "removes what someone needs")
        if child_protection:
            assert "cut_content" not in {rule.effect, *rule.tags}, rule.id
            assert rule.effect != "remove", rule.id
            assert not _names(rule, list(CUTS)), (rule.id, "cuts a child-protection record")
        for feature in _features_named(rule):
            assert place in feature.location_types or finding.format in feature.formats, (
                rule.id,
                feature.id,
                place,
            )


def test_every_rule_declares_the_place_features_its_text_names() -> None:
    """The text is the truth: a rule saying "hatch" must be limited to places with a hatch."""
    for rule in UK.scoring.rules:
        named = {f.id for f in _features_named(rule)}
        assert named <= set(rule.places), (rule.id, named - set(rule.places))


def test_every_step_declares_who_keeps_it() -> None:
    """Each rule of this checklist says who can still reach the information after its step."""
    for rule in UK.scoring.rules:
        if not rule.guard:
            assert rule.reach_after is not None, rule.id


def test_every_template_at_every_location_type_fits_the_place() -> None:
    for template in UK.objects.templates:
        for place in PLACES:
            finding = finding_from_template(UK, template.id, "audit-props-1", "location-props-1")
            scored = score_finding(finding, UK, today=WALK, location_type=place)
            assert_fits(finding, place, scored)
            offered = place in template.location_types
            if offered and template.recommends and scored.recommendations:
                assert scored.recommendations[0].rule_id == template.recommends, (
                    template.id,
                    place,
                )


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    audiences = _ids("audiences")
    template = draw(st.none() | st.sampled_from(_ids("templates")))
    review = draw(st.none() | st.integers(-500, 200).map(lambda d: WALK + timedelta(days=d)))
    return Finding(
        audit_id="audit-props-1",
        location_id="location-props-1",
        categories=draw(st.lists(st.sampled_from(_ids("data_categories")), min_size=1, max_size=3)),
        format=draw(st.sampled_from(_ids("formats"))),
        identifiability=draw(st.sampled_from(_ids("identifiability"))),
        detail_level=draw(st.sampled_from(_ids("detail_levels"))),
        visible_to=draw(st.lists(st.sampled_from(audiences), max_size=5)),
        needed_by=draw(st.lists(st.sampled_from(audiences), max_size=4)),
        reach=draw(st.sampled_from(list(Reach))),
        controls=draw(st.lists(st.sampled_from(_ids("controls")), max_size=3)),
        review_date=review,
        good_practice=draw(st.booleans()),
        template_id=template,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings(), st.sampled_from(PLACES))
def test_generated_findings_get_advice_that_fits(finding: Finding, place: str) -> None:
    scored = score_finding(finding, UK, today=WALK, location_type=place)
    assert_fits(finding, place, scored)
    assert scored.recommendations or scored.commendation


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(findings(), st.none() | st.sampled_from(PLACES)), max_size=8))
def test_production_with_places_equals_the_reference(rows: list) -> None:
    """One location per finding, so each can sit at its own type (or an unknown one)."""
    items = [
        f.model_copy(update={"location_id": f"location-props-{i}"}) for i, (f, _) in enumerate(rows)
    ]
    places = {f.location_id: place for f, (_, place) in zip(items, rows, strict=True) if place}
    expected = [
        reference_scorer.score_finding(f, UK, today=WALK, location_type=places.get(f.location_id))
        for f in items
    ]
    assert score_findings(items, UK, today=WALK, places=places) == expected


def test_the_checklist_under_test_is_the_bundled_one() -> None:
    assert isinstance(UK, Checklist) and UK.scoring and UK.scoring.place_features
