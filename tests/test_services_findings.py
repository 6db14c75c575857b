"""Saving a finding through the services: one transaction that keeps the default action in step."""

from __future__ import annotations

import pytest
from stdnum.gb import upn

from datawalk.checklist import pin_checklist
from datawalk.editing import DraftHolder
from datawalk.errors import ValidationError
from datawalk.models import ActionStatus
from datawalk.services import Actor, Workspace
from datawalk.services.findings import CLOSED_NOTE, delete_finding, save_finding, undo_delete

ACTOR = Actor("Test Consultant")
UPN = upn.calc_check_digit("801200005001") + "801200005001"  # fictional, valid check letter


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def audit(store, make_audit, checklist):
    """An audit pinned to the bundled checklist, so its findings are validated and scored."""
    return store.create_audit(make_audit(checklist=pin_checklist(checklist)), "Test Consultant")


@pytest.fixture
def location(store, audit, make_location):
    return store.add_location(make_location(audit.id), "Test Consultant")


def _actions(store, audit_id: str, finding_id: str):
    return [a for a in store.list_actions(audit_id) if finding_id in a.finding_ids]


def test_a_finding_that_needs_action_has_its_default_action_as_soon_as_it_is_saved(
    workspace, store, audit, location, make_finding
):
    saved = save_finding(workspace, ACTOR, make_finding(audit.id, location.id))
    actions = _actions(store, audit.id, saved.id)
    assert len(actions) == 1 and actions[0].status == ActionStatus.OPEN
    assert actions[0].recommendation
    # saving again (an edit) never duplicates it
    save_finding(workspace, ACTOR, saved.model_copy(update={"notes": "Moved to the office."}))
    assert len(_actions(store, audit.id, saved.id)) == 1


def test_good_practice_gets_no_action(workspace, store, audit, location, make_finding):
    saved = save_finding(workspace, ACTOR, make_finding(audit.id, location.id, good_practice=True))
    assert _actions(store, audit.id, saved.id) == []


def test_an_untouched_default_is_closed_when_the_finding_no_longer_needs_one(
    workspace, store, audit, location, make_finding
):
    saved = save_finding(workspace, ACTOR, make_finding(audit.id, location.id))
    edited = save_finding(workspace, ACTOR, saved.model_copy(update={"good_practice": True}))
    [action] = _actions(store, audit.id, edited.id)
    assert action.status == ActionStatus.DONE and action.notes == CLOSED_NOTE
    trail = [e for e in store.list_trail(audit.id) if e.entity == "action"]
    assert [e.operation for e in trail] == ["create", "update"]


def test_an_edited_default_action_is_kept_as_its_owner_left_it(
    workspace, store, audit, location, make_finding
):
    saved = save_finding(workspace, ACTOR, make_finding(audit.id, location.id))
    [action] = _actions(store, audit.id, saved.id)
    owned = store.save_action(action.model_copy(update={"owner": "Business manager"}), "Head")
    save_finding(workspace, ACTOR, saved.model_copy(update={"good_practice": True}))
    [after] = _actions(store, audit.id, saved.id)
    assert after.status == ActionStatus.OPEN and after.owner == owned.owner


def test_a_finding_outside_the_pinned_checklist_is_refused_and_nothing_is_written(
    workspace, store, audit, location, make_finding
):
    version = store.audit_version(audit.id)
    with pytest.raises(ValidationError):
        save_finding(workspace, ACTOR, make_finding(audit.id, location.id, format="hologram"))
    assert store.list_findings(audit.id) == [] and store.list_actions(audit.id) == []
    assert store.audit_version(audit.id) == version


