"""A resolved finding with a photo on the walk page of a re-walk: the picture is redacted the
moment it arrives, nothing is kept until the consultant ticks "I have checked this photo", what is
kept is the redacted copy, and every image on the page is an inline `data:` URI."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from datawalk.models import AuditStatus, RewalkState
from datawalk.privacy import detect_faces
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import start_rewalk
from datawalk.store import Store
from datawalk.ui.rewalk_photos import PENDING, camera_key, upload_key

ACTOR = Actor("A. Consultant")
PORTRAIT = (Path(__file__).resolve().parents[1] / "fixtures" / "astronaut.jpg").read_bytes()


@pytest.fixture
def rewalk(app_db):
    store = Store.open(app_db)
    workspace = Workspace(store)
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [])
    yield store, audit
    store.close()


def _resolved_on_page(open_page, store, audit):
    item = store.rewalk_record(audit.id).items[0]
    at = open_page("walk", audit=audit.id, location=item.location_id)
    at.button(key=f"rw_resolved_{item.id}").click().run()
    assert not at.exception
    return at, item


def _inline_only(at) -> list[str]:
    urls = [img.url for element in at.image for img in element.proto.imgs]
    assert all(url.startswith("data:image/") for url in urls), urls
    return urls


def test_resolved_with_a_photo_keeps_only_the_checked_redacted_copy(open_page, rewalk) -> None:
    store, audit = rewalk
    at, item = _resolved_on_page(open_page, store, audit)
    first_key = upload_key(item.id)

    at.file_uploader(key=first_key).set_value([("after.jpg", PORTRAIT, "image/jpeg")]).run()

    assert not at.exception
    assert at.session_state[PENDING][item.id].original == PORTRAIT  # server memory only
    assert store.rewalk_photos(audit.id) == {}, "stored before the check"
    assert not any(e.key == first_key for e in at.get("file_uploader"))  # Streamlit's copy goes

    at.button(key=f"rw_photo_add_{item.id}").click().run()
    assert store.rewalk_photos(audit.id) == {}
    assert any("checked this photo" in e.value for e in at.error)

    at.checkbox(key=f"rw_photo_checked_{item.id}").check().run()
    at.button(key=f"rw_photo_add_{item.id}").click().run()

    assert not at.exception
    (photo,) = store.rewalk_photos(audit.id)[item.id]
    assert detect_faces(photo.data) == [] and photo.redaction.boxes
    assert photo.redaction.confirmed_by == ACTOR.name and not photo.awaiting_review
    assert item.id not in at.session_state[PENDING]
    (url,) = _inline_only(at)
    assert base64.b64decode(url.split(",", 1)[1]) != PORTRAIT
    assert store.get_rewalk_item(item.id).state is RewalkState.RESOLVED


def test_the_camera_takes_a_photo_and_removing_it_deletes_it(open_page, rewalk) -> None:
    store, audit = rewalk
    at, item = _resolved_on_page(open_page, store, audit)
    at.toggle(key=f"rw_photo_camera_on_{item.id}").set_value(True).run()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buffer, format="JPEG")

    at.camera_input(key=camera_key(item.id)).upload("camera.jpg", buffer.getvalue()).run()
    at.checkbox(key=f"rw_photo_checked_{item.id}").check().run()
    at.button(key=f"rw_photo_add_{item.id}").click().run()

    assert not at.exception
    (photo,) = store.rewalk_photos(audit.id)[item.id]
    _inline_only(at)

    at.button(key=f"rw_photo_remove_{photo.id}").click().run()
    assert not at.exception
    assert store.rewalk_photos(audit.id) == {}


def test_marking_it_still_as_it_was_takes_its_photo_away(open_page, rewalk) -> None:
    store, audit = rewalk
    at, item = _resolved_on_page(open_page, store, audit)
    at.file_uploader(key=upload_key(item.id)).set_value([("a.jpg", PORTRAIT, "image/jpeg")]).run()
    at.checkbox(key=f"rw_photo_checked_{item.id}").check().run()
    at.button(key=f"rw_photo_add_{item.id}").click().run()
    assert store.rewalk_photos(audit.id)

    at.button(key=f"rw_still_{item.id}").click().run()

    assert not at.exception
    assert store.rewalk_photos(audit.id) == {}


def test_a_photo_not_added_yet_is_forgotten_when_marked_otherwise(open_page, rewalk) -> None:
    store, audit = rewalk
    at, item = _resolved_on_page(open_page, store, audit)
    at.file_uploader(key=upload_key(item.id)).set_value([("a.jpg", PORTRAIT, "image/jpeg")]).run()
    assert item.id in at.session_state[PENDING]

    at.button(key=f"rw_not_checked_{item.id}").click().run()

    assert not at.exception
    assert item.id not in at.session_state[PENDING]
    assert store.rewalk_photos(audit.id) == {}
