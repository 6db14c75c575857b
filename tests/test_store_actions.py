"""Store: the action plan: actions over one or more findings, and all-or-nothing updates."""

from __future__ import annotations

from datetime import date

import pytest

from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import Action, ActionStatus

ACTOR = "Test Consultant"


@pytest.fixture
def findings(store, audit, location, make_finding):
    """Three stored findings in `audit`."""
    return [store.save_finding(make_finding(audit.id, location.id), ACTOR) for _ in range(3)]


def _action(audit, finding_ids, **fields):
    return Action(audit_id=audit.id, finding_ids=finding_ids, **fields)


def test_save_list_update_delete(store, audit, findings):
    high = store.save_action(_action(audit, [findings[0].id], priority=9.0), ACTOR)
    merged = store.save_action(
        _action(audit, [findings[2].id, findings[1].id], priority=3.0, owner="Head teacher"),
        ACTOR,
    )
    assert store.list_actions(audit.id) == [high, merged]
    assert store.list_actions(audit.id)[1].finding_ids == [findings[2].id, findings[1].id]
    edited = store.save_action(
        merged.model_copy(update={"due_date": date(2025, 5, 1), "priority": 10.0}), ACTOR
    )
    assert edited.created_at == merged.created_at
    assert store.list_actions(audit.id) == [edited, high]
    assert store.delete_action(high.id, ACTOR) == high
    assert store.list_actions(audit.id) == [edited]
    with pytest.raises(NotFoundError):
        store.delete_action(high.id, ACTOR)


def test_action_must_cover_findings_of_its_audit(store, audit, findings, make_audit):
    with pytest.raises(ValidationError, match="not in this audit"):
        store.save_action(_action(audit, ["no-such-finding"]), ACTOR)
    other = store.create_audit(make_audit(), ACTOR)
    with pytest.raises(ValidationError):
        store.save_action(Action(audit_id=other.id, finding_ids=[findings[0].id]), ACTOR)
    assert store.list_actions(audit.id) == []


def test_apply_updates_is_all_or_nothing(store, audit, findings):
    first = store.save_action(_action(audit, [findings[0].id]), ACTOR)
    second = store.save_action(_action(audit, [findings[1].id]), ACTOR)
    before = store.list_actions(audit.id)
    good = first.model_copy(update={"status": ActionStatus.DONE})
    unknown = _action(audit, [findings[2].id])
    with pytest.raises(NotFoundError):
        store.apply_action_updates(audit.id, [good, unknown], ACTOR)
    assert store.list_actions(audit.id) == before
    accepted = second.model_copy(
        update={
            "status": ActionStatus.RISK_ACCEPTED,
            "accepted_reason": "Kept on the staff side by design.",
            "accepted_by": "Chair of governors",
            "accepted_on": date(2025, 4, 2),
        }
    )
    applied = store.apply_action_updates(audit.id, [good, accepted], ACTOR)
    assert [a.status for a in applied] == [ActionStatus.DONE, ActionStatus.RISK_ACCEPTED]
    stored = {a.id: a for a in store.list_actions(audit.id)}
    assert stored[second.id].accepted_by == "Chair of governors"
    assert stored[first.id].status is ActionStatus.DONE


def test_deleting_a_finding_updates_its_actions(store, audit, findings):
    merged = store.save_action(_action(audit, [findings[0].id, findings[1].id]), ACTOR)
    single = store.save_action(_action(audit, [findings[1].id]), ACTOR)
    store.delete_finding(findings[1].id, ACTOR)
    remaining = store.list_actions(audit.id)
    assert [a.id for a in remaining] == [merged.id]
    assert remaining[0].finding_ids == [findings[0].id]
    deletes = {e.entity_id for e in store.list_trail(audit.id) if e.operation == "delete"}
    assert single.id in deletes


def test_actions_covering_some_findings_are_read_without_the_rest(
    store, audit, location, make_finding
):
    from datawalk.models import Action

    first = store.save_finding(make_finding(audit.id, location.id), "Test Consultant")
    second = store.save_finding(make_finding(audit.id, location.id), "Test Consultant")
    third = store.save_finding(make_finding(audit.id, location.id), "Test Consultant")
    both = store.save_action(Action(audit_id=audit.id, finding_ids=[first.id, second.id]), "T")
    other = store.save_action(Action(audit_id=audit.id, finding_ids=[third.id]), "T")
    assert store.list_actions_covering(audit.id, [second.id]) == [both]
    assert store.list_actions_covering(audit.id, [third.id]) == [other]
    assert store.list_actions_covering(audit.id, ["no-such-finding"]) == []
    assert {a.id for a in store.list_actions_covering(audit.id, [first.id, third.id])} == {
        both.id,
        other.id,
    }
