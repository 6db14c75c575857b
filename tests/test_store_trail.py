"""Store: the audit trail records who changed which fields, never free text or photo bytes."""

from __future__ import annotations

import base64
import json

import pytest

from datawalk.errors import ConflictError
from datawalk.models import Action, ActionStatus, Position
from tests.pictures import noise_png

ACTOR = "Test Consultant"
SECRET = "Zebedee-Quillfeather-7731"  # distinctive free text that must never reach the trail


def _events(store, audit_id, entity=None):
    return [e for e in store.list_trail(audit_id) if entity is None or e.entity == entity]


def test_creating_an_audit_is_recorded(store, make_audit):
    audit = store.create_audit(make_audit(scope_limitations=SECRET), ACTOR)
    (event,) = store.list_trail(audit.id)
    assert (event.entity, event.entity_id, event.operation, event.actor) == (
        "audit",
        audit.id,
        "create",
        ACTOR,
    )
    assert event.changes["auditor"] == {"new": "A. Consultant"}
    assert event.changes["scope_limitations"] == {"changed": True}
    assert event.changes["checklist"]["new"]["id"] == "test_checklist"
    assert "content" not in event.changes["checklist"]["new"]


def test_audit_update_records_old_and_new(store, audit):
    store.update_audit(audit.id, "Second Consultant", auditor="B. Consultant")
    store.update_audit(audit.id, ACTOR, overall_opinion=SECRET)
    *_, auditor_change, opinion_change = _events(store, audit.id, "audit")
    assert auditor_change.actor == "Second Consultant"
    assert auditor_change.changes == {"auditor": {"old": "A. Consultant", "new": "B. Consultant"}}
    assert opinion_change.changes == {"overall_opinion": {"changed": True}}


def test_finding_lifecycle_is_recorded(store, audit, location, make_finding, make_photo):
    finding = store.save_finding(
        make_finding(audit.id, location.id, notes=SECRET, photos=[make_photo(caption=SECRET)]),
        ACTOR,
    )
    store.save_finding(
        finding.model_copy(update={"visible_to": ["pupils"], "notes": SECRET + " again"}), ACTOR
    )
    store.delete_finding(finding.id, ACTOR)
    events = _events(store, audit.id)
    kinds = [(e.entity, e.operation) for e in events if e.entity in ("finding", "photo")]
    assert kinds == [
        ("finding", "create"),
        ("photo", "create"),
        ("finding", "update"),
        ("photo", "delete"),
        ("finding", "delete"),
    ]
    create, photo_create, update, *_ = [e for e in events if e.entity in ("finding", "photo")]
    assert create.changes["reference"] == {"new": "F-001"}
    assert create.changes["notes"] == {"changed": True}
    assert photo_create.changes["size"]["new"] == len(finding.photos[0].data)
    assert photo_create.changes["caption"] == {"changed": True}
    assert update.changes == {
        "notes": {"changed": True},
        "visible_to": {"old": ["visitors"], "new": ["pupils"]},
    }


def test_free_text_and_bytes_never_reach_the_trail(
    store, audit, location, make_finding, make_photo, make_location
):
    photo = make_photo(data=noise_png(), caption=SECRET)
    marker = base64.b64encode(photo.data).decode()[:64]  # how the bytes would read in JSON
    store.update_audit(audit.id, ACTOR, scope_limitations=SECRET, overall_opinion=SECRET)
    finding = store.save_finding(
        make_finding(
            audit.id,
            location.id,
            notes=SECRET,
            good_practice_note=SECRET,
            photos=[photo],
        ),
        ACTOR,
    )
    action = _action(audit, finding)
    action = action.model_copy(
        update={"recommendation": SECRET, "notes": SECRET, "accepted_reason": SECRET}
    )
    store.save_action(action, ACTOR)
    store.delete_finding(finding.id, ACTOR)
    dumped = json.dumps([e.model_dump(mode="json") for e in store.list_trail(audit.id)])
    assert SECRET not in dumped
    assert marker not in dumped and SECRET not in dumped
    assert finding.photos[0].id in dumped


