"""The shipped UK schools checklist says what DOMAIN.md and issue 2 require of it: the vocabularies,
their orderings and weights, the flags that drive safeguarding gaps, and templates shaped like
the worked examples. The loader itself is tested in test_checklist.py."""

from __future__ import annotations

import pytest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, leaf_audiences, load_checklist
from datawalk.models import Reach

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
OBJECTS = UK.objects

DOMAIN_CATEGORIES = {
    "anaphylaxis_aai",
    "food_allergy",
    "dietary_preference",
    "other_medical",
    "medication",
    "healthcare_plan",
    "sen_ehcp",
    "pupil_premium_fsm",
    "child_protection",
    "behaviour",
    "attendance",
    "emergency_contacts",
    "collection_permissions",
    "photo_consent",
    "identifiers",
    "intimate_care_mental_health",
    "sen_pupil_passport",
    "attainment",
    "cashless_till",
}


def _by_id(vocabulary: str) -> dict:
    return {entry.id: entry for entry in getattr(OBJECTS, vocabulary)}


def test_identity_and_jurisdiction() -> None:
    assert (UK.id, UK.locale, UK.provider) == ("uk_schools", "en-GB", "DataWalk")
    assert UK.jurisdiction.primary == "England"
    assert {"wales", "scotland", "northern_ireland"} <= set(UK.jurisdiction.notes)
    assert "CHI" in UK.jurisdiction.notes["scotland"]


def test_sizes_required_by_the_issue() -> None:
    assert set(_by_id("data_categories")) >= DOMAIN_CATEGORIES
    assert len(OBJECTS.location_types) >= 18
    assert len(OBJECTS.formats) >= 13 and len(OBJECTS.controls) >= 12
    assert len(OBJECTS.templates) >= 14
    assert sum(t.finding.good_practice for t in OBJECTS.templates) >= 3
    assert all(t.location_types for t in OBJECTS.templates)


@pytest.mark.parametrize("vocabulary", ["identifiability", "detail_levels"])
def test_weights_descend_from_most_to_least_identifying(vocabulary: str) -> None:
    weights = [entry.weight for entry in getattr(OBJECTS, vocabulary)]
    assert weights == sorted(weights, reverse=True) and len(set(weights)) == len(weights)


def test_need_factor_orderings() -> None:
    assert [s.rank for s in OBJECTS.severities] == sorted(
        (s.rank for s in OBJECTS.severities), reverse=True
    )
    times = OBJECTS.time_criticalities
    assert [t.rank for t in times] == sorted((t.rank for t in times), reverse=True)
    finite = [t.max_minutes for t in times if t.max_minutes is not None]
    assert finite == sorted(finite) and times[-1].max_minutes is None
    assert [r.id for r in OBJECTS.reach_speeds] == [reach.value for reach in Reach]
    minutes = [r.minutes for r in OBJECTS.reach_speeds]
    assert minutes[:-1] == sorted(minutes[:-1]) and minutes[-1] is None


def test_audience_weights_follow_the_two_sides() -> None:
    audiences = _by_id("audiences")
    assert {"catering", "midday", "supply", "office"} <= leaf_audiences(UK, ["all_staff"])
    assert audiences["supply"].need_weight == max(a.need_weight for a in OBJECTS.audiences)
    staff = leaf_audiences(UK, ["all_staff"])
    assert all(audiences["visitors"].breadth > audiences[role].breadth for role in staff)
    assert audiences["visitors"].need_weight == 0


def test_emergency_medication_and_lock_flags() -> None:
    categories = _by_id("data_categories")
    assert categories["anaphylaxis_aai"].emergency_medication
    assert any(c.emergency_medication for c in OBJECTS.data_categories if c.id != "anaphylaxis_aai")
    assert categories["child_protection"].lock_is_correct
    assert any(c.lock_is_correct and not c.child_protection for c in OBJECTS.data_categories)
    assert [c.id for c in OBJECTS.controls if c.locks_away] == ["locked_container"]


def test_child_protection_and_religious_diet_sensitivity() -> None:
    categories = _by_id("data_categories")
    protection = categories["child_protection"]
    assert protection.sensitivity == max(c.sensitivity for c in OBJECTS.data_categories)
    assert protection.needed_by == ["dsl"] and protection.child_protection
    diet = categories["dietary_preference"]
    assert diet.special_category
    assert diet.sensitivity > min(c.sensitivity for c in OBJECTS.data_categories)


def test_templates_shaped_like_the_worked_examples() -> None:
    templates = {t.id: t.finding for t in OBJECTS.templates}
    poster = templates["allergy_poster_servery"]
    assert set(poster.needed_by) <= set(poster.visible_to) and "pupils" in poster.visible_to
    cover = templates["cover_folder_no_medical"]
    assert cover.visible_to == [] and "supply" in cover.needed_by
    locked_aai = templates["aai_box_locked_away"]
    assert "locked_container" in locked_aai.controls and not locked_aai.good_practice
    for good in ("allergy_register_good", "cp_records_locked", "aai_kit_point_good"):
        assert templates[good].good_practice
    assert "locked_container" not in templates["aai_kit_point_good"].controls
