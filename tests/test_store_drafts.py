"""Store: drafts of the in-progress finding, one per (audit, location, owner, device), location
possibly None."""

from __future__ import annotations

import base64
import hashlib

import pytest

from datawalk.editing import DraftHolder
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


def test_each_person_and_device_has_a_draft_of_their_own(store, audit, location):
    tablet_a = DraftHolder("A. Consultant", "tablet-a-0001")
    tablet_b = DraftHolder("A. Consultant", "tablet-b-0002")
    colleague = DraftHolder("B. Colleague", "tablet-c-0003")
    for holder in (tablet_a, tablet_b, colleague):
        store.save_draft(audit.id, location.id, {"notes": holder.device}, holder=holder)
    store.clear_draft(audit.id, location.id, holder=tablet_b)
    assert store.load_draft(audit.id, location.id, holder=tablet_a) == {"notes": tablet_a.device}
    assert store.load_draft(audit.id, location.id, holder=tablet_b) is None
    assert store.load_draft(audit.id, location.id, holder=colleague) == {"notes": colleague.device}
    # Only the same person's drafts on their other devices are ever listed, never a colleague's.
    (elsewhere,) = store.drafts_elsewhere(audit.id, location.id, holder=tablet_b)
    assert elsewhere.device == tablet_a.device
    assert store.drafts_elsewhere(audit.id, location.id, holder=tablet_a) == []
    assert store.has_drafts(audit.id)


def test_taking_a_draft_moves_it_with_its_photos(store, audit, location):
    tablet_a = DraftHolder("A. Consultant", "tablet-a-0001")
    tablet_b = DraftHolder("A. Consultant", "tablet-b-0002")
    photo = b"\xff\xd8 fictional photo bytes"
    digest = hashlib.sha256(photo).hexdigest()
    payload = {"notes": "on the iPad", "photos": [{"id": "p1", "data_ref": digest}]}
    store.save_draft(audit.id, location.id, payload, {digest: photo}, holder=tablet_a)
    store.save_draft(audit.id, location.id, {"notes": "older here"}, holder=tablet_b)

    taken = store.take_draft(audit.id, location.id, holder=tablet_b, device=tablet_a.device)

    assert taken["notes"] == "on the iPad"
    assert base64.b64decode(taken["photos"][0]["data"]) == photo
    assert store.load_draft(audit.id, location.id, holder=tablet_b) == taken
    assert store.load_draft(audit.id, location.id, holder=tablet_a) is None
    assert store.take_draft(audit.id, location.id, holder=tablet_b, device="gone-device") is None
    store.clear_draft(audit.id, location.id, holder=tablet_b)
    assert not store.has_drafts(audit.id)
