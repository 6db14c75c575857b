"""The action plan through the services: saving with kept identifiers, accepting a risk, merging
all or nothing, and default actions for a whole audit."""

from __future__ import annotations

from datetime import date

import pytest

from datawalk.checklist import pin_checklist
from datawalk.editing import stale_message
from datawalk.errors import ConflictError, ValidationError
from datawalk.models import ActionStatus
from datawalk.privacy.text_checks import KEPT_IDENTIFIERS
from datawalk.services import Actor, Workspace, actions
from datawalk.services.findings import save_finding

ACTOR = Actor("Test Consultant")
EMAIL = "Ask jo.bloggs@example.com to move it"  # flagged as an email address


class Boom(RuntimeError):
    """Raised by a store call patched to fail part-way through a use case."""


def _fail(*_args, **_kwargs):
    raise Boom("the second write failed")


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def audit(store, make_audit, checklist):
    return store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)


@pytest.fixture
def location(store, audit, make_location):
    return store.add_location(make_location(audit.id), ACTOR.name)


@pytest.fixture
def two_actions(workspace, store, audit, location, make_finding):
    """Two findings that need action, each with its default action."""
    for _ in range(2):
        save_finding(workspace, ACTOR, make_finding(audit.id, location.id))
    first, second = store.list_actions(audit.id)
    return first, second


def test_an_identifier_in_an_action_is_refused_unless_kept_and_then_recorded(
    workspace, store, audit, two_actions
):
    action = two_actions[0]
    with pytest.raises(ValidationError) as refused:
        actions.save_action(workspace, ACTOR, action.model_copy(update={"notes": EMAIL}))
    assert refused.value.field == "notes"
    saved = actions.save_action(
        workspace, ACTOR, action.model_copy(update={"notes": EMAIL}), keep={"notes"}
    )
    assert saved.notes == EMAIL
    (event,) = [e for e in store.list_trail(audit.id) if KEPT_IDENTIFIERS in e.changes]
    assert (event.entity, event.entity_id) == ("action", action.id)
    assert event.changes[KEPT_IDENTIFIERS]["new"] == {"notes": ["email"]}


def test_a_save_from_an_out_of_date_form_is_refused_with_who_and_when(
    workspace, store, audit, two_actions
):
    opened_here = two_actions[0]  # the form on this tablet opened at version 1
    theirs = actions.save_action(
        workspace, Actor("A. Consultant"), opened_here.model_copy(update={"owner": "Bursar"})
    )
    assert (opened_here.version, theirs.version) == (1, 2)
    changed = store.list_trail(audit.id)[-1]

    with pytest.raises(ConflictError) as refused:
        actions.save_action(workspace, ACTOR, opened_here.model_copy(update={"owner": "Head"}))

    assert str(refused.value) == stale_message("A. Consultant", changed.at)
    (stored,) = [a for a in store.list_actions(audit.id) if a.id == opened_here.id]
    assert (stored.owner, stored.version) == ("Bursar", 2)  # their change stands
    again = actions.save_action(workspace, ACTOR, stored.model_copy(update={"owner": "Head"}))
    assert (again.owner, again.version) == ("Head", 3)


def test_saving_an_action_is_one_transaction(workspace, store, two_actions, monkeypatch):
    action = two_actions[0]
    monkeypatch.setattr(store, "record_kept_identifiers", _fail)
    with pytest.raises(Boom):
        actions.save_action(
            workspace, ACTOR, action.model_copy(update={"notes": EMAIL}), keep={"notes"}
        )
    (stored,) = [a for a in store.list_actions(action.audit_id) if a.id == action.id]
    assert stored == action  # the note went with the failed record


def test_accepting_a_risk_needs_why_who_and_when(workspace, store, two_actions):
    def accepting(by: str, on: date | None):
        update = {"accepted_reason": "Kept for first aiders", "accepted_by": by, "accepted_on": on}
        return two_actions[0].model_copy(update={"status": ActionStatus.RISK_ACCEPTED, **update})

    with pytest.raises(ValidationError) as refused:
        actions.save_action(workspace, ACTOR, accepting("", None))
    assert refused.value.field == "accepted_by"
    accepted = actions.save_action(
        workspace, ACTOR, accepting("Chair of governors", date(2025, 3, 20))
    )
    assert accepted.status == ActionStatus.RISK_ACCEPTED
    assert accepted.accepted_by == "Chair of governors"


def test_merging_is_all_or_nothing(workspace, store, audit, two_actions, monkeypatch):
    first, second = two_actions
    with monkeypatch.context() as patched:
        patched.setattr(store, "delete_action", _fail)
        with pytest.raises(Boom):
            actions.merge(workspace, ACTOR, audit.id, [first.id, second.id])
    assert store.list_actions(audit.id) == [first, second]  # the survivor's save rolled back
    merged = actions.merge(workspace, ACTOR, audit.id, [first.id, second.id])
    assert [a.id for a in store.list_actions(audit.id)] == [merged.id]
    assert set(merged.finding_ids) == set(first.finding_ids) | set(second.finding_ids)


def test_merging_refuses_an_action_gone_meanwhile(workspace, store, audit, two_actions):
    first, second = two_actions
    with pytest.raises(ValidationError, match="nothing was merged"):
        actions.merge(workspace, ACTOR, audit.id, [first.id, second.id, "gone"])
    assert store.list_actions(audit.id) == [first, second]


def test_sync_gives_each_finding_its_default_once(workspace, store, audit, location, make_finding):
    stored = [store.save_finding(make_finding(audit.id, location.id), ACTOR.name) for _ in range(3)]
    assert store.list_actions(audit.id) == []  # saved past the services: no defaults yet
    created = actions.sync_default_actions(workspace, ACTOR, audit.id)
    assert sorted(fid for a in created for fid in a.finding_ids) == sorted(f.id for f in stored)
    assert actions.sync_default_actions(workspace, ACTOR, audit.id) == []
    assert len(store.list_actions(audit.id)) == 3


def test_sync_is_one_transaction(workspace, store, audit, location, make_finding, monkeypatch):
    for _ in range(2):
        store.save_finding(make_finding(audit.id, location.id), ACTOR.name)

    def trail_fails(*_args, **_kwargs):
        raise Boom("the trail write failed after the actions were inserted")

    monkeypatch.setattr("datawalk.store.actions.record_changes", trail_fails)
    with pytest.raises(Boom):
        actions.sync_default_actions(workspace, ACTOR, audit.id)
    assert store.list_actions(audit.id) == []