def test_location_and_action_changes_are_recorded(store, audit, location, make_finding):
    store.set_location_position(location.id, Position(x=0.1, y=0.2), ACTOR)
    store.set_location_nothing_found(location.id, True, ACTOR)
    position, nothing = _events(store, audit.id, "location")[1:]
    assert position.changes == {"position": {"old": None, "new": {"x": 0.1, "y": 0.2}}}
    assert nothing.changes == {"nothing_found": {"old": False, "new": True}}
    finding = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    action = store.save_action(_action(audit, finding), ACTOR)
    store.save_action(action.model_copy(update={"status": ActionStatus.DONE}), ACTOR)
    store.delete_action(action.id, ACTOR)
    events = _events(store, audit.id, "action")
    assert [e.operation for e in events] == ["create", "update", "delete"]
    assert events[1].changes == {"status": {"old": "open", "new": "done"}}


def test_unchanged_save_writes_no_event(store, audit, location):
    before = len(store.list_trail(audit.id))
    store.update_location(location, ACTOR)
    assert len(store.list_trail(audit.id)) == before


def test_failed_write_leaves_no_event(store, audit, location, make_finding):
    finding = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    store.save_finding(finding.model_copy(update={"notes": "a"}), ACTOR)
    before = store.list_trail(audit.id)
    with pytest.raises(ConflictError):
        store.save_finding(finding.model_copy(update={"notes": "stale"}), ACTOR)
    assert store.list_trail(audit.id) == before


def _action(audit, finding):
    return Action(audit_id=audit.id, finding_ids=[finding.id], recommendation="Move it")


def test_kept_identifiers_are_recorded_by_kind_and_bump_the_version(store, audit, location):
    version = store.audit_version(audit.id)
    event = store.record_kept_identifiers(
        audit.id, ACTOR, entity="location", entity_id=location.id, kept={"name": ["person_name"]}
    )
    assert store.list_trail(audit.id)[-1] == event
    assert (event.entity, event.entity_id, event.operation, event.actor) == (
        "location",
        location.id,
        "update",
        ACTOR,
    )
    assert event.changes == {"pupil_identifiers_kept": {"new": {"name": ["person_name"]}}}
    assert store.audit_version(audit.id) > version
    # The export carries it, as it carries the whole trail.
    assert event in store.export_document(audit.id).trail


def test_nothing_kept_records_nothing(store, audit, location):
    before = store.list_trail(audit.id)
    assert (
        store.record_kept_identifiers(
            audit.id, ACTOR, entity="location", entity_id=location.id, kept={}
        )
        is None
    )
    assert store.list_trail(audit.id) == before


def test_many_changes_each_record_their_own_diff_even_from_fresh_snapshots(store, audit):
    """A bulk record diffs snapshots shared by many rows once; snapshots made afresh at every
    read of a lazy sequence must still each get their own diff."""
    from collections.abc import Sequence

    from datawalk.store.trail import record_changes

    class FreshSnapshots(Sequence):
        def __len__(self) -> int:
            return 40

        def __getitem__(self, index):
            if not 0 <= index < 40:
                raise IndexError(index)
            return (f"action-{index:03d}", None, {"owner": f"Owner {index}"})

    shared_old, shared_new = {"status": "open"}, {"status": "done"}
    changes = [*FreshSnapshots(), *[(f"shared-{i}", shared_old, shared_new) for i in range(3)]]
    with store.engine.begin() as connection:
        record_changes(connection, audit_id=audit.id, actor=ACTOR, entity="action", changes=changes)
        record_changes(
            connection, audit_id=audit.id, actor=ACTOR, entity="action", changes=FreshSnapshots()
        )
    recorded = [(e.entity_id, e.changes) for e in _events(store, audit.id, "action")]
    expected = [(f"action-{i:03d}", {"owner": {"new": f"Owner {i}"}}) for i in range(40)]
    shared = [(f"shared-{i}", {"status": {"old": "open", "new": "done"}}) for i in range(3)]
    assert recorded == expected + shared + expected
