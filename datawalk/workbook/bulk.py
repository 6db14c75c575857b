"""A worksheet that takes whole columns of cells and writes their XML in one pass.

XlsxWriter keeps every cell as a small object and writes it through a general routine that
re-checks its type and format: for the hundreds of thousands of cells of a big audit's Findings,
Action plan and print sheets that was most of an export's writing time, and the cell objects
alone kept the garbage collector busy. A column given to `BulkSheet.put_column` is turned at
once into the XML text of its cells (strings still go through the workbook's shared-string
table, escaped there), and `_write_rows` writes those rows as they are. Cells written the usual
way (`write_string` and friends) on other rows of the same sheet, row heights and comments keep
working: every other row is written by XlsxWriter's own code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

CellFormats = Format | Sequence[Format] | None


class BulkSheet(Worksheet):
    """`Worksheet` plus `put_column`; every sheet of a `BulkWorkbook`."""

    def __init__(self) -> None:
        super().__init__()
        self._bulk: dict[int, dict[int, str]] = {}

    def put_column(
        self,
        first_row: int,
        col: int,
        kind: str,
        values: Sequence[Any],
        formats: CellFormats = None,
        blanks: bool = False,
    ) -> None:
        """Write `values` down column `col` from `first_row`.

        `kind` is "text", "number", "date" or "bool" ("Yes"/"No"); text is always a string cell,
        never a formula. Empty values write no cell, or a formatted blank when `blanks` is set.
        `formats` is one format for the column or one per value.
        """
        if not values:
            return
        self._check_dimensions(first_row, col)
        self._check_dimensions(first_row + len(values) - 1, col)
        if formats is None and col in self.col_info:
            formats = self.col_info[col].column_format
        encode = self._encoder(kind)
        styles = _style_attributes(formats, len(values))
        rows = range(first_row, first_row + len(values))
        for row, value, style in zip(rows, values, styles, strict=True):
            body = encode(value)
            if body is not None:
                self._bulk.setdefault(row, {})[col] = style + body
            elif blanks and style:
                self._bulk.setdefault(row, {})[col] = style + "/>"

    def _encoder(self, kind: str) -> Any:
        """The XML after a cell's attributes for one value, or None for no value."""
        strings = self.str_table

        def text(value: Any) -> str | None:
            if value is None or value == "":
                return None
            return f' t="s"><v>{strings._get_shared_string_index(str(value))}</v></c>'

        def number(value: Any) -> str | None:
            if value is None or (isinstance(value, float) and not math.isfinite(value)):
                return None
            return f"><v>{value:.16G}</v></c>"

        def when(value: Any) -> str | None:
            if value is None:
                return None
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            elif not isinstance(value, date):
                return None
            serial = _datetime_to_excel_datetime(value, self.date_1904, self.remove_timezone)
            return number(serial)

        def flag(value: Any) -> str | None:
            return text("Yes" if value else "No")

        return {"number": number, "date": when, "bool": flag}.get(kind, text)

    def _write_rows(self) -> None:
        """XlsxWriter's own rows where no column was put; the put cells merged in column order
        on the rest. Spans are left out, as XlsxWriter itself does in constant-memory mode."""
        if not self._bulk:
            super()._write_rows()
            return
        letters = [xl_col_to_name(col) for col in range(self.dim_colmax + 1)]
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            put = self._bulk.get(row)
            cells = self.table[row]
            info = self.row_info.get(row)
            if not put and not cells:
                if info is not None or row in self.comments:
                    self._write_empty_row(row, None, info)
                continue
            self._write_row(row, None, info)
            number = str(row + 1)
            for col in sorted({*(put or ()), *cells}):
                if put and col in put:
                    self.fh.write(f'<c r="{letters[col]}{number}"{put[col]}')
                else:
                    self._write_cell(row, col, cells[col])
            self._xml_end_tag("row")


class BulkWorkbook(Workbook):
    """A workbook whose every worksheet is a `BulkSheet`."""

    worksheet_class = BulkSheet


def add_bulk_sheet(workbook: Workbook, name: str) -> BulkSheet:
    """A new `BulkSheet`, whatever kind of workbook it is added to."""
    sheet = workbook.add_worksheet(name, worksheet_class=BulkSheet)
    assert isinstance(sheet, BulkSheet)
    return sheet


def _style_attributes(formats: CellFormats, count: int) -> Sequence[str]:
    if formats is None or isinstance(formats, Format):
        return [_style(formats)] * count
    known: dict[int, str] = {}
    return [known.get(id(f)) or known.setdefault(id(f), _style(f)) for f in formats]


def _style(fmt: Format | None) -> str:
    if fmt is None:
        return ""
    return f' s="{fmt._get_xf_index()}"'
