"""The walk page's locations in AppTest: added, opened, kept in order for the visit, and what is
recorded on a location itself (nothing found, prompts ticked)."""

from __future__ import annotations

from datawalk.models import Location
from datawalk.privacy.text_checks import KEPT_IDENTIFIERS
from tests.ui.conftest import ACTOR
from tests.ui.walking import (
    TEMPLATE,
    cap_key,
    save,
    walk_page,
)


def test_nothing_found_is_recorded_on_the_location(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.button(key="loc_nothing_found").click().run()

    assert walk.store.get_location(walk.location.id).nothing_found
    assert at.button(key="loc_nothing_undo")


def test_prompts_ticked_are_kept_on_the_location(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.checkbox(key=f"prompt_{walk.location.id}_0").check().run()

    assert len(walk.store.get_location(walk.location.id).prompts_checked) == 1


def test_adding_a_location_opens_it(open_page, walk) -> None:
    at = open_page("walk", audit=walk.audit.id)
    at.text_input(key="loc_name_0").input("Kitchen")
    at.selectbox(key="loc_type_0").set_value("kitchen")
    at.button(key="loc_add").click().run()

    added = [loc for loc in walk.store.list_locations(walk.audit.id) if loc.name == "Kitchen"]
    assert len(added) == 1
    assert at.query_params["location"] == added[0].id


def test_a_location_name_with_a_pupil_identifier_needs_a_logged_confirmation(
    open_page, walk
) -> None:
    at = open_page("walk", audit=walk.audit.id)
    at.text_input(key="loc_name_0").input("Quiet room, ring 020 7946 0018")
    at.selectbox(key="loc_type_0").set_value("kitchen")
    at.button(key="loc_add").click().run()

    assert any("Location name may contain" in str(e.value) for e in at.error)
    assert len(walk.store.list_locations(walk.audit.id)) == 1

    at.checkbox(key="loc_name_ok_0").check()
    at.button(key="loc_add").click().run()
    added = [loc for loc in walk.store.list_locations(walk.audit.id) if loc.id != walk.location.id]
    assert [loc.name for loc in added] == ["Quiet room, ring 020 7946 0018"]
    kept = [e for e in walk.store.list_trail(walk.audit.id) if KEPT_IDENTIFIERS in e.changes]
    assert [(e.entity, e.entity_id) for e in kept] == [("location", added[0].id)]
    assert kept[0].changes[KEPT_IDENTIFIERS] == {"new": {"name": ["uk_phone"]}}


def test_location_pills_keep_their_order_for_the_visit(open_page, walk) -> None:
    kitchen = Location(audit_id=walk.audit.id, name="Kitchen", location_type="kitchen")
    kitchen = walk.store.add_location(kitchen, ACTOR)
    at = walk_page(open_page, walk)
    pills = f"walk_location_{walk.location.id}"
    before = at.pills(key=pills).options
    assert [o.split(" ")[0] for o in before] == ["Kitchen", "Servery"]

    # A save at the servery makes it the most recently used place in the store …
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at = save(at)
    assert walk.store.list_locations(walk.audit.id)[0].id == walk.location.id
    # … but the pills under the consultant's finger stay where they were.
    assert at.pills(key=pills).options == before
    at.pills(key=pills).set_value(kitchen.id).run()
    assert at.pills(key=f"walk_location_{kitchen.id}").options == before

    # A new visit starts from the most recently used.
    fresh = walk_page(open_page, walk)
    assert fresh.pills(key=pills).options == list(reversed(before))
