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
MAX_CELL_TEXT = 32_767


def cell_text(value: Any) -> str:
    """Text as a cell holds it: Excel breaks lines on LF only (a CR would show as _x000D_)."""
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_TEXT]


class BulkSheet(Worksheet):
    """`Worksheet` plus `put_column`; every sheet of a `BulkWorkbook`."""

    def __init__(self) -> None:
        super().__init__()
        # Column -> (its first row, each row's whole cell XML or None for no cell).
        self._put: dict[int, tuple[int, list[str | None]]] = {}

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

        `kind` is "text", "number", "date" or "bool" ("Yes"/"No"); text is always a string cell
        (`cell_text`), never a formula. Empty values write no cell, or a formatted blank when
        `blanks` is set.
        `formats` is one format for the column or one per value. A column is put once.
        """
        if col in self._put:
            raise ValueError(f"column {col} was put already")
        if not values:
            return
        self._check_dimensions(first_row, col)
        self._check_dimensions(first_row + len(values) - 1, col)
        if formats is None and col in self.col_info:
            formats = self.col_info[col].column_format
        styles = _style_attributes(formats, len(values))
        bodies = self._bodies(kind, values)
        letters = xl_col_to_name(col)
        refs = [
            f'<c r="{letters}{row}"' for row in range(first_row + 1, first_row + 1 + len(values))
        ]
        self._put[col] = (
            first_row,
            [
                ref + style + body
                if body is not None
                else ref + style + "/>"
                if blanks and style
                else None
                for ref, style, body in zip(refs, styles, bodies, strict=True)
            ],
        )

    def _bodies(self, kind: str, values: Sequence[Any]) -> list[str | None]:
        """The XML after each cell's attributes, or None for no value."""
        if kind == "bool":
            return self._strings(["Yes" if value else "No" for value in values])
        if kind == "date":
            return _numbers([self._serial(value) for value in values])
        if kind == "number":
            return _numbers(values)
        return self._strings(values)

    def _strings(self, values: Sequence[Any]) -> list[str | None]:
        index = self.str_table._get_shared_string_index
        return [
            f' t="s"><v>{index(cell_text(value))}</v></c>' if value else None for value in values
        ]

    def _serial(self, value: Any) -> float | None:
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)
        elif not isinstance(value, date):
            return None
        return _datetime_to_excel_datetime(value, self.date_1904, self.remove_timezone)

    def _write_rows(self) -> None:
        """XlsxWriter's own rows where no column was put; the put cells merged in column order
        on the rest. Spans are left out, as XlsxWriter itself does in constant-memory mode."""
        if not self._put:
            super()._write_rows()
            return
        cols = sorted(self._put)
        top = min(first for first, _ in self._put.values())
        bottom = max(first + len(cells) for first, cells in self._put.values())
        by_row = zip(
            *(
                [None] * (first - top) + cells + [None] * (bottom - first - len(cells))
                for first, cells in (self._put[col] for col in cols)
            ),
            strict=True,
        )
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            put = next(by_row) if top <= row < bottom else ()
            own = self.table[row]
            info = self.row_info.get(row)
            if not own and not any(put):
                if info is not None or row in self.comments:
                    self._write_empty_row(row, None, info)
                continue
            self._write_row(row, None, info)
            if own:
                self._write_merged(row, dict(zip(cols, put, strict=False)), own)
            else:
                self.fh.write("".join(cell for cell in put if cell))
            self._xml_end_tag("row")

    def _write_merged(self, row: int, put: dict[int, str | None], own: dict[int, Any]) -> None:
        for col in sorted({*(col for col, cell in put.items() if cell), *own}):
            cell = put.get(col)
            if cell:
                self.fh.write(cell)
            else:
                self._write_cell(row, col, own[col])


def _numbers(values: Sequence[Any]) -> list[str | None]:
    return [
        None
        if value is None or (isinstance(value, float) and not math.isfinite(value))
        else f"><v>{value:.16G}</v></c>"
        for value in values
    ]


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
