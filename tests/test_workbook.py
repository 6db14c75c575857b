"""The leadership workbook as Excel sees it: the fictional sample walk exported with XlsxWriter and
opened again with openpyxl (charts and images are checked in the zip, as openpyxl drops charts)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest

from datawalk.actions import STATUS_LABELS
from datawalk.checklist import pin_checklist
from datawalk.errors import ValidationError
from datawalk.models import AuditDocument
from datawalk.photo_checks import confirm_photo
from datawalk.samples import sample_document
from datawalk.workbook import write_workbook
from datawalk.workbook.downloads import school_slug, workbook_file_name
from datawalk.workbook.layout import (
    ACTION_PLAN,
    FINDINGS,
    FINDINGS_PRINT,
    FORMAT_NAME,
    FORMAT_VERSION,
    LOCATIONS,
    MARKER,
    PHOTOS,
    PROPERTY_AUDIT,
    SCORING_MODEL,
    SUMMARY,
)
from datawalk.workbook.sheets.photos import AWAITING_REVIEW

LEADERSHIP_SHEETS = [
    SUMMARY,
    FINDINGS,
    FINDINGS_PRINT,
    ACTION_PLAN,
    LOCATIONS,
    PHOTOS,
    SCORING_MODEL,
    MARKER,
]
# Printed at a fixed scale rather than fitted to the width: the Summary (so its page breaks
# before the charts hold) and the full Findings table (too wide to read on one page).
SCALED_SHEETS = {SUMMARY: 80, FINDINGS: 80}
INJECTIONS = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1+2",
    "-3+4",
    "@SUM(A1)",
    "\t=1+1",
    "\r=2+2",
    "=1+1",
]


def _with_photos_checked(document: AuditDocument) -> AuditDocument:
    """The document as it is once a person has checked every photo's redaction."""
    findings = [
        finding.model_copy(
            update={"photos": [confirm_photo(photo, "Test Consultant") for photo in finding.photos]}
        )
        for finding in document.findings
    ]
    return document.model_copy(update={"findings": findings})


@pytest.fixture(scope="module")
def document(checklist) -> AuditDocument:
    """The sample walk pinned to the bundled checklist (so it scores with today's YAML), its
    photos checked by a person (the import leaves them awaiting review)."""
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return _with_photos_checked(sample.model_copy(update={"audit": audit}))


@pytest.fixture(scope="module")
def leadership(document) -> bytes:
    return write_workbook(document, today=date(2025, 6, 1))


@pytest.fixture(scope="module")
def governors(document) -> bytes:
    return write_workbook(document, edition="governors", today=date(2025, 6, 1))


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def _all_strings(book: openpyxl.Workbook) -> list[str]:
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_sheet_names_and_hidden_marker(leadership, governors, document):
    book = _open(leadership)
    assert book.sheetnames == LEADERSHIP_SHEETS
    assert book[MARKER].sheet_state == "veryHidden"
    assert all(book[name].sheet_state == "visible" for name in LEADERSHIP_SHEETS[:-1])
    assert _open(governors).sheetnames == [n for n in LEADERSHIP_SHEETS if n != PHOTOS]


def test_marker_sheet_and_custom_property_name_the_audit(leadership, document):
    book = _open(leadership)
    marker = {row[0]: row[1] for row in book[MARKER].iter_rows(values_only=True)}
    assert marker["audit_id"] == document.audit.id
    assert marker["format"] == FORMAT_NAME
    assert marker["format_version"] == str(FORMAT_VERSION)
    properties = {prop.name: prop.value for prop in book.custom_doc_props.props}
    assert properties[PROPERTY_AUDIT] == document.audit.id


def test_tables_span_exactly_the_audit_rows(leadership, document):
    book = _open(leadership)
    findings = book[FINDINGS].tables["Findings"]
    last_col = openpyxl.utils.get_column_letter(len(_headers(book[FINDINGS])))
    assert findings.ref == f"A1:{last_col}{len(document.findings) + 1}"
    actions = book[ACTION_PLAN].tables["ActionPlan"]
    assert actions.ref.endswith(str(len(document.actions) + 1))
    locations = book[LOCATIONS].tables["Locations"]
    assert locations.ref.endswith(str(len(document.locations) + 1))


