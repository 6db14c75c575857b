"""Floor plans and the checklist library through the services."""

from __future__ import annotations

from pathlib import Path

import pytest

from datawalk.checklist import available_checklists
from datawalk.errors import ValidationError
from datawalk.models import Position
from datawalk.services import Actor, Workspace, checklists, plans

ACTOR = Actor("Test Consultant")
DATA = Path(__file__).parent / "data" / "checklists"


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def audit(store, make_audit):
    return store.create_audit(make_audit(), ACTOR.name)


def test_a_plan_that_is_not_an_image_is_refused_and_nothing_is_written(workspace, store, audit):
    version = store.audit_version(audit.id)
    with pytest.raises(ValidationError) as refused:
        plans.upload_plan(workspace, ACTOR, audit.id, "ground", b"%PDF-1.7 not a plan")
    assert refused.value.field == "plan"
    assert store.audit_version(audit.id) == version


def test_a_plan_is_stored_cleaned_and_recorded_then_removed(workspace, store, audit, png):
    updated = plans.upload_plan(workspace, ACTOR, audit.id, "ground", png(40, 30))
    plan = updated.floor("ground").plan
    assert plan is not None and (plan.width, plan.height) == (40, 30)
    event = store.list_trail(audit.id)[-1]
    assert event.changes["floor_plan"]["floor_id"] == "ground" and event.actor == ACTOR.name
    assert plans.remove_plan(workspace, ACTOR, audit.id, "ground").floor("ground").plan is None


def test_a_location_is_placed_only_on_a_floor_with_a_plan(
    workspace, store, audit, make_location, png
):
    location = store.add_location(make_location(audit.id), ACTOR.name)
    with pytest.raises(ValidationError, match="no plan"):
        plans.place_location(workspace, ACTOR, location.id, Position(x=0.2, y=0.4))
    assert store.get_location(location.id).position is None
    plans.upload_plan(workspace, ACTOR, audit.id, location.floor_id, png(40, 30))
    placed = plans.place_location(workspace, ACTOR, location.id, Position(x=0.2, y=0.4))
    assert placed.position == Position(x=0.2, y=0.4)
    assert plans.place_location(workspace, ACTOR, location.id, None).position is None


def test_a_checklist_is_added_to_the_library(workspace, tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    added = checklists.add_checklist(workspace, ACTOR, text, "minimal.yaml", tmp_path)
    assert [c.id for c in available_checklists(tmp_path)] == [added.id]
