"""What the workbook's sheets say, read back with openpyxl: the Summary's scope, counts, good
practice and top hotspots; every finding field on the Findings sheet; the Locations sheet's
counts and its list of places visited with nothing found. Expected values are computed from the
sample walk and its scores, never hard-coded."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import openpyxl
import pytest

from datawalk.checklist import pin_checklist
from datawalk.models import AuditDocument
from datawalk.samples import sample_document
from datawalk.scoring import CLASSIFICATION_NAMES, score_document
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import FINDINGS, LOCATIONS, SCORING_MODEL, SUMMARY


@pytest.fixture(scope="module")
def document(checklist) -> AuditDocument:
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return sample.model_copy(update={"audit": audit})


@pytest.fixture(scope="module")
def scores(document, checklist):
    return {s.finding_id: s for s in score_document(document, checklist)}


@pytest.fixture(scope="module")
def book(document) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(write_workbook(document, today=date(2025, 6, 1))))


def _rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def _section(rows: list[tuple], title: str) -> list[tuple]:
    """The rows after the first row whose first cell is `title` (a section or table header)."""
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    return rows[start + 1 :]


def test_summary_states_scope_and_opinion(book, document):
    texts = {cell for row in _rows(book[SUMMARY]) for cell in row if isinstance(cell, str)}
    assert document.audit.scope_limitations and document.audit.scope_limitations in texts
    assert document.audit.overall_opinion in texts
    assert {"Scope and limitations", "Overall opinion"} <= texts


def test_summary_counts_by_classification_and_by_level(book, document, scores, checklist):
    rows = _rows(book[SUMMARY])
    by_class = {row[0]: row[1] for row in _section(rows, "Classification")[:4]}
    expected = Counter(s.classification for s in scores.values())
    assert {name: by_class[name] for name in CLASSIFICATION_NAMES.values()} == {
        CLASSIFICATION_NAMES[c]: expected.get(c, 0) for c in CLASSIFICATION_NAMES
    }
    levels = checklist.scoring.levels
    by_level = {row[0]: row[1:3] for row in _section(rows, "Level")[: len(levels)]}
    for level in levels:
        privacy = sum(1 for s in scores.values() if s.privacy_level == level.id)
        safeguarding = sum(1 for s in scores.values() if s.safeguarding_level == level.id)
        assert by_level[level.name] == (privacy, safeguarding)


def test_level_colours_are_named_as_the_checklist_names_them(book, checklist):
    """One name per colour: the Summary and the Scoring model say "Grey" beside the grey fill,
    never a RAG band of another hue; the fill is the checklist's colour."""
    levels = checklist.scoring.levels
    summary = _rows(book[SUMMARY])
    header = next(row for row in summary if row[0] == "Level" and "Colour" in row)
    assert "RAG" not in header
    by_level = {row[0]: row[header.index("Colour")] for row in _section(summary, "Level")}
    assert {lv.name: by_level[lv.name] for lv in levels} == {
        lv.name: lv.colour.capitalize() for lv in levels
    }
    sheet = book[SCORING_MODEL]
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if [c.value for c in row[:2]] == ["Level", "Id"])
    assert [c.value for c in rows[start][:4]] == ["Level", "Id", "Colour", "Hex colour"]
    for level, row in zip(levels, rows[start + 1 :], strict=False):
        assert (row[0].value, row[2].value) == (level.name, level.colour.capitalize())
        assert row[0].fill.fgColor.rgb[-6:] == level.hexcolor.lstrip("#").upper()


def test_summary_lists_good_practice_and_top_ten_hotspots(book, document, scores):
    rows = _rows(book[SUMMARY])
    good = {f.reference for f in document.findings if f.good_practice}
    listed = [row[0] for row in _section(rows, "Reference")[: len(good)]]
    assert good and set(listed) == good
    hot = _section(rows, "Reference and location")[:10]
    needing = sorted(
        (
            s.priority
            for f in document.findings
            if not f.good_practice and (s := scores[f.id]).classification != "proportionate"
        ),
        reverse=True,
    )[:10]
    assert [row[4] for row in hot] == [round(p, 2) for p in needing]
    assert all(row[5] for row in hot), "every hotspot says what to do"


def test_findings_sheet_has_every_field_with_labels(book, document, checklist):
    sheet = book[FINDINGS]
    headers = [cell.value for cell in sheet[1]]
    for header in (
        "Reference",
        "Location",
        "Template",
        "Data categories",
        "Format",
        "Identifiability",
        "Detail level",
        "Visible to",
        "Needed by",
        "Reach",
        "Controls",
        "Evidence",
        "Review date",
        "Need override (1-5)",
        "Good practice",
        "Good practice note",
        "Notes",
        "Privacy level",
        "Safeguarding level",
        "Classification",
        "Priority",
        "Reasons",
        "Recommendations",
    ):
        assert header in headers, header
    templates = {t.id: t.name for t in checklist.objects.templates}
    column = headers.index("Template")
    by_ref = {row[0]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for finding in document.findings:
        expected = templates.get(finding.template_id) if finding.template_id else None
        assert by_ref[finding.reference] == expected
    assert any(f.template_id for f in document.findings)
    wrap = sheet.cell(row=2, column=headers.index("Reasons") + 1).alignment.wrap_text
    assert wrap and sheet.column_dimensions["A"].width > 0


def test_locations_sheet_counts_and_nothing_found(book, document):
    rows = _rows(book[LOCATIONS])
    headers = list(rows[0])
    name, count = headers.index("Location"), headers.index("Findings")
    table = {row[name]: row[count] for row in rows[1 : len(document.locations) + 1]}
    per_place = Counter(f.location_id for f in document.findings)
    assert table == {loc.name: per_place.get(loc.id, 0) for loc in document.locations}
    empty = {loc.name for loc in document.locations if not per_place.get(loc.id)}
    listed = {row[1] for row in _section(rows, "Visited with nothing found")[: len(empty)]}
    assert empty and listed == empty