def test_row_counts_and_references_match_the_audit(leadership, document):
    book = _open(leadership)
    refs = [row[0] for row in book[FINDINGS].iter_rows(min_row=2, values_only=True)]
    assert sorted(refs) == sorted(f.reference for f in document.findings)
    plan = book[ACTION_PLAN]
    ids = [
        row[_headers(plan).index("Action ID")]
        for row in plan.iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(ids) == sorted(a.id for a in document.actions)
    photos = [row for row in book[PHOTOS].iter_rows(min_row=2, values_only=True) if row[0]]
    assert len(photos) == sum(len(f.photos) for f in document.findings)


def test_action_plan_in_rank_order_with_status_dropdown(leadership, document):
    plan = _open(leadership)[ACTION_PLAN]
    headers = _headers(plan)
    rank = headers.index("Urgency rank")
    ranks = [row[rank] for row in plan.iter_rows(min_row=2, values_only=True)]
    ranked = [int(label.split(" of ")[0]) for label in ranks if label != "No action"]
    assert ranked and ranked == sorted(ranked)
    assert ranks[len(ranked) :] == ["No action"] * (len(ranks) - len(ranked))
    status_col = openpyxl.utils.get_column_letter(headers.index("Status") + 1)
    lists = [dv for dv in plan.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert str(lists[0].sqref) == f"{status_col}2:{status_col}{len(document.actions) + 1}"
    assert lists[0].formula1 == '"' + ",".join(STATUS_LABELS.values()) + '"'
    due = plan.cell(row=2, column=headers.index("Due date") + 1)
    assert due.is_date and "dd" in due.number_format


def test_conditional_formats_colour_levels_and_overdue_rows(leadership, checklist):
    book = _open(leadership)
    findings = book[FINDINGS]
    headers = _headers(findings)
    level_names = {f'"{level.name}"' for level in checklist.scoring.levels}
    for column in ("Privacy level", "Safeguarding level"):
        letter = openpyxl.utils.get_column_letter(headers.index(column) + 1)
        rules = [
            rule
            for cf in findings.conditional_formatting
            if str(cf.sqref).startswith(letter + "2")
            for rule in cf.rules
        ]
        assert {rule.formula[0] for rule in rules} == level_names
        assert all(rule.type == "cellIs" and rule.dxf.fill is not None for rule in rules)
        labels = {
            row[headers.index(column)] for row in findings.iter_rows(min_row=2, values_only=True)
        }
        assert labels <= {level.name for level in checklist.scoring.levels}
    plan_rules = [r for cf in book[ACTION_PLAN].conditional_formatting for r in cf.rules]
    overdue = [r for r in plan_rules if r.type == "expression" and "TODAY()" in r.formula[0]]
    assert len(overdue) == 2  # the row fill, and the due date shown as "OVERDUE dd/mm/yyyy"
    assert any(r.dxf.numFmt is not None and "OVERDUE" in r.dxf.numFmt.formatCode for r in overdue)


def test_summary_has_two_native_charts(leadership):
    archive = zipfile.ZipFile(io.BytesIO(leadership))
    charts = [n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert len(charts) >= 2
    titles = " ".join(archive.read(name).decode() for name in charts)
    assert "Findings by classification" in titles
    assert "Findings by location type" in titles


def test_a_photo_awaiting_review_is_listed_but_never_embedded(document):
    awaiting = sample_document()  # straight from a file: every photo awaits review
    assert all(p.needs_review for f in awaiting.findings for p in f.photos)
    book_bytes = write_workbook(awaiting, today=date(2025, 6, 1))
    archive = zipfile.ZipFile(io.BytesIO(book_bytes))
    plans = sum(1 for floor in awaiting.audit.site.floors if floor.plan is not None)
    assert len([n for n in archive.namelist() if n.startswith("xl/media/")]) == plans
    book = _open(book_bytes)
    assert book[PHOTOS]._images == []
    captions = [row[2] for row in book[PHOTOS].iter_rows(min_row=2, values_only=True)]
    expected = sum(len(f.photos) for f in awaiting.findings)
    assert captions.count(AWAITING_REVIEW) == expected > 0
    findings = book[FINDINGS]
    photos_column = _headers(findings).index("Photos")
    assert {row[photos_column] for row in findings.iter_rows(min_row=2, values_only=True)} == {0}


def test_images_are_photos_and_floor_plans(leadership, document):
    archive = zipfile.ZipFile(io.BytesIO(leadership))
    media = [n for n in archive.namelist() if n.startswith("xl/media/")]
    photos = sum(len(f.photos) for f in document.findings)
    plans = sum(1 for floor in document.audit.site.floors if floor.plan is not None)
    assert len(media) == photos + plans
    book = _open(leadership)
    assert len(book[PHOTOS]._images) == photos
    assert len(book[LOCATIONS]._images) == plans
    thumb = book[PHOTOS]._images[0]
    assert max(thumb.width, thumb.height) <= 300


def test_every_sheet_carries_the_marking_and_prints_landscape(document):
    marking = "OFFICIAL-SENSITIVE & PERSONAL"
    book = _open(write_workbook(document, marking=marking))
    for name in LEADERSHIP_SHEETS[:-1]:
        sheet = book[name]
        assert marking.replace("&", "&&") in sheet.oddHeader.center.text
        assert marking.replace("&", "&&") in sheet.oddFooter.center.text
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        if name in SCALED_SHEETS:
            assert sheet.page_setup.scale == SCALED_SHEETS[name]
        else:
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            # fitToWidth defaults to 1 in the file format, so XlsxWriter leaves it out.
            assert (sheet.page_setup.fitToWidth or 1) == 1
            assert sheet.page_setup.fitToHeight == 0
        if name != SUMMARY:
            assert sheet.print_title_rows == "$1:$1"
    assert book[FINDINGS].freeze_panes == "B2"


def test_governors_edition_has_no_images_and_no_notes(governors, document):
    archive = zipfile.ZipFile(io.BytesIO(governors))
    assert not [n for n in archive.namelist() if n.startswith("xl/media/")]
    book = _open(governors)
    assert all(not sheet._images for sheet in book.worksheets)
    assert "Notes" not in _headers(book[FINDINGS])
    assert "Good practice note" not in _headers(book[FINDINGS])
    assert "Notes" not in _headers(book[ACTION_PLAN])
    texts = set(_all_strings(book))
    notes = [f.notes for f in document.findings if f.notes] + [
        a.notes for a in document.actions if a.notes
    ]
    assert notes and not [note for note in notes if note in texts]
    # A commendation ends with the consultant's good-practice note: governors get neither.
    good = [f.good_practice_note for f in document.findings if f.good_practice_note]
    assert good and not [n for n in good if any(n in str(text) for text in texts)]
    assert "Action ID" not in _headers(book[ACTION_PLAN])
    assert "Priority" not in _headers(book[ACTION_PLAN]) + _headers(book[FINDINGS])


def test_leadership_edition_keeps_every_note(leadership, document):
    texts = set(_all_strings(_open(leadership)))
    assert all(f.notes in texts for f in document.findings if f.notes)
    assert all(a.notes in texts for a in document.actions if a.notes)


def test_summary_and_scoring_model_content(leadership, document, checklist):
    book = _open(leadership)
    summary = {c.value for row in book[SUMMARY].iter_rows() for c in row if c.value}
    assert document.audit.school.name in summary
    assert document.audit.auditor in summary
    if document.audit.overall_opinion:
        assert document.audit.overall_opinion in summary
    assert "Top 10 hotspots" in summary and "Good practice found" in summary
    assert f"{checklist.name} ({checklist.id}, version {checklist.version})" in summary
    model = {c.value for row in book[SCORING_MODEL].iter_rows() for c in row if c.value}
    assert document.audit.checklist.content_hash in model
    assert any(str(v).startswith("Privacy grid") for v in model)
    assert any(str(v).startswith("Safeguarding grid") for v in model)
    assert {level.name for level in checklist.scoring.levels} <= model


@pytest.mark.parametrize("text", INJECTIONS)
def test_user_text_never_becomes_a_formula(document, text):
    findings = [f.model_copy(update={"notes": text}) for f in document.findings[:3]]
    location = document.locations[0].model_copy(update={"name": text.strip() or "x"})
    actions = [a.model_copy(update={"owner": text[:200], "notes": text}) for a in document.actions]
    poisoned = document.model_copy(
        update={
            "findings": findings + document.findings[3:],
            "locations": [location, *document.locations[1:]],
            "actions": actions,
        }
    )
    book = _open(write_workbook(poisoned))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    notes_col = _headers(book[FINDINGS]).index("Notes") + 1
    written = [book[FINDINGS].cell(row=r, column=notes_col) for r in range(2, 5)]
    assert all(cell.data_type == "s" for cell in written)
    # Excel breaks lines on LF, so a CR is written as one; the text stays a string either way.
    assert [cell.value for cell in written].count(text.replace("\r", "\n")) == 3
    owner_col = _headers(book[ACTION_PLAN]).index("Owner") + 1
    assert all(
        book[ACTION_PLAN].cell(row=r, column=owner_col).data_type == "s"
        for r in range(2, len(actions) + 2)
    )


def test_writes_to_a_path_or_buffer_and_returns_nothing(document, tmp_path):
    path = tmp_path / "walk.xlsx"
    assert write_workbook(document, path) is None
    assert zipfile.is_zipfile(path)
    buffer = io.BytesIO()
    assert write_workbook(document, buffer) is None
    assert buffer.getvalue()[:4] == b"PK\x03\x04"


@pytest.mark.parametrize(
    ("edition", "marking", "field"),
    [
        ("board", "OFFICIAL", "edition"),
        ("leadership", "", "marking"),
        ("leadership", "X" * 61, "marking"),
        ("leadership", "OFFICIAL\x07", "marking"),
    ],
)
def test_bad_edition_or_marking_is_refused(document, edition, marking, field):
    with pytest.raises(ValidationError) as caught:
        write_workbook(document, edition=edition, marking=marking)
    assert caught.value.field == field


def test_file_name_uses_school_slug_and_walk_date(document):
    assert (
        school_slug("St Mary's C of E Primary (fictional)") == "st-marys-c-of-e-primary-fictional"
    )
    assert school_slug("École Saint-Jean") == "ecole-saint-jean"
    assert school_slug("***") == "school"
    name = workbook_file_name(document.audit)
    assert (
        name == f"datawalk-{school_slug(document.audit.school.name)}-"
        f"{document.audit.walk_at:%Y-%m-%d}.xlsx"
    )
