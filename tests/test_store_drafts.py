"""Store: drafts of the in-progress finding, one per (audit, location), location possibly None."""

from __future__ import annotations

import pytest

from datawalk.errors import NotFoundError, ValidationError

ACTOR = "Test Consultant"


def test_draft_upsert_load_and_clear(store, audit, location):
    assert store.load_draft(audit.id, location.id) is None
    store.save_draft(audit.id, location.id, {"categories": ["food_allergy"]})
    store.save_draft(audit.id, location.id, {"categories": ["food_allergy"], "notes": "Poster"})
    assert store.load_draft(audit.id, location.id) == {
        "categories": ["food_allergy"],
        "notes": "Poster",
    }
    store.clear_draft(audit.id, location.id)
    assert store.load_draft(audit.id, location.id) is None
    store.clear_draft(audit.id, location.id)  # clearing twice is fine


def test_draft_without_location_is_separate(store, audit, location):
    store.save_draft(audit.id, None, {"step": "choose location"})
    store.save_draft(audit.id, None, {"step": "again"})
    store.save_draft(audit.id, location.id, {"step": "capture"})
    assert store.load_draft(audit.id, None) == {"step": "again"}
    assert store.load_draft(audit.id, location.id) == {"step": "capture"}
    store.clear_draft(audit.id, None)
    assert store.load_draft(audit.id, None) is None
    assert store.load_draft(audit.id, location.id) == {"step": "capture"}


def test_draft_keeps_text_exactly(store, audit):
    payload = {"notes": "<script>alert(1)</script> =SUM(A1) 🧒 naïve\n\ttab", "n": [1, 2.5, None]}
    store.save_draft(audit.id, None, payload)
    assert store.load_draft(audit.id, None) == payload


def test_draft_does_not_bump_the_audit_version(store, audit):
    version = store.audit_version(audit.id)
    store.save_draft(audit.id, None, {"tap": 1})
    assert store.audit_version(audit.id) == version


def test_draft_needs_an_audit_and_json(store, audit):
    with pytest.raises(NotFoundError):
        store.save_draft("no-such-audit-id", None, {})
    with pytest.raises(ValidationError):
        store.save_draft(audit.id, None, {"photo": b"bytes are not JSON"})


def test_draft_survives_reopening_the_file(tmp_path, make_audit):
    from datawalk.store import Store

    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    first = Store.open(url)
    audit = first.create_audit(make_audit(), ACTOR)
    first.save_draft(audit.id, None, {"notes": "half typed"})
    first.close()
    second = Store.open(url)
    try:
        assert second.load_draft(audit.id, None) == {"notes": "half typed"}
    finally:
        second.close()


def test_deleting_a_location_clears_its_draft(store, audit, location):
    store.save_draft(audit.id, location.id, {"notes": "x"})
    store.delete_location(location.id, ACTOR)
    assert store.load_draft(audit.id, location.id) is None
