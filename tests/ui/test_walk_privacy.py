"""The walk page's privacy intake in AppTest: pupil identifiers in typed text and captions are
flagged before a save, and photos are checked, refused or redacted before any is stored."""

from __future__ import annotations

from base64 import b64encode
from pathlib import Path

from datawalk.checklist import checklist_from_pin, finding_from_template
from datawalk.models import Photo
from datawalk.privacy.text_checks import KEPT_IDENTIFIERS
from tests.ui.conftest import ACTOR, HERE
from tests.ui.walking import (
    TEMPLATE,
    cap_key,
    errors_of,
    jpeg,
    save,
    save_anyway,
    walk_page,
)


def test_a_text_file_named_jpg_is_refused_at_the_photo_field(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("poster.jpg", b"just some text, not a picture", "image/jpeg")]
    ).run()

    assert "poster.jpg" in errors_of(at)
    assert not at.exception
    draft = walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE)
    assert not (draft and draft.get("photos"))


def test_a_20_mb_photo_is_refused_with_a_clear_message(open_page, walk) -> None:
    huge = jpeg() + b"\0" * (20 * 1024 * 1024)
    at = walk_page(open_page, walk)
    at.file_uploader(key=cap_key(at, "upload")).set_value([("big.jpg", huge, "image/jpeg")]).run()

    assert "big.jpg" in errors_of(at)
    assert "MB" in errors_of(at)


def test_a_photo_must_be_checked_before_the_finding_saves(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("poster.jpg", jpeg(), "image/jpeg")]
    ).run()
    photo_id = at.session_state["cap_draft"].photos[0].id

    at = save(at)
    assert "I have checked this photo" in errors_of(at)
    assert walk.store.list_findings(walk.audit.id) == []

    at.checkbox(key=f"cap_checked_{photo_id}").check().run()
    at = save(at)
    saved = walk.store.list_findings(walk.audit.id, with_photos=True)
    assert len(saved) == 1
    assert saved[0].photos[0].redaction.confirmed_by


