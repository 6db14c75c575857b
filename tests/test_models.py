"""The domain models on their own: what they accept, what they refuse and how they normalise.

Vocabulary ids are checked against a checklist elsewhere (test_validation); here only the shape of
School → Site → Floor → Location → Finding, the audit around them and the document that carries
them is tested.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from datawalk.models import (
    DOCUMENT_FORMAT,
    Audit,
    AuditDocument,
    AuditStatus,
    Finding,
    Floor,
    Phase,
    PinnedChecklist,
    Position,
    Reach,
    School,
    Site,
)


def test_phases_statuses_and_reach_are_the_issue_vocabulary() -> None:
    assert [p.value for p in Phase] == [
        "primary",
        "secondary",
        "all_through",
        "special",
        "early_years",
    ]
    assert [s.value for s in AuditStatus] == ["in_progress", "complete", "archived"]
    # Fastest first: scoring compares reach speeds by this order.
    assert [r.value for r in Reach] == [
        "immediately",
        "within_5_minutes",
        "same_day",
        "on_request",
        "not_at_all",
    ]


@pytest.mark.parametrize(("x", "y"), [(0.0, 0.0), (1.0, 1.0), (0.25, 0.75)])
def test_positions_are_normalised_to_the_unit_square(x: float, y: float) -> None:
    assert Position(x=x, y=y).model_dump() == {"x": x, "y": y}


@pytest.mark.parametrize(("x", "y"), [(-0.01, 0.5), (0.5, 1.01), (2, 2)])
def test_positions_off_the_plan_are_refused(x: float, y: float) -> None:
    with pytest.raises(ValidationError):
        Position(x=x, y=y)


def test_floor_ids_are_unique_within_a_site() -> None:
    with pytest.raises(ValidationError, match="unique"):
        Site(name="Main", floors=[Floor(id="g", name="Ground"), Floor(id="g", name="Again")])


def test_required_names_are_trimmed_and_never_blank() -> None:
    assert School(name="  Oakfield (fictional) ", phase="primary").name == "Oakfield (fictional)"
    with pytest.raises(ValidationError):
        School(name="   ", phase="primary")


def test_an_unknown_field_is_an_error_not_dropped(make_audit) -> None:
    data = make_audit().model_dump()
    with pytest.raises(ValidationError, match="extra"):
        Audit.model_validate(data | {"auditer": "typo"})


def test_assignment_is_validated(make_audit) -> None:
    audit = make_audit()
    with pytest.raises(ValidationError):
        audit.status = "finished"


def test_audience_and_control_sets_are_canonical(make_finding) -> None:
    finding = make_finding(
        "a" * 12,
        "b" * 12,
        visible_to=["pupils", "catering", "pupils"],
        needed_by=["midday", "catering"],
        controls=["staff_side_placement", "staff_side_placement"],
    )
    assert finding.visible_to == ["catering", "pupils"]
    assert finding.needed_by == ["catering", "midday"]
    assert finding.controls == ["staff_side_placement"]


def test_an_absence_finding_may_be_visible_to_no_one(make_finding) -> None:
    finding = make_finding("a" * 12, "b" * 12, visible_to=[], needed_by=["supply"])
    assert finding.visible_to == [] and finding.needed_by == ["supply"]


def test_a_finding_needs_at_least_one_category(make_finding) -> None:
    with pytest.raises(ValidationError):
        make_finding("a" * 12, "b" * 12, categories=[])


@pytest.mark.parametrize("reference", ["F-001", "F-042", "F-1000"])
def test_references_run_f_001_onwards(make_finding, reference: str) -> None:
    assert make_finding("a" * 12, "b" * 12, reference=reference).reference == reference


@pytest.mark.parametrize("reference", ["F-1", "f-001", "001", "F-001 ", "G-001"])
def test_malformed_references_are_refused(make_finding, reference: str) -> None:
    with pytest.raises(ValidationError):
        make_finding("a" * 12, "b" * 12, reference=reference)


@pytest.mark.parametrize(
    ("field", "value"), [("need_override", 0), ("need_override", 6), ("version", 0)]
)
def test_numbers_outside_their_range_are_refused(make_finding, field: str, value: int) -> None:
    with pytest.raises(ValidationError):
        make_finding("a" * 12, "b" * 12, **{field: value})


def test_a_finding_carries_everything_the_walk_records(make_finding) -> None:
    finding = make_finding(
        "a" * 12,
        "b" * 12,
        reach=Reach.ON_REQUEST,
        evidence="staff_asked",
        review_date=date(2025, 7, 18),
        good_practice=True,
        good_practice_note="Dated and kept staff-side.",
        notes="Seen at lunch",
    )
    assert Finding.model_validate_json(finding.model_dump_json()) == finding
    assert finding.version == 1 and finding.created_at.tzinfo is not None


def test_new_ids_are_unguessable_and_distinct(make_audit) -> None:
    first, second = make_audit(), make_audit()
    assert first.id != second.id and len(first.id) >= 16


def test_a_pinned_checklist_needs_a_sha256_hash() -> None:
    with pytest.raises(ValidationError):
        PinnedChecklist(id="uk_schools", version=1, content_hash="not-a-hash", content={})


def test_the_document_is_marked_and_photos_travel_as_base64(make_audit, make_finding, make_photo):
    audit = make_audit()
    photo = make_photo()
    finding = make_finding(audit.id, "b" * 12, photos=[photo])
    document = AuditDocument(audit=audit, findings=[finding])
    data = document.model_dump(mode="json")
    assert data["format"] == DOCUMENT_FORMAT
    assert isinstance(data["findings"][0]["photos"][0]["data"], str)
    assert AuditDocument.model_validate(data).findings[0].photos[0].data == photo.data
    with pytest.raises(ValidationError):
        AuditDocument.model_validate(data | {"format": "something-else"})
