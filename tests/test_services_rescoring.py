"""Rescoring through the services: the re-pin and the default actions it changes, together."""

from __future__ import annotations

import pytest

from datawalk.checklist import checklist_from_pin, pin_checklist
from datawalk.errors import ValidationError
from datawalk.models import ActionStatus
from datawalk.scoring import score_finding
from datawalk.services import Actor, Workspace, rescoring
from datawalk.services.findings import CLOSED_NOTE, save_finding

ACTOR = Actor("Lead Consultant")


class Boom(RuntimeError):
    """Raised by a store call patched to fail part-way through a use case."""


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def walk(workspace, store, checklist, make_audit, make_location, make_finding):
    """An audit on the real checklist with two over-exposed findings, each with its default."""
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)
    location = store.add_location(make_location(audit.id), ACTOR.name)
    # A poster seen by visitors that no staff need: over-exposed, never short of availability.
    findings = [
        save_finding(workspace, ACTOR, make_finding(audit.id, location.id, needed_by=[]))
        for _ in "ab"
    ]
    return audit, findings


def _calmer(checklist):
    """A newer copy whose privacy grid puts everything at the lowest level."""
    grid = [[0] * len(row) for row in checklist.scoring.privacy_grid]
    scoring = checklist.scoring.model_copy(update={"privacy_grid": grid})
    return checklist.model_copy(update={"scoring": scoring, "version": checklist.version + 1})


def test_a_rescore_closes_an_untouched_default_and_keeps_an_edited_one(
    workspace, store, checklist, walk
):
    audit, (untouched, edited) = walk
    calmer = _calmer(checklist)
    assert score_finding(untouched, checklist).classification != "proportionate"
    assert score_finding(untouched, calmer).classification == "proportionate"
    [owned] = [a for a in store.list_actions(audit.id) if a.finding_ids == [edited.id]]
    store.save_action(owned.model_copy(update={"owner": "Business manager"}), "Head")

    rescored = rescoring.rescore(workspace, ACTOR, audit.id, calmer)

    assert checklist_from_pin(rescored.checklist).version == calmer.version
    by_finding = {a.finding_ids[0]: a for a in store.list_actions(audit.id)}
    closed = by_finding[untouched.id]
    assert (closed.status, closed.notes) == (ActionStatus.DONE, CLOSED_NOTE)
    assert by_finding[edited.id].status == ActionStatus.OPEN  # the owner's edit stands
    closing = [e for e in store.list_trail(audit.id) if e.entity_id == closed.id]
    assert closing[-1].actor == ACTOR.name and closing[-1].operation == "update"


def test_a_rescore_is_one_transaction(workspace, store, checklist, walk, monkeypatch):
    audit, _ = walk
    before = store.list_actions(audit.id)

    def fail(*_args, **_kwargs):
        raise Boom("closing the action failed")

    monkeypatch.setattr(store, "apply_action_updates", fail)
    with pytest.raises(Boom):
        rescoring.rescore(workspace, ACTOR, audit.id, _calmer(checklist))
    assert store.get_audit(audit.id).checklist.content_hash == audit.checklist.content_hash
    assert store.list_actions(audit.id) == before


def test_a_refused_rescore_writes_nothing(workspace, store, checklist, walk):
    audit, _ = walk
    version = store.audit_version(audit.id)
    with pytest.raises(ValidationError, match="already scored"):
        rescoring.rescore(workspace, ACTOR, audit.id, checklist)
    assert store.audit_version(audit.id) == version
