"""Drafts of the walk page: the payload round trip, needed-by following the categories, and the
step to a Finding with errors named at their field."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path

import pytest

from datawalk import drafts, photo_checks
from datawalk.checklist import default_needed_by, finding_from_template
from datawalk.drafts import Draft
from datawalk.errors import ValidationError
from datawalk.models import Box, Position, RedactionRecord

AUDIT, LOCATION = "audit-0000001", "location-0001"


def complete(checklist, **fields) -> Draft:
    finding = finding_from_template(checklist, "allergy_poster_servery", AUDIT, LOCATION)
    return drafts.draft_from_finding(finding, editing=False).model_copy(update=fields)


def photo(confirmed_by: str = ""):
    record = RedactionRecord(pipeline_version="test-1")
    made = photo_checks.unconfirmed_photo(b"\x89PNG fake", "image/png", 4, 3, record)
    return photo_checks.confirm_photo(made, confirmed_by) if confirmed_by else made


def test_needed_by_follows_the_categories_until_edited(checklist) -> None:
    draft = drafts.change_field(Draft(), "categories", ["anaphylaxis_aai"], checklist)
    assert draft.needed_by == default_needed_by(checklist, ["anaphylaxis_aai"])

    draft = drafts.change_field(draft, "needed_by", ["catering"], checklist)
    draft = drafts.change_field(draft, "categories", ["food_allergy"], checklist)
    assert draft.needed_by == ["catering"]
    assert draft.needed_by_edited


def test_change_field_refuses_identity_fields_and_bad_values(checklist) -> None:
    with pytest.raises(ValidationError) as refused:
        drafts.change_field(Draft(), "finding_id", "x", checklist)
    assert refused.value.field == "finding_id"
    with pytest.raises(ValidationError) as bad:
        drafts.change_field(Draft(), "review_date", "not a date", checklist)
    assert bad.value.field == "review_date"


def test_payload_round_trip_keeps_unicode_html_and_photos(checklist) -> None:
    text = "<script>alert(1)</script> =SUM(A1) 🍎 naïve"
    draft = complete(checklist, notes=text, review_date=date(2025, 9, 1), photos=[photo("Me")])

    back = drafts.draft_from_payload(
        drafts.draft_to_payload(draft), drafts.draft_photo_blobs(draft)
    )

    assert back == draft
    assert back.photos[0].data == b"\x89PNG fake"


@pytest.mark.parametrize("payload", [None, {}, {"categories": "not-a-list"}, {"reach": 5}])
def test_an_unreadable_payload_gives_an_empty_draft(payload) -> None:
    assert drafts.draft_from_payload(payload).is_empty()


def test_unknown_payload_keys_from_a_newer_schema_are_ignored() -> None:
    assert drafts.draft_from_payload({"notes": "kept", "future_field": 1}).notes == "kept"


@pytest.mark.parametrize("field", list(drafts.REQUIRED_FIELDS))
def test_each_required_field_is_named_when_empty(checklist, field) -> None:
    draft = complete(checklist, **{field: [] if field == "categories" else None})
    with pytest.raises(ValidationError) as refused:
        drafts.finding_from_draft(draft, AUDIT, LOCATION)
    assert refused.value.field == field


def test_every_missing_field_is_named_at_once_in_the_order_shown(checklist) -> None:
    draft = complete(checklist, categories=[], detail_level=None, photos=[photo()])

    missing = drafts.missing_fields(draft)

    assert [problem.field for problem in missing] == ["categories", "detail_level", "photos"]
    assert drafts.missing_fields(complete(checklist)) == []


def test_a_photo_not_checked_by_a_person_blocks_the_finding(checklist) -> None:
    with pytest.raises(ValidationError) as refused:
        drafts.finding_from_draft(complete(checklist, photos=[photo()]), AUDIT, LOCATION)
    assert refused.value.field == "photos"

    finding = drafts.finding_from_draft(
        complete(checklist, photos=[photo("A. Consultant")]), AUDIT, LOCATION
    )
    assert finding.photos[0].redaction.confirmed_by == "A. Consultant"
    assert base64.b64encode(finding.photos[0].data) == base64.b64encode(b"\x89PNG fake")


def test_withdrawing_the_check_clears_who_and_when() -> None:
    withdrawn = photo_checks.confirm_photo(photo("A. Consultant"), "")
    assert (withdrawn.redaction.confirmed_by, withdrawn.redaction.confirmed_at) == ("", None)


def test_an_edit_draft_keeps_the_findings_identity(checklist, make_finding) -> None:
    saved = make_finding(AUDIT, LOCATION).model_copy(update={"reference": "F-007", "version": 3})
    draft = drafts.draft_from_finding(saved, editing=True)
    draft = drafts.change_field(draft, "notes", "Moved", checklist)

    finding = drafts.finding_from_draft(draft, AUDIT, LOCATION)

    assert (finding.id, finding.reference, finding.version) == (saved.id, "F-007", 3)
    assert finding.created_at == saved.created_at
    assert finding.notes == "Moved"


def test_a_template_fills_every_field_but_keeps_typed_notes_and_photos(checklist) -> None:
    current = Draft(notes="Seen at lunch", photos=[photo()], finding_id="f" * 12, version=2)
    filled = drafts.draft_from_template(
        current, checklist, "allergy_poster_servery", AUDIT, LOCATION
    )

    template = finding_from_template(checklist, "allergy_poster_servery", AUDIT, LOCATION)
    assert filled.categories == template.categories
    assert filled.visible_to == template.visible_to
    assert filled.template_id == "allergy_poster_servery"
    assert (filled.notes, filled.photos, filled.finding_id, filled.version) == (
        "Seen at lunch",
        current.photos,
        current.finding_id,
        2,
    )


def test_an_unknown_template_is_refused(checklist) -> None:
    with pytest.raises(ValidationError):
        drafts.draft_from_template(Draft(), checklist, "no_such_template", AUDIT, LOCATION)


def test_two_taps_span_a_manual_box_in_picture_pixels() -> None:
    box = photo_checks.box_from_corners(Position(x=0.75, y=0.5), Position(x=0.25, y=0.1), 400, 300)
    assert (box.x, box.y, box.width, box.height, box.source) == (100, 30, 200, 120, "manual")
    with pytest.raises(ValidationError):
        photo_checks.box_from_corners(Position(x=0.5, y=0.1), Position(x=0.5, y=0.9), 400, 300)


def test_a_new_redaction_keeps_the_photo_but_withdraws_the_check() -> None:
    checked = photo("A. Consultant")
    box = Box(x=1, y=1, width=2, height=2, source="manual")
    redone = photo_checks.with_new_redaction(checked, b"new bytes", "image/jpeg", 4, 3, [box], [])
    assert (redone.id, redone.caption, redone.data) == (checked.id, checked.caption, b"new bytes")
    assert redone.redaction.boxes == [box]
    assert not redone.redaction.confirmed_by
    draft = Draft(photos=[redone])
    payload = drafts.draft_to_payload(draft)
    assert "new bytes" not in str(payload) and "data" not in payload["photos"][0]
    back = drafts.draft_from_payload(payload, drafts.draft_photo_blobs(draft))
    assert back.photos[0].data == b"new bytes"


def test_a_photo_stored_before_redaction_is_redacted_on_edit_and_must_be_checked(
    checklist, make_finding, make_photo
) -> None:
    portrait = (Path(__file__).parent / "fixtures" / "astronaut.jpg").read_bytes()
    old = make_photo(data=portrait, redacted=False, media_type="image/jpeg", needs_review=True)
    finding = make_finding(AUDIT, LOCATION, photos=[old])

    draft = drafts.redact_unrecorded_photos(drafts.draft_from_finding(finding, editing=True))

    (redone,) = draft.photos
    assert redone.id == old.id and redone.needs_review
    assert redone.data != portrait and redone.redaction.boxes
    with pytest.raises(ValidationError, match="I have checked this photo"):
        drafts.check_photos_confirmed(draft)
    reviewed = photo_checks.confirm_photo(redone, "A. Consultant")
    assert reviewed.redaction.confirmed_by == "A. Consultant" and not reviewed.needs_review


def test_photos_with_a_record_are_left_byte_for_byte(checklist) -> None:
    draft = Draft(photos=[photo("A. Consultant")])
    assert drafts.redact_unrecorded_photos(draft) is draft


def test_a_stored_file_that_is_no_picture_is_left_for_the_preview_to_report(make_photo) -> None:
    broken = make_photo(data=b"not a picture", redacted=False)
    assert drafts.redact_unrecorded_photos(Draft(photos=[broken])).photos == [broken]
