"""The audit trail names things as a consultant knows them: findings by reference, locations and
floors by name, never by the store's internal ids; a deleted thing keeps the name it had, or is
called "deleted …" when the trail never recorded one."""

from __future__ import annotations

import re

import pytest

from datawalk.governance.trail_table import TrailNames, trail_names, trail_table
from datawalk.models import Action, ActionStatus, TrailEvent

ACTOR = "A. Consultant"


def _names(store, audit) -> TrailNames:
    return trail_names(
        store.get_audit(audit.id),
        store.list_locations(audit.id),
        store.list_findings(audit.id),
        store.list_actions(audit.id),
    )


def _ids_shown(table, ids) -> list[str]:
    text = table.to_csv()
    return [entity_id for entity_id in ids if entity_id in text]


@pytest.fixture
def walked(store, audit, location, make_location, make_finding, make_photo):
    """Two findings at two locations, a photo, an action covering both, then edits and deletes."""
    office = store.add_location(make_location(audit.id, name="School office"), ACTOR)
    first = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    second = store.save_finding(make_finding(audit.id, office.id), ACTOR)
    photo = store.add_photo(first.id, make_photo(), ACTOR)
    action = store.save_action(
        Action(audit_id=audit.id, finding_ids=[first.id, second.id], recommendation="Move it"),
        ACTOR,
    )
    store.save_action(action.model_copy(update={"status": ActionStatus.IN_PROGRESS}), ACTOR)
    moved = store.get_finding(second.id).model_copy(update={"location_id": location.id})
    store.save_finding(moved, ACTOR)
    ids = [audit.id, location.id, office.id, first.id, second.id, photo.id, action.id, "ground"]
    return {"first": first, "second": second, "office": office, "ids": ids}


def test_references_and_names_replace_internal_ids(store, audit, location, walked):
    table = trail_table(store.list_trail(audit.id), names=_names(store, audit))
    assert _ids_shown(table, walked["ids"]) == []
    first, second = walked["first"].reference, walked["second"].reference
    references = set(table["Reference"])
    assert {first, second, "Servery", "School office", audit.school.name} <= references
    assert f"photo of {first}" in references
    assert f"action for {first}, {second}" in references
    action_created = table[(table["Entity"] == "Action") & (table["Operation"] == "Created")]
    assert f"findings: {first}, {second}" in action_created["Changes"].iloc[0]
    moved = table[(table["Reference"] == second) & (table["Operation"] == "Updated")]
    assert moved["Changes"].iloc[0] == "location: School office → Servery"
    located = table[(table["Reference"] == "Servery") & (table["Operation"] == "Created")]
    assert "floor: Ground floor" in located["Changes"].iloc[0]
    audit_created = table[table["Entity"] == "Audit"]["Changes"].iloc[0]
    assert "Ground floor" in audit_created and "id ground" not in audit_created


def test_a_deleted_finding_keeps_its_reference_marked_deleted(store, audit, walked):
    second = walked["second"]
    store.delete_finding(second.id, ACTOR)
    table = trail_table(store.list_trail(audit.id), names=_names(store, audit))
    assert _ids_shown(table, walked["ids"]) == []
    assert f"{second.reference} (deleted)" in set(table["Reference"])
    # The action now covers the first finding only; its earlier rows still say what it covered.
    action_rows = table[table["Entity"] == "Action"]["Reference"]
    assert set(action_rows) == {f"action for {walked['first'].reference}"}


def test_ids_the_trail_never_named_read_as_deleted(audit):
    """An audit restored without its history: the trail alone cannot name the ids."""
    events = [
        TrailEvent(
            audit_id=audit.id,
            actor=ACTOR,
            entity="action",
            entity_id="ACTIONid12345678",
            operation="update",
            changes={"finding_ids": {"old": ["TVLgAsFgtIWj6HVC"], "new": ["Qx7pLm2Nc9Rt4Vb1"]}},
        ),
        TrailEvent(
            audit_id=audit.id,
            actor=ACTOR,
            entity="finding",
            entity_id="TVLgAsFgtIWj6HVC",
            operation="update",
            changes={"location_id": {"old": "LOCid98765432abc", "new": "LOCid2468ace1357"}},
        ),
    ]
    names = TrailNames(
        findings={"Qx7pLm2Nc9Rt4Vb1": "F-012"}, locations={"LOCid2468ace1357": "Hall"}
    )
    table = trail_table(events, names=names)
    assert not re.search(r"[A-Za-z0-9]{16}", table[["Reference", "Changes"]].to_csv())
    finding_row, action_row = table.iloc[0], table.iloc[1]
    assert finding_row["Reference"] == "deleted finding"
    assert finding_row["Changes"] == "location: deleted location → Hall"
    assert action_row["Reference"] == "deleted action for F-012"
    assert action_row["Changes"] == "findings: deleted finding → F-012"
