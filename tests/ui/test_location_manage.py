"""The walk page's "Rename, move or delete this location" panel, in AppTest: each change goes
through the location services, a name holding a pupil identifier needs a tick, and a location
with findings is never deleted."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from datawalk.checklist import checklist_from_pin, finding_from_template
from tests.ui.conftest import ACTOR
from tests.ui.walking import walk_page


def _save_button(at: AppTest):
    (button,) = [b for b in at.button if b.label == "Save location"]
    return button


def test_a_location_is_renamed_and_moved_to_another_floor(open_page, walk) -> None:
    at = walk_page(open_page, walk).button(key="manage_open").click().run()
    at.text_input(key="manage_name").set_value("Dining hall servery")
    first_floor = walk.audit.site.floors[1].id
    at.segmented_control(key=f"manage_floor_{walk.location.id}").set_value(first_floor)
    at = _save_button(at).click().run()

    assert not at.exception
    stored = walk.store.get_location(walk.location.id)
    assert (stored.name, stored.floor_id) == ("Dining hall servery", first_floor)
    assert "Location saved." in [s.value for s in at.success]


def test_a_name_holding_a_pupil_name_needs_a_tick(open_page, walk) -> None:
    at = walk_page(open_page, walk).button(key="manage_open").click().run()
    at.text_input(key="manage_name").set_value("Jo Bloggs 4T medical room")
    at = _save_button(at).click().run()

    assert walk.store.get_location(walk.location.id).name == "Servery"
    assert at.error, "the refusal is shown at the name"
    at.checkbox(key="manage_ok").check()
    at = _save_button(at).click().run()
    assert walk.store.get_location(walk.location.id).name == "Jo Bloggs 4T medical room"


def test_an_empty_location_is_deleted_after_confirming(open_page, walk) -> None:
    at = walk_page(open_page, walk).button(key="manage_open").click().run()
    at = at.button(key="manage_delete").click().run()
    at = at.button(key="manage_delete_yes").click().run()

    assert not at.exception
    assert walk.store.list_locations(walk.audit.id) == []
    assert "location" not in at.query_params
    assert "Deleted Servery." in [s.value for s in at.success]


def test_a_location_with_findings_is_kept_and_the_page_says_why(open_page, walk) -> None:
    checklist = checklist_from_pin(walk.audit.checklist)
    finding = finding_from_template(
        checklist, "allergy_poster_servery", walk.audit.id, walk.location.id
    )
    walk.store.save_finding(finding, ACTOR)
    at = walk_page(open_page, walk).button(key="manage_open").click().run()
    at = at.button(key="manage_delete").click().run()
    at = at.button(key="manage_delete_yes").click().run()

    assert [loc.id for loc in walk.store.list_locations(walk.audit.id)] == [walk.location.id]
    assert any("finding" in w.value.lower() for w in at.warning)
