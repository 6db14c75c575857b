"""The PDF report of a re-walk has a "Since last walk" section (the dashboard's table, words for
every level and direction) and lists what was not checked under scope and limitations."""

from __future__ import annotations

import pytest

from datawalk.report import write_report
from datawalk.report.content import build_content
from tests.rendered import overlaps, pages_text, smallest_text
from tests.rewalk_scenario import walk_twice


@pytest.fixture
def walked(file_store):
    return walk_twice(file_store)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_section_holds_each_place_with_its_direction(file_store, walked):
    document = file_store.export_document(walked.audit.id)
    since = build_content(document, "governors", "OFFICIAL-SENSITIVE").data["since"]

    rows = {row[0]: dict(zip(since["columns"], row, strict=True)) for row in since["rows"]}
    assert rows[walked.places["resolved"].name]["Direction"] == "Better"
    assert rows[walked.places["locked"].name]["Direction"] == "Not checked"
    assert rows[walked.places["new"].name]["New"] == "1"
    counts = {c["label"]: c["count"] for c in since["counts"]}
    assert counts["Resolved"] == walked.carried["resolved"]
    assert any(walked.places["locked"].name in line for line in since["not_checked"])


def test_the_pdf_prints_the_section_cleanly(file_store, walked):
    pdf = write_report(file_store.export_document(walked.audit.id), "leadership")

    text = _flat("\n".join(pages_text(pdf)))
    assert "Sincelastwalk" in text
    assert _flat(f"Not checked this time: {walked.places['locked'].name}") in text
    assert overlaps(pdf) == []
    assert smallest_text(pdf)[0] >= 7.0


def test_a_first_walk_has_no_such_section(file_store, walked):
    document = file_store.export_document(walked.first.id)
    assert build_content(document, "governors", "OFFICIAL-SENSITIVE").data["since"] is None


def test_resolved_findings_shown_by_a_checked_photo_are_counted(file_store, walked):
    from datawalk.models import RewalkState
    from datawalk.services import Actor, Workspace
    from datawalk.services.rewalk_photos import add_resolved_photo
    from tests.pictures import noise_png

    resolved = next(
        item
        for item in file_store.rewalk_record(walked.audit.id).items
        if item.state is RewalkState.RESOLVED
    )
    add_resolved_photo(
        Workspace(file_store), Actor("A. Consultant"), resolved.id, noise_png(), checked=True
    )
    document = file_store.export_document(walked.audit.id)

    # A count holds no personal data, so both editions give it; neither prints the photo.
    for edition in ("leadership", "governors"):
        since = build_content(document, edition, "OFFICIAL-SENSITIVE").data["since"]
        counts = {c["label"]: c["count"] for c in since["counts"]}
        assert counts["Resolved, shown by a checked photo"] == 1
