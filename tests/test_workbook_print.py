"""The workbook as it prints: rendered to PDF by headless LibreOffice (with Carlito, which has
Calibri's metrics, as `.ci/run` installs), then read back with pdfplumber. No wrapped text may
overlap other text, and every printed word is readable; the governors edition has no Action ID
and no raw priority; the Findings (print) sheet and the Action plan fit A4 landscape.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from datawalk.checklist import pin_checklist
from datawalk.models import AuditDocument
from datawalk.samples import sample_document
from datawalk.workbook import write_workbook
from datawalk.workbook.fit import column_pixels, line_count, row_points
from datawalk.workbook.layout import ACTION_PLAN, FINDINGS, FINDINGS_PRINT
from tests.rendered import libreoffice_pdf, overlaps, pages_text, save_pngs, smallest_text

TODAY = date(2025, 6, 1)
# Landscape A4 between the workbook's half-inch margins, in pixels at 96 dpi.
PRINTABLE_PX = (297 / 25.4 - 1.0) * 96


@pytest.fixture(scope="module")
def document(checklist) -> AuditDocument:
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return sample.model_copy(update={"audit": audit})


@pytest.fixture(scope="module", params=["leadership", "governors"])
def rendered(request, document, tmp_path_factory) -> tuple[str, bytes, bytes]:
    """The edition's workbook and the PDF LibreOffice prints of it."""
    folder = tmp_path_factory.mktemp(f"workbook-{request.param}")
    workbook = write_workbook(document, edition=request.param, today=TODAY)
    path = folder / f"workbook-{request.param}.xlsx"
    path.write_bytes(workbook)
    pdf = libreoffice_pdf(path, folder)
    save_pngs(pdf, f"workbook-{request.param}")
    return request.param, workbook, pdf


def test_no_printed_text_overlaps(rendered) -> None:
    _, _, pdf = rendered
    assert overlaps(pdf) == []


def test_every_printed_word_is_readable(rendered) -> None:
    _, _, pdf = rendered
    size, char = smallest_text(pdf)
    assert size >= 7.0, (size, char)


def test_every_finding_and_action_is_printed(rendered, document) -> None:
    _, _, pdf = rendered
    text = "".join("".join(pages_text(pdf)).split())
    for finding in document.findings:
        assert finding.reference in text
    for action in document.actions:
        assert "".join(action.recommendation.split())[:20] in text


def test_the_marking_is_on_every_printed_page(rendered) -> None:
    _, _, pdf = rendered
    for number, page in enumerate(pages_text(pdf), start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, number  # header and footer


def test_governors_get_no_action_id_and_no_raw_priority(rendered) -> None:
    edition, workbook, _ = rendered
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    headers = {sheet: [c.value for c in book[sheet][1]] for sheet in (ACTION_PLAN, FINDINGS)}
    hidden = edition == "governors"
    assert ("Action ID" not in headers[ACTION_PLAN]) is hidden
    assert ("Priority" not in headers[ACTION_PLAN]) is hidden
    assert ("Priority" not in headers[FINDINGS]) is hidden


def _printed_width(sheet, last_col: int) -> float:
    return sum(
        column_pixels(sheet.column_dimensions[openpyxl.utils.get_column_letter(col)].width)
        for col in range(1, last_col + 1)
    )


def test_findings_print_and_action_plan_fit_a4_landscape_at_a_readable_size(rendered) -> None:
    _, workbook, _ = rendered
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    findings = book[FINDINGS_PRINT]
    assert findings.page_setup.orientation == "landscape" and findings.page_setup.paperSize == 9
    scale = PRINTABLE_PX / _printed_width(findings, findings.max_column)
    assert 11 * min(scale, 1) >= 8  # points, once fitted to the page's width
    plan = book[ACTION_PLAN]
    last = plan.max_column
    if plan.print_area:
        corner = str(plan.print_area).split("!")[-1].split(":")[-1]  # e.g. $G$6
        last = openpyxl.utils.column_index_from_string(corner.split("$")[1])
    headers = [c.value for c in plan[1]][:last]
    assert "Locations" in headers and "Recommendation" in headers and "Status" in headers
    assert 11 * min(PRINTABLE_PX / _printed_width(plan, last), 1) >= 7


def test_the_full_findings_table_stays_for_filtering(rendered, document) -> None:
    _, workbook, _ = rendered
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert book[FINDINGS].tables and book[FINDINGS].max_row == len(document.findings) + 1


def test_row_heights_grow_with_wrapped_text() -> None:
    short, long = "Staff room", "Keep the pupil's name on the label " * 6
    assert row_points([(short, 20)]) is None
    assert line_count(long, column_pixels(20)) > line_count(long, column_pixels(60)) > 1
    assert row_points([(long, 20)]) > row_points([(long, 60)])
    assert row_points([("one\ntwo\nthree", 30)]) >= 3 * 15


def test_path_is_a_real_renderer_output(tmp_path: Path) -> None:
    """The helper really renders: a one-cell workbook prints its text."""
    from xlsxwriter import Workbook

    path = tmp_path / "one.xlsx"
    book = Workbook(str(path))
    book.add_worksheet().write_string(0, 0, "Hollybrook")
    book.close()
    assert "Hollybrook" in pages_text(libreoffice_pdf(path, tmp_path))[0]