def test_save_clears_the_draft_and_records_kept_identifiers_in_the_same_transaction(
    workspace, store, audit, location, make_finding
):
    tablet = DraftHolder(ACTOR.name, "tablet-device-1")
    other_tablet = DraftHolder(ACTOR.name, "tablet-device-2")
    store.save_draft(audit.id, location.id, {"notes": "half typed"}, holder=tablet)
    store.save_draft(audit.id, location.id, {"notes": "other tablet"}, holder=other_tablet)
    saved = save_finding(
        workspace,
        ACTOR,
        make_finding(audit.id, location.id, notes=f"Box labelled with UPN {UPN}"),
        keep={"notes"},
        clear_draft_at=location.id,
        draft_holder=tablet,
    )
    assert store.load_draft(audit.id, location.id, holder=tablet) is None
    # The same person's draft on their other tablet is theirs to save: it stays.
    assert store.load_draft(audit.id, location.id, holder=other_tablet) == {"notes": "other tablet"}
    kept = [e for e in store.list_trail(audit.id) if "pupil_identifiers_kept" in e.changes]
    assert [(e.entity_id, e.changes["pupil_identifiers_kept"]["new"]) for e in kept] == [
        (saved.id, {"notes": ["upn"]})
    ]


def test_undo_brings_back_the_finding_and_its_default_action(
    workspace, store, audit, location, make_finding
):
    saved = save_finding(workspace, ACTOR, make_finding(audit.id, location.id))
    deleted = delete_finding(workspace, ACTOR, saved.id)
    assert store.list_findings(audit.id) == [] and store.list_actions(audit.id) == []
    undo_delete(workspace, ACTOR, deleted)
    assert [f.id for f in store.list_findings(audit.id)] == [saved.id]
    assert len(_actions(store, audit.id, saved.id)) == 1


def test_a_length_limit_holds_even_when_a_copy_skipped_validation(
    workspace, store, audit, location, make_finding
):
    bypassed = make_finding(audit.id, location.id).model_copy(update={"notes": "x" * 20_000})
    with pytest.raises(ValidationError) as refused:
        save_finding(workspace, ACTOR, bypassed)
    assert refused.value.field == "notes" and "xxxx" not in str(refused.value)
    assert store.list_findings(audit.id) == []


def test_an_over_long_id_in_a_reference_is_refused():
    from datawalk.models import Location

    with pytest.raises(Exception, match="at most 64"):
        Location(audit_id="a" * 65, name="Servery", location_type="servery")


def test_an_edited_action_no_longer_needed_is_flagged_on_the_plan(
    workspace, store, audit, location, make_finding, checklist
):
    from datetime import date

    from datawalk.actions import describe_actions
    from datawalk.scored_table import scored_table

    def plan() -> list:
        table = scored_table(
            store.get_audit(audit.id),
            store.list_findings(audit.id),
            store.list_locations(audit.id),
            checklist,
        )
        return describe_actions(store.list_actions(audit.id), table, date.today())

    saved = save_finding(workspace, ACTOR, make_finding(audit.id, location.id))
    [action] = _actions(store, audit.id, saved.id)
    store.save_action(action.model_copy(update={"owner": "Business manager"}), "Head")
    [still] = plan()
    assert not still.no_longer_needed
    save_finding(workspace, ACTOR, saved.model_copy(update={"good_practice": True}))
    [flagged] = plan()
    assert flagged.no_longer_needed


def test_a_finding_with_an_identifier_not_kept_is_refused_at_its_field(
    workspace, store, audit, location, make_finding
):
    with pytest.raises(ValidationError) as refused:
        save_finding(workspace, ACTOR, make_finding(audit.id, location.id, notes=f"UPN {UPN}"))
    assert refused.value.field == "notes" and UPN not in str(refused.value)
    assert store.list_findings(audit.id) == []


def test_a_location_name_with_an_identifier_is_refused_unless_kept(workspace, store, audit):
    from datawalk.models import Location
    from datawalk.services.locations import add_location

    named = Location(audit_id=audit.id, name=f"Tray {UPN}", location_type="servery")
    with pytest.raises(ValidationError) as refused:
        add_location(workspace, ACTOR, named)
    assert refused.value.field == "name"
    assert store.list_locations(audit.id) == []
    added = add_location(workspace, ACTOR, named, keep={"name"})
    kept = [e for e in store.list_trail(audit.id) if "pupil_identifiers_kept" in e.changes]
    assert [(e.entity_id, e.changes["pupil_identifiers_kept"]["new"]) for e in kept] == [
        (added.id, {"name": ["upn"]})
    ]
