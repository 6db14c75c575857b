"""A resolved finding's photo on a re-walk: it enters only through the one photo intake (faces
filled, metadata stripped) and only once checked, goes with the audit's other photos at the end
of their retention, never comes forward to the next walk, and a backup's copy is redacted again
whatever record the file claims."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from datawalk.errors import PrivacyError, ValidationError
from datawalk.interchange import attach_scores, dump_document, parse_document
from datawalk.models import AuditStatus, Box, RewalkState
from datawalk.privacy import detect_faces
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalk_photos import (
    add_resolved_photo,
    confirm_resolved_photo,
    cover_resolved_photo,
    remove_resolved_photo,
)
from datawalk.services.rewalks import mark_previous_finding, start_rewalk
from datawalk.store import Store
from tests.conftest import CLAIMED_REDACTIONS, FACE_GPS_LEAK, png_bytes

LEAK = FACE_GPS_LEAK.encode()

ACTOR = Actor("Lead Consultant")
NEXT_YEAR = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def resolved(workspace, store):
    """A re-walk of the completed sample with its first carried finding marked Resolved."""
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    item = store.rewalk_record(audit.id).items[0]
    return mark_previous_finding(workspace, ACTOR, item.id, RewalkState.RESOLVED)


def _photos(store, item):
    return store.rewalk_photos(item.audit_id).get(item.id, [])


def test_a_photo_is_stored_only_redacted_and_checked(workspace, store, resolved, face_with_gps):
    assert detect_faces(face_with_gps) and LEAK in face_with_gps

    stored = add_resolved_photo(workspace, ACTOR, resolved.id, face_with_gps, checked=True)

    (photo,) = _photos(store, resolved)
    assert photo == stored
    assert detect_faces(photo.data) == [], "the face came through"
    assert LEAK not in photo.data and b"Exif" not in photo.data
    assert photo.redaction is not None and photo.redaction.boxes
    assert photo.redaction.confirmed_by == ACTOR.name and not photo.awaiting_review
    (event,) = [e for e in store.list_trail(resolved.audit_id) if e.entity_id == photo.id]
    assert (event.entity, event.operation, event.actor) == ("photo", "create", ACTOR.name)
    assert event.changes["rewalk_item_id"]["new"] == resolved.id
    assert base64.b64encode(photo.data).decode() not in json.dumps(event.changes)


def test_an_unchecked_or_unreadable_photo_is_refused_and_nothing_is_stored(
    workspace, store, resolved
):
    with pytest.raises(PrivacyError, match="checked this photo"):
        add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(), checked=False)
    forged = b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 20
    with pytest.raises(PrivacyError):
        add_resolved_photo(workspace, ACTOR, resolved.id, forged, checked=True)
    assert _photos(store, resolved) == []


def test_only_a_resolved_finding_takes_a_photo_and_marking_it_otherwise_removes_them(
    workspace, store, resolved
):
    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    other = store.rewalk_record(resolved.audit_id).items[1]
    with pytest.raises(ValidationError, match="Resolved"):
        add_resolved_photo(workspace, ACTOR, other.id, png_bytes(), checked=True)

    mark_previous_finding(workspace, ACTOR, resolved.id, RewalkState.STILL)

    assert _photos(store, resolved) == []
    assert store.rewalk_photos(resolved.audit_id) == {}


def test_covering_more_withdraws_the_tick_until_checked_again_and_remove_deletes(
    workspace, store, resolved
):
    stored = add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)

    covered = cover_resolved_photo(
        workspace, ACTOR, resolved.id, stored.id, [Box(x=0, y=0, width=20, height=10)]
    )
    assert covered.awaiting_review and covered.redaction.confirmed_by == ""
    assert len(covered.redaction.boxes) == len(stored.redaction.boxes) + 1
    assert covered.data != stored.data

    checker = Actor("Second Consultant")
    confirmed = confirm_resolved_photo(workspace, checker, resolved.id, stored.id)
    assert confirmed.redaction.confirmed_by == checker.name and not confirmed.awaiting_review
    assert _photos(store, resolved) == [confirmed]

    remove_resolved_photo(workspace, ACTOR, resolved.id, stored.id)
    assert _photos(store, resolved) == []


def test_retention_purges_the_photos_with_the_audits_others(workspace, store, resolved):
    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    finding_photos = sum(store.photo_counts(resolved.audit_id).values())

    purged = store.purge_photos_and_text(resolved.audit_id, ACTOR.name)

    assert purged["photos"] == finding_photos + 1
    assert store.rewalk_photos(resolved.audit_id) == {}
    item = store.get_rewalk_item(resolved.id)
    assert item.state is RewalkState.RESOLVED  # the structured record stays


def test_the_next_walk_never_copies_them(workspace, store, resolved):
    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    set_status(workspace, ACTOR, resolved.audit_id, AuditStatus.COMPLETE)

    later = start_rewalk(workspace, ACTOR, resolved.audit_id, [], walk_at=NEXT_YEAR)

    assert store.rewalk_photos(later.id) == {}
    document = store.export_document(later.id)
    assert all(item.photos == [] for item in document.rewalk.items)
    assert len(_photos(store, resolved)) == 1  # the walk it came from keeps its own


def _swap_in(text: str, item_id: str, data: bytes, claim: dict) -> str:
    raw = json.loads(text)
    item = next(i for i in raw["rewalk"]["items"] if i["id"] == item_id)
    item["photos"][0].update(
        data=base64.b64encode(data).decode(),
        media_type="image/jpeg",
        redaction=claim,
        needs_review=False,
    )
    return json.dumps(raw)


@pytest.mark.parametrize("claim", sorted(CLAIMED_REDACTIONS))
def test_a_backup_round_trip_redacts_them_again_whatever_the_file_claims(
    workspace, store, resolved, tmp_path, face_with_gps, claim
):
    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    text = dump_document(attach_scores(store.export_document(resolved.audit_id)))
    assert '"photos"' in text
    forged = _swap_in(text, resolved.id, face_with_gps, CLAIMED_REDACTIONS[claim])

    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        other.import_document(parse_document(forged), ACTOR.name)
        (photo,) = other.rewalk_photos(resolved.audit_id)[resolved.id]
        again = other.export_document(resolved.audit_id)
    finally:
        other.close()

    assert detect_faces(photo.data) == [] and LEAK not in photo.data
    assert photo.awaiting_review and photo.redaction.confirmed_by == ""
    (item,) = [i for i in again.rewalk.items if i.id == resolved.id]
    assert item.photos == [photo]


def test_a_document_without_such_photos_is_written_as_before(workspace, store, resolved):
    text = dump_document(attach_scores(store.export_document(resolved.audit_id)))
    assert all("photos" not in item for item in json.loads(text)["rewalk"]["items"])


def test_a_backups_caption_on_such_a_photo_is_scanned_and_replaced_like_a_findings(
    workspace, store, resolved
):
    from datawalk.privacy.document_text import flagged_text, replace_identifiers

    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    document = store.export_document(resolved.audit_id)
    item = next(i for i in document.rewalk.items if i.id == resolved.id)
    photo = item.photos[0].model_copy(update={"caption": "Write to jo.bloggs@example.com"})
    items = [
        i.model_copy(update={"photos": [photo]}) if i.id == item.id else i
        for i in document.rewalk.items
    ]
    document = document.model_copy(
        update={"rewalk": document.rewalk.model_copy(update={"items": items})}
    )

    keys = {f"{f.spot.entity}:{f.spot.entity_id}:{f.spot.field}" for f in flagged_text(document)}
    key = f"finding:{item.id}:caption_{photo.id}"
    assert key in keys
    cleaned = replace_identifiers(document, {key})
    (again,) = next(i for i in cleaned.rewalk.items if i.id == item.id).photos
    assert "jo.bloggs@example.com" not in again.caption and "[pupil]" in again.caption


def test_a_school_viewer_reads_none_of_them_a_school_lead_reads_them(workspace, store, resolved):
    from datawalk.accounts import users
    from datawalk.errors import PermissionDeniedError

    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    school = store.audit_school_ids()[resolved.audit_id]
    actors = {}
    for role in ("admin", "school_viewer", "school_lead"):
        user = users.create_user(
            workspace, Actor.operator("Set-up"), display_name=f"{role} person",
            email=f"{role}@example.org", role=role, password="a long fictional password",
            totp_required=False, school_ids=[] if role == "admin" else [school],
        ).user  # fmt: skip
        actors[role] = users.actor_for(user)

    lead = workspace.reads_for(actors["school_lead"])
    assert len(lead.rewalk_photos(resolved.audit_id)[resolved.id]) == 1
    viewer = workspace.reads_for(actors["school_viewer"])
    with pytest.raises(PermissionDeniedError):
        viewer.rewalk_photos(resolved.audit_id)
    assert all(item.photos == [] for item in viewer.export_document(resolved.audit_id).rewalk.items)
    with pytest.raises(PermissionDeniedError):
        add_resolved_photo(workspace, actors["school_lead"], resolved.id, png_bytes(), checked=True)


def test_deleting_the_audit_leaves_none_behind(workspace, store, resolved):
    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    set_status(workspace, ACTOR, resolved.audit_id, AuditStatus.COMPLETE)

    store.delete_audit(resolved.audit_id, ACTOR.name)

    with store.engine.connect() as connection:
        from sqlalchemy import func, select

        from datawalk.store import tables

        assert connection.scalar(select(func.count()).select_from(tables.rewalk_photos)) == 0


def test_a_finding_holds_at_most_the_photo_limit(workspace, store, resolved, monkeypatch):
    from datawalk.services import rewalk_photos

    monkeypatch.setattr(rewalk_photos, "MAX_PHOTOS", 2)
    for _ in range(2):
        add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    with pytest.raises(ValidationError, match="at most 2 photos"):
        add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    assert store.rewalk_photo_count(resolved.id) == 2


def test_a_file_with_photos_on_a_finding_not_resolved_is_refused(
    workspace, store, resolved, tmp_path
):
    from datawalk.errors import DataWalkError

    add_resolved_photo(workspace, ACTOR, resolved.id, png_bytes(40, 30), checked=True)
    raw = json.loads(dump_document(attach_scores(store.export_document(resolved.audit_id))))
    item = next(i for i in raw["rewalk"]["items"] if i["id"] == resolved.id)
    item["state"] = "still"

    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with pytest.raises(DataWalkError, match="has photos, not resolved"):
            other.import_document(parse_document(json.dumps(raw)), ACTOR.name)
        assert other.rewalk_photos(resolved.audit_id) == {}
    finally:
        other.close()
