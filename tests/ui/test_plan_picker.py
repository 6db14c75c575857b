"""The walk page's floor-plan widget in AppTest: what it says with and without a plan, the list of
places not yet pinned, and taking a pin off. Tapping the plan itself happens inside the widget's
iframe, so it is tested in a real browser (tests/browser/test_dashboard_browser.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from datawalk.floorplan import plan_from_upload
from datawalk.models import Location, Position


def _plan_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (250, 250, 250)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def with_plan(walk):
    """The walk's ground floor has a plan; a second location on it has no pin yet."""
    floor = walk.audit.site.floors[0]
    walk.store.set_floor_plan(walk.audit.id, floor.id, plan_from_upload(_plan_png()), "Test")
    other = Location(
        audit_id=walk.audit.id, name="Staff room", location_type="staff_room", floor_id=floor.id
    )
    walk.store.add_location(other, "Test")
    return walk


def _expander_labels(at) -> list[str]:
    return [expander.label for expander in at.expander]


def _captions(at) -> str:
    return "\n".join(caption.value for caption in at.caption).replace("\\", "")


def test_a_floor_without_a_plan_points_to_settings(open_page, walk):
    at = open_page("walk", audit=walk.audit.id, location=walk.location.id)
    assert not at.exception
    assert "On the floor plan: not placed yet" in _expander_labels(at)
    assert "Ground floor has no plan yet. Add one in Settings." in _captions(at)


def test_unpinned_places_are_listed_with_their_floor(open_page, with_plan):
    at = open_page("walk", audit=with_plan.audit.id, location=with_plan.location.id)
    assert not at.exception
    captions = _captions(at)
    assert "Tap the plan to place Servery." in captions
    assert "Not placed yet (2): Servery (Ground floor), Staff room (Ground floor)" in captions


def test_a_placed_location_shows_where_and_can_be_unpinned(open_page, with_plan):
    store, location = with_plan.store, with_plan.location
    store.set_location_position(location.id, Position(x=0.25, y=0.75), "Test")
    at = open_page("walk", audit=with_plan.audit.id, location=location.id)
    assert "On the floor plan: placed" in _expander_labels(at)
    captions = _captions(at)
    assert "Placed 25% across and 75% down the plan." in captions
    assert "Tap the plan to move Servery." in captions
    assert "Not placed yet (1): Staff room (Ground floor)" in captions

    at.button(key=f"plan_unpin_{location.id}").click().run()
    assert not at.exception
    assert store.get_location(location.id).position is None
    assert "On the floor plan: not placed yet" in _expander_labels(at)
