"""A re-walk in the JSON document: the link to the previous audit and the carried records make a
round trip, and restoring only the newer walk works with its links marked missing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datawalk.checklist import checklist_from_pin
from datawalk.errors import InterchangeError
from datawalk.interchange import attach_scores, dump_document, parse_document
from datawalk.models import AuditStatus, RewalkState
from datawalk.rewalk.history import (
    HELD,
    MISSING,
    comparison_for,
    missing_origins,
    previous_walk_link,
)
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import mark_previous_finding, start_rewalk
from datawalk.store import Store

ACTOR = Actor("Lead Consultant")


@pytest.fixture
def rewalk(store):
    """The sample completed, then re-walked with one finding still as it was and one resolved."""
    workspace = Workspace(store)
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=datetime(2026, 3, 9, tzinfo=UTC))
    still, resolved = store.rewalk_record(audit.id).items[:2]
    mark_previous_finding(workspace, ACTOR, still.id, RewalkState.STILL)
    mark_previous_finding(workspace, ACTOR, resolved.id, RewalkState.RESOLVED, note="Moved.")
    return first, store.get_audit(audit.id)


def _fresh(tmp_path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'other.db'}")


def test_the_document_carries_the_link_and_a_round_trip_keeps_it(store, rewalk, tmp_path):
    first, audit = rewalk
    document = store.export_document(audit.id)
    assert document.audit.previous_audit_id == first.id
    text = dump_document(attach_scores(document))

    other = _fresh(tmp_path)
    try:
        other.import_document(parse_document(text), ACTOR.name)
        again = other.export_document(audit.id)
    finally:
        other.close()

    assert again.audit.previous_audit_id == first.id
    assert again.rewalk == document.rewalk
    assert {i.state for i in again.rewalk.items} >= {RewalkState.STILL, RewalkState.RESOLVED}


def test_restoring_only_the_newer_walk_marks_its_links_missing(store, rewalk, tmp_path):
    _, audit = rewalk
    assert previous_walk_link(Workspace(store).reads, audit) == HELD
    text = dump_document(attach_scores(store.export_document(audit.id)))

    other = _fresh(tmp_path)
    try:
        other.import_document(parse_document(text), ACTOR.name)
        reads = Workspace(other).reads
        restored = other.get_audit(audit.id)
        assert previous_walk_link(reads, restored) == MISSING
        record = other.rewalk_record(audit.id)
        assert missing_origins(reads, record) == len(record.carried_actions) > 0
        comparison = comparison_for(reads, restored, checklist_from_pin(restored.checklist))
        totals = comparison.totals()
    finally:
        other.close()
    assert (totals["resolved"], totals["persisting"]) == (1, 1)


def test_a_carried_finding_at_an_unknown_location_is_refused(store, rewalk, tmp_path):
    _, audit = rewalk
    document = store.export_document(audit.id)
    item = document.rewalk.items[0].model_copy(update={"location_id": "not-a-location"})
    broken = document.model_copy(
        update={"rewalk": document.rewalk.model_copy(update={"items": [item]})}
    )
    other = _fresh(tmp_path)
    try:
        with pytest.raises(InterchangeError, match="unknown location"):
            other.import_document(broken, ACTOR.name)
    finally:
        other.close()
