"""Audits through the services: creating one (its kept identifiers in the same transaction),
status, the overall opinion, legal hold and deletion on request."""

from __future__ import annotations

import pytest

from datawalk.errors import StoreError, ValidationError
from datawalk.models import AuditStatus
from datawalk.privacy.text_checks import KEPT_IDENTIFIERS
from datawalk.services import Actor, Workspace, audits

ACTOR = Actor("Test Consultant")
EMAIL = "Head's office skipped: ask jo.bloggs@example.com"  # flagged as an email address


class Boom(RuntimeError):
    """Raised by a store call patched to fail part-way through a use case."""


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


def _fail(*_args, **_kwargs):
    raise Boom("the second write failed")


def _kept_events(store, audit_id: str):
    return [e for e in store.list_trail(audit_id) if KEPT_IDENTIFIERS in e.changes]


def test_an_identifier_in_the_scope_is_refused_unless_kept(workspace, store, make_audit):
    with pytest.raises(ValidationError) as refused:
        audits.create_audit(workspace, ACTOR, make_audit(scope_limitations=EMAIL))
    assert refused.value.field == "scope_limitations"
    assert store.list_audits() == []


def test_a_kept_identifier_is_recorded_with_the_new_audit(workspace, store, make_audit):
    audit = audits.create_audit(
        workspace, ACTOR, make_audit(scope_limitations=EMAIL), keep={"scope_limitations"}
    )
    (event,) = _kept_events(store, audit.id)
    assert event.changes[KEPT_IDENTIFIERS]["new"] == {"scope_limitations": ["email"]}
    assert (event.entity, event.entity_id, event.actor) == ("audit", audit.id, ACTOR.name)


def test_creating_is_one_transaction(workspace, store, make_audit, monkeypatch):
    monkeypatch.setattr(store, "record_kept_identifiers", _fail)
    with pytest.raises(Boom):
        audits.create_audit(
            workspace, ACTOR, make_audit(scope_limitations=EMAIL), keep={"scope_limitations"}
        )
    assert store.list_audits() == []  # the audit went with the failed record


def test_complete_archive_and_reopen(workspace, store, make_audit):
    audit = audits.create_audit(workspace, ACTOR, make_audit())
    completed = audits.set_status(workspace, ACTOR, audit.id, AuditStatus.COMPLETE)
    assert completed.completed_at is not None
    assert audits.set_status(workspace, ACTOR, audit.id, AuditStatus.ARCHIVED).status == (
        AuditStatus.ARCHIVED
    )
    reopened = audits.set_status(workspace, ACTOR, audit.id, AuditStatus.IN_PROGRESS)
    assert reopened.status == AuditStatus.IN_PROGRESS and reopened.completed_at is None
    statuses = [
        e.changes["status"]["new"]
        for e in store.list_trail(audit.id)
        if "status" in e.changes and e.operation == "update"
    ]
    assert statuses == ["complete", "archived", "in_progress"]


def test_the_overall_opinion_and_its_kept_identifier_commit_together(
    workspace, store, make_audit, monkeypatch
):
    audit = audits.create_audit(workspace, ACTOR, make_audit())
    with pytest.raises(ValidationError) as refused:
        audits.set_overall_opinion(workspace, ACTOR, audit.id, EMAIL)
    assert refused.value.field == "overall_opinion"
    with monkeypatch.context() as patched:
        patched.setattr(store, "record_kept_identifiers", _fail)
        with pytest.raises(Boom):
            audits.set_overall_opinion(workspace, ACTOR, audit.id, EMAIL, keep=True)
    assert store.get_audit(audit.id).overall_opinion == ""  # nothing written
    saved = audits.set_overall_opinion(workspace, ACTOR, audit.id, EMAIL, keep=True)
    assert saved.overall_opinion == EMAIL
    (event,) = _kept_events(store, audit.id)
    assert event.changes[KEPT_IDENTIFIERS]["new"] == {"overall_opinion": ["email"]}


def test_deletion_on_request_needs_the_name_and_no_legal_hold(workspace, store, make_audit):
    audit = audits.create_audit(workspace, ACTOR, make_audit())
    with pytest.raises(ValidationError) as refused:
        audits.delete_on_request(workspace, ACTOR, audit.id, "Oakfield")
    assert refused.value.field == "confirm_name"
    audits.set_legal_hold(workspace, ACTOR, audit.id, True)
    with pytest.raises(StoreError, match="legal hold"):
        audits.delete_on_request(workspace, ACTOR, audit.id, audit.school.name)
    assert store.get_audit(audit.id).legal_hold
    audits.set_legal_hold(workspace, ACTOR, audit.id, False)
    tombstone = audits.delete_on_request(workspace, ACTOR, audit.id, audit.school.name.upper())
    assert tombstone.deleted_by == ACTOR.name
    assert store.list_audits() == []
