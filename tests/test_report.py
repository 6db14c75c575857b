"""The PDF report, read back as a reader's PDF viewer would: text extracted with pdfplumber, page
layout checked for overlapping and tiny text, both editions, the marking on every page, photos
awaiting review left out, hostile text printed as text, and the two-sided chart's numbers equal to
the dashboard figure's.
"""

from __future__ import annotations

import io
from datetime import date

import pdfplumber
import pytest

from datawalk import charts, dashboard
from datawalk.checklist import pin_checklist
from datawalk.errors import ValidationError
from datawalk.models import ActionStatus, AuditDocument
from datawalk.photo_checks import confirm_photo
from datawalk.report import report_file_name, write_report
from datawalk.report.content import build_content
from datawalk.samples import sample_document
from tests.rendered import overlaps, pages_text, save_pngs, smallest_text

TODAY = date(2025, 6, 1)
HOSTILE = '#set page(fill: red) *bold* $x^2$ <label> @ref = \\ #import "@preview/x:1.0.0"'
ACTION_NOTE = "Ring the caterer on Monday about the hatch"
ACCEPTED = ("Ms Quinton, chair of governors (fictional)", "Budget for the new hatch is next year")


def _checked(document: AuditDocument) -> AuditDocument:
    findings = [
        finding.model_copy(
            update={"photos": [confirm_photo(photo, "Test Consultant") for photo in finding.photos]}
        )
        for finding in document.findings
    ]
    return document.model_copy(update={"findings": findings})


def _with_plan_edits(document: AuditDocument) -> AuditDocument:
    """An action note and an accepted risk with who, when and why, as leadership would add."""
    actions = list(document.actions)
    actions[0] = actions[0].model_copy(update={"notes": ACTION_NOTE})
    actions[1] = actions[1].model_copy(
        update={
            "status": ActionStatus.RISK_ACCEPTED,
            "accepted_by": ACCEPTED[0],
            "accepted_on": date(2025, 4, 2),
            "accepted_reason": ACCEPTED[1],
        }
    )
    return document.model_copy(update={"actions": actions})


@pytest.fixture(scope="module")
def document(checklist) -> AuditDocument:
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    document = _with_plan_edits(_checked(sample.model_copy(update={"audit": audit})))
    return _photo_on_top_hotspot(document)


def _photo_on_top_hotspot(document: AuditDocument) -> AuditDocument:
    """The sample's photos are of calmer findings; give the top hotspot (F-002) one too."""
    photo = next(p for f in document.findings for p in f.photos)
    findings = [
        f.model_copy(update={"photos": [photo.model_copy(update={"id": "photo-top-1"})]})
        if f.reference == "F-002"
        else f
        for f in document.findings
    ]
    return document.model_copy(update={"findings": findings})


@pytest.fixture(scope="module")
def leadership(document) -> bytes:
    pdf = write_report(document, "leadership", today=TODAY)
    save_pngs(pdf, "report-leadership")
    return pdf


@pytest.fixture(scope="module")
def governors(document) -> bytes:
    pdf = write_report(document, "governors", today=TODAY)
    save_pngs(pdf, "report-governors")
    return pdf


def _flat(text: str) -> str:
    """Text without whitespace, so a phrase broken over lines still matches."""
    return "".join(text.split())


def _image_count(pdf: bytes) -> int:
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        return sum(len(page.images) for page in opened.pages)


def _plans(document: AuditDocument) -> int:
    return sum(1 for floor in document.audit.site.floors if floor.plan is not None)


@pytest.mark.parametrize("edition", ["leadership", "governors"])
def test_no_text_overlaps_and_none_is_too_small(edition, leadership, governors) -> None:
    pdf = leadership if edition == "leadership" else governors
    assert overlaps(pdf) == []
    size, char = smallest_text(pdf)
    assert size >= 7.0, (size, char)


@pytest.mark.parametrize("edition", ["leadership", "governors"])
def test_every_finding_and_action_appears(edition, document, leadership, governors) -> None:
    text = _flat("\n".join(pages_text(leadership if edition == "leadership" else governors)))
    for finding in document.findings:
        assert finding.reference in text
    # A table cell's lines interleave with its row's other cells, so the start of each action
    # (its first line) is what is matched.
    for action in document.actions:
        assert _flat(action.recommendation)[:25] in text, action.recommendation