def test_identifiers_in_notes_are_flagged_and_replaced_in_one_tap(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_area(key=cap_key(at, "notes")).input("Email jo.bloggs@example.com about it").run()

    assert any("possible pupil identifier" in str(w.value) for w in at.warning)
    at = save(at)
    assert "may contain a pupil identifier" in errors_of(at)
    assert walk.store.list_findings(walk.audit.id) == []

    at.button(key="cap_redact_notes").click().run()
    assert "jo.bloggs" not in at.text_area(key=cap_key(at, "notes")).value
    assert "[pupil]" in at.text_area(key=cap_key(at, "notes")).value
    save(at)
    assert "jo.bloggs" not in walk.store.list_findings(walk.audit.id)[0].notes


def test_identifiers_can_be_kept_after_an_explicit_confirmation(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_area(key=cap_key(at, "notes")).input("Office email jo.bloggs@example.com").run()
    save_anyway(at).check().run()
    save(at)

    saved = walk.store.list_findings(walk.audit.id)[0]
    assert saved.notes == "Office email jo.bloggs@example.com"
    # The decision is in the audit trail, by field and kind, never the text.
    kept = [e for e in walk.store.list_trail(walk.audit.id) if KEPT_IDENTIFIERS in e.changes]
    assert [(e.entity, e.entity_id, e.actor) for e in kept] == [("finding", saved.id, ACTOR)]
    assert kept[0].changes[KEPT_IDENTIFIERS] == {"new": {"notes": ["email"]}}
    assert "jo.bloggs" not in str(walk.store.list_trail(walk.audit.id))


def test_editing_the_text_withdraws_the_save_anyway_tick(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_area(key=cap_key(at, "notes")).input("Office email jo.bloggs@example.com").run()
    save_anyway(at).check().run()
    at.text_area(key=cap_key(at, "notes")).input("Ring 020 7946 0018, jo.bloggs@example.com").run()
    at = save(at)

    assert "may contain" in errors_of(at)
    assert walk.store.list_findings(walk.audit.id) == []


def test_identifiers_in_a_photo_caption_need_confirming_too(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("poster.jpg", jpeg(), "image/jpeg")]
    ).run()
    photo_id = at.session_state["cap_draft"].photos[0].id
    at.checkbox(key=f"cap_checked_{photo_id}").check().run()
    at.text_input(key=f"cap_caption_{photo_id}").input("Poster for jo.bloggs@example.com").run()

    assert any("caption" in str(w.value) for w in at.warning)
    at = save(at)
    assert "Photo 1 caption may contain" in errors_of(at)
    assert walk.store.list_findings(walk.audit.id) == []

    save_anyway(at).check().run()
    save(at)
    saved = walk.store.list_findings(walk.audit.id, with_photos=True)[0]
    assert saved.photos[0].caption == "Poster for jo.bloggs@example.com"
    kept = [
        e.changes for e in walk.store.list_trail(walk.audit.id) if KEPT_IDENTIFIERS in e.changes
    ]
    assert kept == [{KEPT_IDENTIFIERS: {"new": {f"caption_{photo_id}": ["email"]}}}]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_face_is_redacted_and_a_dropped_detection_is_confirmed_first(open_page, walk) -> None:
    portrait = (FIXTURES / "astronaut.jpg").read_bytes()
    at = walk_page(open_page, walk)
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("portrait.jpg", portrait, "image/jpeg")]
    ).run()
    photo = at.session_state["cap_draft"].photos[0]
    assert photo.redaction.boxes and photo.data != portrait

    at.toggle(key=f"cap_adjust_{photo.id}").set_value(True).run()
    at.button(key=f"cap_drop_{photo.id}_0").click().run()
    assert at.session_state["cap_draft"].photos[0].redaction.boxes  # not yet: asked first
    at.button(key=f"cap_drop_yes_{photo.id}").click().run()

    dropped = at.session_state["cap_draft"].photos[0]
    assert dropped.id == photo.id
    assert dropped.redaction.boxes == []
    assert dropped.redaction.dropped_boxes == photo.redaction.boxes
    assert not dropped.redaction.confirmed_by

    # Confirmed and saved, the drop is on record: in the photo's redaction record and the trail.
    at.checkbox(key=f"cap_checked_{photo.id}").check().run()
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    save(at)
    stored = walk.store.list_findings(walk.audit.id, with_photos=True)[0].photos[0]
    assert stored.redaction.dropped_boxes == photo.redaction.boxes
    assert stored.redaction.confirmed_by == ACTOR
    (event,) = [e for e in walk.store.list_trail(walk.audit.id) if e.entity == "photo"]
    assert event.changes["redaction"]["new"]["dropped_boxes"] == 1


def test_the_camera_photo_is_redacted_like_an_upload(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.toggle(key="cap_camera_on").set_value(True).run()
    at.camera_input(key=cap_key(at, "camera")).upload("x.jpg", jpeg()).run()

    assert not at.exception
    (photo,) = at.session_state["cap_draft"].photos
    assert photo.redaction.pipeline_version and not photo.redaction.confirmed_by
    assert walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE)["photos"]


def test_editing_a_finding_with_an_unredacted_old_photo_redacts_it_first(open_page, walk) -> None:
    portrait = (FIXTURES / "astronaut.jpg").read_bytes()
    old = Photo(media_type="image/jpeg", width=512, height=512, data=b64encode(portrait))
    finding = finding_from_template(
        checklist_from_pin(walk.audit.checklist),
        TEMPLATE,
        walk.audit.id,
        walk.location.id,
    )
    saved = walk.store.save_finding(finding.model_copy(update={"photos": [old]}), ACTOR)
    assert walk.store.get_finding(saved.id).photos[0].needs_review

    at = walk_page(open_page, walk, finding=saved.id)

    (photo,) = at.session_state["cap_draft"].photos
    assert photo.redaction.boxes and photo.data != portrait
    assert any("Awaiting review" in str(w.value) for w in at.warning)
    at = save(at)
    assert "I have checked this photo" in errors_of(at)
    at.checkbox(key=f"cap_checked_{photo.id}").check().run()
    save(at)
    stored = walk.store.get_finding(saved.id).photos[0]
    assert stored.data == photo.data and not stored.needs_review
