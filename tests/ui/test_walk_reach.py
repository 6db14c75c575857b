"""The walk page's "who" section: 'Visible to' says it includes the staff who need it, 'Needed by'
offers only audiences that can need anything, reach per audience is an optional refinement in a
closed expander, and good practice that scores as a risk is flagged."""

from __future__ import annotations

from datawalk.models import Reach
from tests.ui.walking import cap_key, save, walk_page

TEMPLATE = "allergy_poster_servery"


def _needed_by_options(at) -> list[str]:
    return list(at.pills(key=cap_key(at, "needed_by")).options)


def test_visible_to_says_it_includes_the_staff_who_need_it(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    assert any("includes the staff who need it" in c.value for c in at.caption)
    assert "including the staff who need it" in at.pills(key=cap_key(at, "visible_to")).help


def test_needed_by_does_not_offer_audiences_that_never_need_anything(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    offered = _needed_by_options(at)
    assert offered and not {"Visitors, public and contractors", "Seen through a window"} & set(
        offered
    )
    assert "People hiring the premises" not in offered
    assert "Supply and cover staff" in offered
    visible = list(at.pills(key=cap_key(at, "visible_to")).options)
    assert "Seen through a window" in visible  # they can still see it


def test_the_common_case_needs_no_tap_in_the_reach_expander(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    expander = [e for e in at.expander if e.label.startswith("Reach per audience")]
    assert [e.label for e in expander] == ["Reach per audience (optional)"]
    at = save(at)
    [saved] = walk.store.list_findings(walk.audit.id, walk.location.id)
    assert saved.needed_reach == {}


def test_a_reach_given_for_one_needer_is_saved_and_scored(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    needers = at.pills(key=cap_key(at, "needed_by")).value
    assert "supply" not in needers
    at.pills(key=cap_key(at, "needed_by")).set_value([*needers, "supply"]).run()
    key = f"{cap_key(at, 'needed_reach')}_supply"
    at.segmented_control(key=key).set_value(Reach.NOT_AT_ALL.value).run()
    assert [e.label for e in at.expander if e.label.startswith("Reach per")] == [
        "Reach per audience (1 set)"
    ]
    assert any("Supply and cover staff cannot reach it at all" in c.value for c in at.caption)
    at = save(at)
    assert not at.exception
    [saved] = walk.store.list_findings(walk.audit.id, walk.location.id)
    assert saved.needed_reach == {"supply": Reach.NOT_AT_ALL}


def test_good_practice_that_scores_as_a_risk_is_flagged(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()  # over-exposed
    assert not [w for w in at.warning if "good practice" in w.value]
    at.toggle(key=cap_key(at, "good_practice")).set_value(True).run()
    [warning] = [w for w in at.warning if "Marked as good practice" in w.value]
    assert "over-exposed" in warning.value


def test_settings_show_the_graded_review_dates_and_who_can_need(open_page, walk) -> None:
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    assert "Passed review dates" in [e.label for e in at.expander]
    frames = [f.value for f in at.dataframe]
    bands = next(f for f in frames if "Review date passed" in f.columns)
    assert len(bands) == 3 and bands["Gap before weighting"].is_monotonic_increasing
    audiences = next(f for f in frames if "Can need it" in f.columns)
    never = set(audiences[audiences["Can need it"] == "no"]["Audience"])
    assert never == {
        "Visitors, public and contractors",
        "Seen through a window",
        "People hiring the premises",
    }
