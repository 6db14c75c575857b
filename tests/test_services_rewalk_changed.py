"""Changed on a re-walk saves nothing until the capture form is saved: then the finding and what
last walk's finding became are recorded together, or neither is."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datawalk.errors import ValidationError
from datawalk.models import AuditStatus, RewalkState
from datawalk.rewalk.carry import finding_from_snapshot
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import mark_previous_finding, save_changed_finding, start_rewalk

ACTOR = Actor("Lead Consultant")


@pytest.fixture
def rewalk(store):
    workspace = Workspace(store)
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=datetime(2026, 3, 9, tzinfo=UTC))
    return workspace, audit, store.rewalk_record(audit.id).items


def test_saving_the_edited_copy_records_it_as_changed(store, rewalk):
    workspace, audit, (item, *_) = rewalk
    edited = finding_from_snapshot(item, audit.id).model_copy(update={"notes": "Now laminated."})

    saved = save_changed_finding(workspace, ACTOR, item.id, edited)

    marked = store.get_rewalk_item(item.id)
    assert marked.state is RewalkState.CHANGED and marked.new_finding_id == saved.id
    assert marked.decided_by == ACTOR.name
    assert [f.notes for f in store.list_findings(audit.id, item.location_id)] == ["Now laminated."]


def test_a_refused_save_records_neither_the_finding_nor_the_state(store, rewalk):
    workspace, audit, (item, *_) = rewalk
    note = "Poster by the hatch shows Amelia Johnson with photo."
    edited = finding_from_snapshot(item, audit.id).model_copy(update={"notes": note})

    with pytest.raises(ValidationError, match="pupil identifier"):
        save_changed_finding(workspace, ACTOR, item.id, edited)

    assert store.get_rewalk_item(item.id).state is RewalkState.PENDING
    assert store.list_findings(audit.id, item.location_id) == []


def test_a_finding_at_another_place_is_refused(store, rewalk):
    workspace, audit, items = rewalk
    item = items[0]
    other = next(i for i in items if i.location_id != item.location_id)
    elsewhere = finding_from_snapshot(other, audit.id)

    with pytest.raises(ValidationError, match="another location"):
        save_changed_finding(workspace, ACTOR, item.id, elsewhere)
    assert store.get_rewalk_item(item.id).state is RewalkState.PENDING


def test_a_new_finding_for_an_item_still_as_it_was_replaces_its_copy(store, rewalk):
    workspace, audit, (item, *_) = rewalk
    copy_id = mark_previous_finding(workspace, ACTOR, item.id, RewalkState.STILL).new_finding_id

    saved = save_changed_finding(workspace, ACTOR, item.id, finding_from_snapshot(item, audit.id))

    assert [f.id for f in store.list_findings(audit.id, item.location_id)] == [saved.id]
    assert saved.id != copy_id
    assert store.get_rewalk_item(item.id).new_finding_id == saved.id
