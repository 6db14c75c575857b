"""Location use cases: rename and move are validated again before storing; a location with
findings cannot be deleted."""

from __future__ import annotations

import pytest

from datawalk.checklist import pin_checklist
from datawalk.errors import ConflictError, ValidationError
from datawalk.models import Position
from datawalk.services import Actor, Workspace
from datawalk.services.locations import delete_location, move_location, rename_location

ACTOR = Actor("Test Consultant")


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def audit(store, make_audit, checklist):
    return store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)


@pytest.fixture
def location(store, audit, make_location):
    return store.add_location(make_location(audit.id), ACTOR.name)


def test_a_rename_over_the_length_limit_is_refused_and_nothing_changes(workspace, store, location):
    with pytest.raises(ValidationError) as refused:
        rename_location(workspace, ACTOR, location.id, "x" * 500)
    assert refused.value.field == "name"
    assert store.get_location(location.id).name == location.name
    assert rename_location(workspace, ACTOR, location.id, "  Hall  ").name == "Hall"


def test_a_move_to_another_floor_takes_the_pin_off_and_an_unknown_floor_is_refused(
    workspace, store, location
):
    store.set_location_position(location.id, Position(x=0.5, y=0.5), ACTOR.name)
    moved = move_location(workspace, ACTOR, location.id, "first")
    assert (moved.floor_id, moved.position) == ("first", None)
    with pytest.raises(ValidationError):
        move_location(workspace, ACTOR, location.id, "roof")
    assert store.get_location(location.id).floor_id == "first"


def test_a_location_with_findings_cannot_be_deleted(
    workspace, store, audit, location, make_finding
):
    store.save_finding(make_finding(audit.id, location.id), ACTOR.name)
    with pytest.raises(ConflictError, match="still has 1 finding"):
        delete_location(workspace, ACTOR, location.id)
    assert store.get_location(location.id)