@pytest.mark.parametrize("edition", ["leadership", "governors"])
def test_the_marking_is_on_every_page_header_and_footer(edition, document) -> None:
    marking = "OFFICIAL-SENSITIVE [PERSONAL] Trust scheme & co"
    pdf = write_report(document, edition, marking=marking, today=TODAY)
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        for page in opened.pages:
            lines = [line["text"] for line in page.extract_text_lines()]
            assert lines[0] == marking or page.page_number == 1
            assert marking in lines[-1], (page.page_number, lines[-1])


def test_the_pdf_is_tagged_and_its_metadata_holds_no_pupil_text(document, leadership) -> None:
    assert b"/StructTreeRoot" in leadership
    with pdfplumber.open(io.BytesIO(leadership)) as opened:
        metadata = " ".join(str(value) for value in opened.metadata.values())
    assert document.audit.school.name in metadata
    for finding in document.findings:
        for text in (finding.title, finding.notes, finding.good_practice_note):
            assert not text or text not in metadata
    for location in document.locations:
        assert location.name not in metadata


def test_leadership_has_its_photos_and_notes(document, leadership) -> None:
    text = _flat("\n".join(pages_text(leadership)))
    photos = sum(len(f.photos) for f in document.findings)
    assert _image_count(leadership) == _plans(document) + photos + 1  # F-002 is a hotspot too
    for finding in document.findings:
        for photo in finding.photos:
            assert _flat(photo.caption) in text
    assert _flat(ACTION_NOTE) in text
    assert any(f.notes and _flat(f.notes)[:40] in text for f in document.findings)


def test_governors_get_no_photo_and_no_notes_but_every_accepted_risk(document, governors) -> None:
    assert _image_count(governors) == _plans(document)  # floor plans only
    text = _flat("\n".join(pages_text(governors)))
    for finding in document.findings:
        for note in (finding.notes, finding.good_practice_note, finding.title):
            assert not note or _flat(note)[:40] not in text, note
        for photo in finding.photos:
            assert not photo.caption or _flat(photo.caption) not in text
    assert _flat(ACTION_NOTE) not in text
    for part in (*ACCEPTED, "02/04/2025"):
        assert _flat(part) in text


def test_a_photo_awaiting_review_never_appears(document) -> None:
    unchecked = [
        finding.model_copy(
            update={
                "photos": [
                    photo.model_copy(update={"needs_review": True}) for photo in finding.photos
                ]
            }
        )
        for finding in document.findings
    ]
    pending = document.model_copy(update={"findings": unchecked})
    assert any(finding.photos for finding in pending.findings)
    assert _image_count(write_report(pending, "leadership", today=TODAY)) == _plans(document)


def test_the_summary_states_the_lawful_basis(leadership) -> None:
    summary = " ".join(pages_text(leadership)[1].split())
    assert "public task" in summary
    assert "Article 9(2)(g)" in summary
    assert "Schedule 1, paragraph 18" in summary
    assert "does not rely on consent" in summary


def test_hostile_text_is_printed_as_typed(document) -> None:
    audit = document.audit.model_copy(
        update={
            "school": document.audit.school.model_copy(update={"name": HOSTILE}),
            "overall_opinion": HOSTILE,
            "scope_limitations": "<script>" + HOSTILE,
        }
    )
    locations = [document.locations[0].model_copy(update={"name": HOSTILE[:60]})]
    locations += document.locations[1:]
    findings = [document.findings[0].model_copy(update={"notes": HOSTILE})]
    findings += document.findings[1:]
    # An open action, so the owner is also in the summary's urgent list, printed full width.
    actions = [
        a.model_copy(update={"owner": "=cmd|' /C calc'!A0 @x"})
        if a.status == ActionStatus.OPEN
        else a
        for a in document.actions
    ]
    hostile = document.model_copy(
        update={"audit": audit, "locations": locations, "findings": findings, "actions": actions}
    )
    pdf = write_report(hostile, "leadership", marking="#* $ <a> @b = \\", today=TODAY)
    text = _flat("\n".join(pages_text(pdf)))
    assert _flat(HOSTILE) in text
    assert _flat("#* $ <a> @b = \\") in text
    assert _flat("=cmd|' /C calc'!A0 @x") in text


