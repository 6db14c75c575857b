"""Re-walks through the services: what is carried and what never is, the four states, carried
actions, and the comparison and trend after walking the fictional sample twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from datawalk.checklist import checklist_from_pin
from datawalk.errors import ValidationError
from datawalk.models import ActionStatus, AuditStatus, RewalkState
from datawalk.rewalk.carry import SNAPSHOT_DROPPED
from datawalk.rewalk.compare import BETTER, NOT_CHECKED, SAME, WORSE, compare_walks
from datawalk.rewalk.history import school_walk_count, school_walks
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import delete_due, set_status
from datawalk.services.findings import save_finding
from datawalk.services.rewalks import (
    accept_risk_again,
    mark_previous_finding,
    set_location_not_checked,
    start_rewalk,
)

ACTOR = Actor("Lead Consultant")
NEXT_YEAR = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def first(workspace, store):
    """The sample walk, completed."""
    audit_id = load_sample(store)
    return set_status(workspace, ACTOR, audit_id, AuditStatus.COMPLETE)


def _newer(checklist):
    return checklist.model_copy(update={"version": checklist.version + 1})


def _items_at(store, audit_id, location_id):
    return [i for i in store.rewalk_record(audit_id).items if i.location_id == location_id]


def test_a_rewalk_copies_the_school_site_plans_and_locations_but_no_finding(
    workspace, store, first
):
    old_checklist = checklist_from_pin(first.checklist)
    newer = _newer(old_checklist)

    audit = start_rewalk(workspace, ACTOR, first.id, [old_checklist, newer], walk_at=NEXT_YEAR)

    assert audit.previous_audit_id == first.id
    assert audit.status is AuditStatus.IN_PROGRESS
    assert (audit.school, audit.site) == (first.school, first.site)  # floors and plans too
    assert audit.checklist.version == newer.version
    assert store.get_audit(first.id).checklist == first.checklist  # the old pin is untouched

    def places(audit_id):
        return sorted((x.name, x.floor_id, str(x.position)) for x in store.list_locations(audit_id))

    assert places(audit.id) == places(first.id)
    assert store.list_findings(audit.id) == []
    record = store.rewalk_record(audit.id)
    old_findings = store.list_findings(first.id)
    assert {i.previous_finding_id for i in record.items} == {f.id for f in old_findings}
    assert all(i.state is RewalkState.PENDING for i in record.items)
    assert not any(SNAPSHOT_DROPPED & set(i.previous) for i in record.items)


def test_open_actions_and_accepted_risks_carry_over_linked_to_their_origin(workspace, store, first):
    old = store.list_actions(first.id)

    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)

    carried = store.rewalk_record(audit.id).carried_actions
    still_open = [a for a in old if a.status != ActionStatus.DONE]
    assert {c.origin_action_id for c in carried} == {a.id for a in still_open}
    assert all(c.origin_audit_id == first.id for c in carried)
    for action in carried:
        origin = next(a for a in old if a.id == action.origin_action_id)
        assert action.previous_finding_ids == origin.finding_ids
        assert action.accept_again == (origin.status == ActionStatus.RISK_ACCEPTED)
    risk = next(c for c in carried if c.accept_again)
    again = accept_risk_again(workspace, ACTOR, audit.id, risk.id, NEXT_YEAR.date())
    assert (again.accept_again, again.accepted_on, again.accepted_by) == (
        False,
        NEXT_YEAR.date(),
        ACTOR.name,
    )


def test_an_audit_in_progress_cannot_be_rewalked(workspace, store):
    audit_id = load_sample(store)
    with pytest.raises(ValidationError):
        start_rewalk(workspace, ACTOR, audit_id, [])


def test_still_as_it_was_is_a_new_finding_observed_today_without_notes_or_photos(
    workspace, store, first
):
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    item = store.rewalk_record(audit.id).items[0]
    old = store.get_finding(item.previous_finding_id)

    marked = mark_previous_finding(workspace, ACTOR, item.id, RewalkState.STILL)

    copy = store.get_finding(marked.new_finding_id)
    assert (copy.audit_id, copy.location_id) == (audit.id, item.location_id)
    assert (copy.categories, copy.visible_to, copy.needed_by, copy.reach, copy.review_date) == (
        old.categories,
        old.visible_to,
        old.needed_by,
        old.reach,
        old.review_date,
    )
    assert (copy.notes, copy.good_practice_note, copy.photos) == ("", "", [])
    assert copy.evidence == "observed" and copy.created_at > old.created_at
    events = [e for e in store.list_trail(audit.id) if e.entity_id == item.id]
    assert events[-1].changes["rewalk_state"] == {"old": "pending", "new": "still"}


def test_resolved_removes_a_copy_and_offers_to_close_its_carried_action(workspace, store, first):
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    record = store.rewalk_record(audit.id)
    action = next(c for c in record.carried_actions if c.status == ActionStatus.OPEN)
    item = next(i for i in record.items if i.previous_finding_id in action.previous_finding_ids)
    mark_previous_finding(workspace, ACTOR, item.id, RewalkState.CHANGED)

    resolved = mark_previous_finding(
        workspace,
        ACTOR,
        item.id,
        RewalkState.RESOLVED,
        note="Poster moved to the office.",
        close_actions=True,
        today=NEXT_YEAR.date(),
    )

    assert resolved.new_finding_id is None and store.list_findings(audit.id) == []
    closed = next(c for c in store.rewalk_record(audit.id).carried_actions if c.id == action.id)
    assert (closed.status, closed.checked_on, closed.checked_by) == (
        ActionStatus.DONE,
        NEXT_YEAR.date(),
        ACTOR.name,
    )


def test_a_location_not_checked_marks_its_waiting_findings(workspace, store, first):
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    location = next(x for x in store.list_locations(audit.id) if _items_at(store, audit.id, x.id))

    set_location_not_checked(workspace, ACTOR, audit.id, location.id, True)

    record = store.rewalk_record(audit.id)
    assert [u.location_id for u in record.unchecked_locations] == [location.id]
    assert {i.state for i in _items_at(store, audit.id, location.id)} == {RewalkState.NOT_CHECKED}
    set_location_not_checked(workspace, ACTOR, audit.id, location.id, False)
    assert {i.state for i in _items_at(store, audit.id, location.id)} == {RewalkState.PENDING}


def test_a_rewalk_of_a_purged_audit_brings_nothing_purged_back(workspace, store, first):
    store.purge_photos_and_text(first.id, ACTOR.name)
    purged = store.list_findings(first.id)
    assert not any(f.photos or f.notes or f.title for f in purged)

    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    for item in store.rewalk_record(audit.id).items:
        mark_previous_finding(workspace, ACTOR, item.id, RewalkState.STILL)

    copies = store.list_findings(audit.id)
    assert len(copies) == len(purged)
    assert not any(f.photos or f.notes or f.title or f.good_practice_note for f in copies)
    assert store.get_audit(audit.id).scope_limitations == ""


def _walk_twice(workspace, store, first, make_finding):
    """Re-walk the sample: one location resolved, one still, one changed for the worse, one
    not checked, and a new finding at a place that had none."""
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    places = [x for x in store.list_locations(audit.id) if _items_at(store, audit.id, x.id)]
    empty = next(x for x in store.list_locations(audit.id) if not _items_at(store, audit.id, x.id))
    resolved, still, changed, locked = places[:4]
    for item in _items_at(store, audit.id, resolved.id):
        mark_previous_finding(workspace, ACTOR, item.id, RewalkState.RESOLVED)
    for item in _items_at(store, audit.id, still.id):
        mark_previous_finding(workspace, ACTOR, item.id, RewalkState.STILL)
    for item in _items_at(store, audit.id, changed.id):
        marked = mark_previous_finding(workspace, ACTOR, item.id, RewalkState.CHANGED)
        copy = store.get_finding(marked.new_finding_id)
        seen = ["parents", "pupils", "through_window", "visitors"]
        save_finding(workspace, ACTOR, copy.model_copy(update={"visible_to": seen, "controls": []}))
    set_location_not_checked(workspace, ACTOR, audit.id, locked.id, True)
    new = make_finding(audit.id, empty.id, visible_to=["parents", "visitors"])
    save_finding(workspace, ACTOR, new)
    return audit, {
        "resolved": resolved,
        "still": still,
        "changed": changed,
        "locked": locked,
        "new": empty,
    }


def _comparison(store, audit):
    audit = store.get_audit(audit.id)
    return compare_walks(
        audit,
        store.list_locations(audit.id),
        store.findings_for_scoring(audit.id),
        store.rewalk_record(audit.id),
        checklist_from_pin(audit.checklist),
        store.get_audit(audit.previous_audit_id).checklist.version,
    )


def test_walking_the_sample_twice_compares_location_by_location(
    workspace, store, first, make_finding
):
    audit, at = _walk_twice(workspace, store, first, make_finding)
    n = {k: len(_items_at(store, audit.id, x.id)) for k, x in at.items()}

    comparison = _comparison(store, audit)

    rows = comparison.rows.set_index("location_id")
    row = {k: rows.loc[x.id] for k, x in at.items()}
    assert (row["resolved"]["resolved"], row["resolved"]["direction"]) == (n["resolved"], BETTER)
    assert row["resolved"]["after_privacy"] == "" and row["resolved"]["before_privacy"] != ""
    assert (row["still"]["persisting"], row["still"]["direction"]) == (n["still"], SAME)
    assert row["still"]["before_privacy"] == row["still"]["after_privacy"]
    assert (row["changed"]["persisting"], row["changed"]["new"]) == (n["changed"], 0)
    assert row["changed"]["direction"] in (WORSE, SAME)
    assert row["changed"]["after_privacy_index"] >= row["changed"]["before_privacy_index"]
    assert (row["locked"]["not_checked"], row["locked"]["direction"]) == (n["locked"], NOT_CHECKED)
    assert (row["new"]["new"], row["new"]["direction"]) == (1, WORSE)
    totals = comparison.totals()
    assert totals["resolved"] == n["resolved"] and totals["new"] == 1
    assert totals["persisting"] == n["still"] + n["changed"]
    assert not comparison.rescored and comparison.note == ""


def test_a_newer_checklist_rescores_last_time_in_memory_and_says_so(workspace, store, first):
    newer = _newer(checklist_from_pin(first.checklist))
    audit = start_rewalk(workspace, ACTOR, first.id, [newer], walk_at=NEXT_YEAR)

    comparison = _comparison(store, audit)

    assert comparison.rescored and "version" in comparison.note
    assert comparison.rows["before_privacy"].ne("").any()
    assert store.get_audit(first.id).checklist == first.checklist


def test_the_trend_keeps_a_deleted_walk_as_counts_and_worst_levels(
    workspace, store, first, make_finding
):
    audit, _ = _walk_twice(workspace, store, first, make_finding)
    before = school_walks(workspace.reads, store.get_audit(audit.id))
    assert [w.audit_id for w in before] == [first.id, audit.id]
    assert school_walk_count(workspace.reads, store.get_audit(audit.id)) == 2

    later = store.get_audit(first.id).completed_at + timedelta(days=366 * 3)
    delete_due(workspace, ACTOR, first.id, later)

    after = school_walks(workspace.reads, store.get_audit(audit.id))
    assert [(w.audit_id, w.held) for w in after] == [(first.id, False), (audit.id, True)]
    assert school_walk_count(workspace.reads, store.get_audit(audit.id)) == 2  # one kept
    assert after[0].worst_counts() == before[0].worst_counts()
    assert after[0].locations == before[0].locations
    kept = after[0].model_dump_json()
    assert "notes" not in kept and first.auditor not in kept


def test_purging_a_rewalk_empties_its_notes_and_accepted_reasons(workspace, store, first):
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    record = store.rewalk_record(audit.id)
    mark_previous_finding(
        workspace, ACTOR, record.items[0].id, RewalkState.RESOLVED, note="Poster taken down."
    )
    assert any(a.accepted_reason for a in record.carried_actions)

    store.purge_photos_and_text(audit.id, ACTOR.name)

    purged = store.rewalk_record(audit.id)
    assert not any(i.note for i in purged.items)
    assert not any(a.accepted_reason for a in purged.carried_actions)
    assert [a.accepted_by for a in purged.carried_actions] == [
        a.accepted_by for a in record.carried_actions
    ]
