"""The privacy side keeps exposure and sensitivity apart: who sees it without need is one number,
how sensitive the data is another, and only the privacy grid combines them. A religious diet is
special-category (Art 9) data, so it is scored as such and the reason says so. On the safeguarding
side, reach that is too slow is explained once, in plain words."""

from __future__ import annotations

from datetime import date

import pytest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.models import Finding
from datawalk.scoring import score_finding

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)
CATEGORIES = [category.id for category in UK.objects.data_categories]


def _seen_by_pupils(category: str, **fields) -> Finding:
    """A fictional named list on a classroom wall, seen by pupils, needed by teaching staff."""
    return Finding(
        audit_id="audit-sides-1",
        location_id="location-sides-1",
        categories=[category],
        format="list",
        identifiability="full_name",
        detail_level="condition_action",
        visible_to=["pupils", "teaching_staff"],
        needed_by=["teaching_staff"],
        **fields,
    )


def test_exposure_does_not_depend_on_sensitivity() -> None:
    scored = {c: score_finding(_seen_by_pupils(c), UK, today=WALK) for c in CATEGORIES}
    assert len({s.exposure for s in scored.values()}) == 1
    assert len({s.sensitivity for s in scored.values()}) > 1  # the categories do differ
    for category, s in scored.items():
        expected = UK.scoring.privacy_grid[s.exposure][s.sensitivity - 1]
        assert s.privacy_level == UK.scoring.levels[expected].id, category


@pytest.mark.parametrize("category", CATEGORIES)
def test_sensitivity_is_the_highest_of_the_categories(category: str) -> None:
    single = score_finding(_seen_by_pupils(category), UK, today=WALK)
    both = _seen_by_pupils(category).model_copy(update={"categories": [category, "attainment"]})
    sensitivities = {c.id: c.sensitivity for c in UK.objects.data_categories}
    assert single.sensitivity == sensitivities[category]
    assert score_finding(both, UK, today=WALK).sensitivity == max(
        sensitivities[category], sensitivities["attainment"]
    )


def test_a_religious_diet_is_scored_as_special_category_data() -> None:
    diet = UK.term("data_categories", "dietary_preference")
    assert diet.special_category
    lowest_ordinary = min(
        c.sensitivity for c in UK.objects.data_categories if not c.special_category
    )
    scored = score_finding(_seen_by_pupils("dietary_preference"), UK, today=WALK)
    assert scored.sensitivity == diet.sensitivity > lowest_ordinary
    assert any("special category" in r and "sensitivity" in r for r in scored.reasons)


def test_ordinary_data_is_not_called_special_category() -> None:
    scored = score_finding(_seen_by_pupils("attainment"), UK, today=WALK)
    assert not any("special category" in r for r in scored.reasons)


def test_slow_reach_is_explained_once_in_plain_words() -> None:
    from datawalk.models import Reach

    folder = Finding(
        audit_id="audit-sides-1",
        location_id="location-sides-1",
        categories=["anaphylaxis_aai"],
        format="cover_pack",
        identifiability="forename_photo",
        detail_level="condition_action",
        visible_to=[],
        needed_by=["supply"],
        reach=Reach.NOT_AT_ALL,
    )
    supply = UK.label("audiences", "supply").lower()
    [reason] = [r for r in score_finding(folder, UK, today=WALK).reasons if "availability gap" in r]
    assert reason.startswith(f"Needed by {supply}, who cannot reach it at all")
    assert reason.count(supply) == 1
    asked = folder.model_copy(update={"visible_to": ["supply"], "reach": Reach.ON_REQUEST})
    [reason] = [r for r in score_finding(asked, UK, today=WALK).reasons if "availability gap" in r]
    assert reason.startswith(f"{supply.capitalize()} can reach it only on request, but")