def test_a_very_long_word_wraps_inside_its_cell(document) -> None:
    word = "Supercalifragilisticexpialidocious" * 2
    locations = [loc.model_copy(update={"name": word[:60]}) for loc in document.locations]
    actions = [a.model_copy(update={"owner": "X" * 60}) for a in document.actions]
    long = document.model_copy(update={"locations": locations, "actions": actions})
    pdf = write_report(long, "leadership", today=TODAY)
    assert overlaps(pdf) == []
    assert word[:60] in "".join(pages_text(pdf))


def test_a_bad_edition_or_marking_is_refused(document) -> None:
    with pytest.raises(ValidationError):
        write_report(document, "everyone")
    with pytest.raises(ValidationError):
        write_report(document, marking="X" * 61)


def _figure_counts(document: AuditDocument, checklist) -> list[list[int]]:
    """Findings per (safeguarding, privacy) cell, counted from the dashboard's quadrant figure."""
    frame = dashboard.dashboard_frame(
        document.audit,
        document.findings,
        document.locations,
        document.actions,
        checklist,
        TODAY,
    )
    levels = list(checklist.scoring.levels)
    figure = charts.build_quadrant(frame, levels, checklist.scoring.thresholds.concern_level)
    counts = [[0] * len(levels) for _ in levels]
    for trace in figure.data:
        xs = () if trace.x is None else trace.x
        ys = () if trace.y is None else trace.y
        for x, y in zip(xs, ys, strict=True):
            if x is not None:
                counts[round(y)][round(x)] += 1
    return counts


def _pdf_chart_counts(pdf: bytes) -> list[list[int]]:
    """The numbers printed in the chart's squares, top row (highest safeguarding) first."""
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        page = next(p for p in opened.pages if "two-sided chart" in (p.extract_text() or ""))
        words = page.extract_words()
    top = next(w for w in words if w["text"] == "(up)")["bottom"]
    bottom = next(w for w in words if w["text"] == "(across)" and w["top"] > top)["top"]
    right = next(w for w in words if w["text"] == "Each" and w["top"] > top - 20)["x0"]
    cells = [
        w for w in words if w["text"].isdigit() and top < w["top"] < bottom and w["x1"] < right
    ]
    rows: dict[int, list[dict]] = {}
    for word in cells:
        rows.setdefault(round(word["top"]), []).append(word)
    return [
        [int(w["text"]) for w in sorted(rows[key], key=lambda w: w["x0"])] for key in sorted(rows)
    ]


def test_the_pdf_chart_shows_the_dashboard_figures_numbers(document, leadership) -> None:
    from datawalk.checklist import checklist_from_pin

    checklist = checklist_from_pin(document.audit.checklist)
    from_figure = _figure_counts(document, checklist)
    assert sum(map(sum, from_figure)) == len(document.findings)
    assert _pdf_chart_counts(leadership) == list(reversed(from_figure))


def test_report_data_keeps_governors_free_text_out(document) -> None:
    content = build_content(document, "governors", "OFFICIAL-SENSITIVE", TODAY)
    assert all(spot["photos"] == [] for spot in content.data["hotspots"]["top"])
    names = {image.name for image in content.images}
    assert names and all(name.startswith("plan-") for name in names)


def test_the_file_name_names_school_date_and_edition(document) -> None:
    name = report_file_name(document.audit, "governors")
    assert name.endswith(f"{document.audit.walk_at:%Y-%m-%d}-governors.pdf")


@pytest.mark.slow
def test_a_500_finding_audit_reports_cleanly(checklist) -> None:
    """The bench's synthetic audit: every finding and action in, no overlap, nothing tiny."""
    from benchmarks.workbook import synthetic_document

    document = synthetic_document(checklist, 500)
    pdf = write_report(document, "governors", today=TODAY)
    text = _flat("\n".join(pages_text(pdf)))
    assert all(finding.reference in text for finding in document.findings)
    assert all(_flat(a.recommendation)[:25] in text for a in document.actions)
    assert overlaps(pdf) == []
    assert smallest_text(pdf)[0] >= 7.0
