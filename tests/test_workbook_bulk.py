"""Columns put in one pass (`BulkSheet.put_column`) read back exactly as cells written one by one
with XlsxWriter's own methods would: same values, same types, same formats."""

from __future__ import annotations

import io
import string
from datetime import date, datetime

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from datawalk.workbook.bulk import MAX_CELL_TEXT, BulkWorkbook, add_bulk_sheet, cell_text
from datawalk.workbook.writer import WORKBOOK_OPTIONS


def _book(build) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    workbook = BulkWorkbook(buffer, WORKBOOK_OPTIONS)
    build(workbook)
    workbook.close()
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_each_kind_reads_back_as_its_type():
    def build(workbook):
        sheet = add_bulk_sheet(workbook, "Data")
        dated = workbook.add_format({"num_format": "dd/mm/yyyy"})
        sheet.put_column(1, 0, "text", ["=SUM(A1)", None, "@cmd", "+44 7700", "plain"])
        sheet.put_column(1, 1, "number", [1, 2.5, None, 10**12, -0.125])
        when = [date(2026, 3, 2), None, datetime(2026, 3, 2, 9, 30)]
        sheet.put_column(1, 2, "date", when, dated)
        sheet.put_column(1, 3, "bool", [True, False, True, False, True])

    cells = _book(build)["Data"]
    assert [cells.cell(r, 1).value for r in range(2, 7)] == [
        "=SUM(A1)",
        None,
        "@cmd",
        "+44 7700",
        "plain",
    ]
    assert all(cells.cell(r, 1).data_type == "s" for r in (2, 4, 5, 6))
    assert [cells.cell(r, 2).value for r in range(2, 7)] == [1, 2.5, None, 10**12, -0.125]
    assert [cells.cell(r, 3).value for r in range(2, 5)] == [
        datetime(2026, 3, 2),
        None,
        datetime(2026, 3, 2, 9, 30),
    ]
    assert cells.cell(2, 3).number_format == "dd/mm/yyyy"
    assert [cells.cell(r, 4).value for r in range(2, 7)] == ["Yes", "No", "Yes", "No", "Yes"]


def test_non_finite_numbers_leave_the_cell_empty():
    def build(workbook):
        add_bulk_sheet(workbook, "Data").put_column(0, 0, "number", [float("nan"), 3, float("inf")])

    cells = _book(build)["Data"]
    assert [cells.cell(r, 1).value for r in (1, 2, 3)] == [None, 3, None]


def test_per_row_formats_and_formatted_blanks():
    def build(workbook):
        sheet = add_bulk_sheet(workbook, "Data")
        red = workbook.add_format({"bg_color": "#D55E00"})
        blue = workbook.add_format({"bg_color": "#0072B2"})
        sheet.put_column(0, 0, "text", ["High", None, "Low"], [red, blue, blue], blanks=True)

    cells = _book(build)["Data"]
    fills = [cells.cell(r, 1).fill.fgColor.rgb for r in (1, 2, 3)]
    assert fills == ["FFD55E00", "FF0072B2", "FF0072B2"]
    assert cells.cell(2, 1).value is None


def test_put_columns_merge_with_cells_written_one_by_one_and_row_heights():
    def build(workbook):
        sheet = add_bulk_sheet(workbook, "Data")
        sheet.write_string(0, 0, "Header A")
        sheet.write_string(0, 1, "Header B")
        sheet.put_column(1, 0, "text", ["a1", "a2"])
        sheet.write_number(1, 1, 7)  # an ordinary cell in a row that also has put cells
        sheet.put_column(1, 2, "text", ["c1", "c2"])
        sheet.set_row(2, 45)
        sheet.write_string(4, 0, "after the table")

    cells = _book(build)["Data"]
    assert [[c.value for c in row] for row in cells.iter_rows(min_row=1, max_row=5)] == [
        ["Header A", "Header B", None],
        ["a1", 7, "c1"],
        ["a2", None, "c2"],
        [None, None, None],
        ["after the table", None, None],
    ]
    assert cells.row_dimensions[3].height == 45


def test_a_column_format_applies_when_no_cell_format_is_given():
    def build(workbook):
        sheet = add_bulk_sheet(workbook, "Data")
        sheet.set_column(0, 0, 12, workbook.add_format({"num_format": "0.00"}))
        sheet.put_column(0, 0, "number", [1.5])

    assert _book(build)["Data"].cell(1, 1).number_format == "0.00"


TEXT = st.text(alphabet=string.printable + "éü£\u2019\x01\x1f", max_size=40)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=30))
def test_text_columns_round_trip_as_calamine_reads_them(values):
    """Control characters, XML specials and leading/trailing spaces survive the shared strings;
    only line breaks are made LF, as Excel holds them."""
    buffer = io.BytesIO()
    workbook = BulkWorkbook(buffer, WORKBOOK_OPTIONS)
    add_bulk_sheet(workbook, "Data").put_column(0, 0, "text", values)
    workbook.add_worksheet("End").write_string(0, 0, "end")
    workbook.close()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("Data")
    read = [row[0] for row in rows.to_python(skip_empty_area=False)]
    expected = [cell_text(value) if value else "" for value in values]
    while expected and expected[-1] == "":
        expected.pop()
    assert read[: len(expected)] == expected
    assert all(cell == "" for cell in read[len(expected) :])


def test_text_cells_are_held_as_excel_holds_them():
    """Line breaks become LF (a CR would show as _x000D_) and text stops at Excel's cell limit."""

    def build(workbook):
        sheet = add_bulk_sheet(workbook, "Data")
        sheet.put_column(0, 0, "text", ["one\r\ntwo\rthree", "x" * 40_000])

    cells = _book(build)["Data"]
    assert cells.cell(1, 1).value == "one\ntwo\nthree"
    assert len(cells.cell(2, 1).value) == MAX_CELL_TEXT
