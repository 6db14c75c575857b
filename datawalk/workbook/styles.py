"""Cell formats, safe cell writing and print set-up shared by every sheet.

`put` is the only way a sheet writes a value: text always goes through `write_string`, so user
text that starts with `=`, `+`, `-`, `@`, a tab or a CR can never become a formula, a number or a
link (the workbook is also created with strings_to_formulas/urls/numbers off, as a second wall).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from datawalk.colours import text_colour
from datawalk.vocabulary import Level
from datawalk.workbook.bulk import BulkSheet, cell_text
from datawalk.workbook.fit import row_points

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_FILL = "#1F3864"
EDITABLE_FILL = "#FFF2CC"


class Styles:
    """Creates each distinct format once: XlsxWriter keeps every Format object it is given."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **properties: Any) -> Format:
        key = tuple(sorted(properties.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(properties)
        return self._cache[key]

    @property
    def header(self) -> Format:
        return self.get(
            bold=True,
            font_color="#FFFFFF",
            bg_color=HEADER_FILL,
            text_wrap=True,
            valign="top",
            border=1,
        )

    @property
    def editable_header(self) -> Format:
        return self.get(
            bold=True,
            font_color="#000000",
            bg_color="#FFD966",
            text_wrap=True,
            valign="top",
            border=1,
        )

    @property
    def wrap(self) -> Format:
        return self.get(text_wrap=True, valign="top")

    @property
    def top(self) -> Format:
        return self.get(valign="top")

    @property
    def date(self) -> Format:
        return self.get(num_format=DATE_FORMAT, valign="top", align="left")

    @property
    def datetime(self) -> Format:
        return self.get(num_format=DATETIME_FORMAT, valign="top", align="left")

    @property
    def title(self) -> Format:
        return self.get(bold=True, font_size=16, font_color=HEADER_FILL)

    @property
    def section(self) -> Format:
        return self.get(bold=True, font_size=12, font_color=HEADER_FILL, bottom=1)

    @property
    def label(self) -> Format:
        return self.get(bold=True, valign="top")

    def level(self, level: Level) -> Format:
        """A level's colour as a fill, with a font that stays readable on it."""
        return self.get(
            bg_color=level.hexcolor, font_color=text_colour(level.hexcolor), valign="top"
        )


def put(
    sheet: Worksheet,
    row: int,
    col: int,
    value: Any,
    fmt: Format | None = None,
    styles: Styles | None = None,
) -> None:
    """Write one value by its type; text is ALWAYS a string cell, never a formula or link."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, datetime):
        sheet.write_datetime(
            row, col, value.replace(tzinfo=None), fmt or (styles.datetime if styles else None)
        )
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt or (styles.date if styles else None))
    else:
        sheet.write_string(row, col, cell_text(value), fmt)


ColumnWriter = Callable[[int, list[Any]], None]
# A column's kind (`layout`) -> the kind of cell `BulkSheet.put_column` writes; any other is text.
COLUMN_KINDS = {
    "date": "date",
    "datetime": "date",
    "number": "number",
    "count": "number",
    "bool": "bool",
}


def column_writer(sheet: BulkSheet, kind: str, fmt: Format | None) -> ColumnWriter:
    """Return a writer of one column's values from row 1 down: a big export writes hundreds of
    thousands of cells, so they go to the sheet a column at a time (`BulkSheet.put_column`).

    Text is always a string cell; empty values write nothing (a table needs no blank cells).
    """
    cells = COLUMN_KINDS.get(kind, "text")
    return lambda col, values: sheet.put_column(1, col, cells, values, fmt)


def header_footer_text(marking: str) -> str:
    """Escape a marking for Excel's header/footer codes, where `&` starts a control code."""
    return marking.replace("&", "&&")


def set_up_page(
    sheet: Worksheet,
    marking: str,
    title: str = "",
    header_row: int | None = 0,
    scale: int | None = None,
) -> None:
    """Landscape A4, fit to width, the first row repeated on every printed page, and the
    protective marking in the header AND the footer.

    With `scale` (per cent) the sheet prints at that size instead of fitted to the width:
    spreadsheets ignore manual page breaks on a fitted sheet, and a sheet too wide to read on
    one page prints over as many pages across as it needs.
    """
    text = header_footer_text(marking)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4: UK schools print on A4
    if scale is None:
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(scale)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.set_header(f'&C&"-,Bold"{text}' + (f"&R{header_footer_text(title)}" if title else ""))
    sheet.set_footer(f'&C&"-,Bold"{text}&RPage &P of &N')
    if header_row is not None:
        sheet.repeat_rows(header_row)


def column_letter(col: int) -> str:
    """Zero-based column index to its letters (0 → A, 27 → AB), for formulas we write ourselves."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def add_level_formats(
    sheet: Worksheet, styles: Styles, levels: list[Level], first_row: int, last_row: int, col: int
) -> None:
    """Colour a column of level LABELS by level; the label text stays, so colour is not alone."""
    if last_row < first_row:
        return
    for level in levels:
        label = level.name.replace('"', '""')
        sheet.conditional_format(
            first_row,
            col,
            last_row,
            col,
            {
                "type": "cell",
                "criteria": "equal to",
                "value": f'"{label}"',
                "format": styles.get(
                    bg_color=level.hexcolor, font_color=text_colour(level.hexcolor)
                ),
            },
        )


def write_table(
    sheet: Worksheet,
    name: str,
    plan: list[tuple[Callable[[Any], Any], ColumnWriter]],
    items: list[Any],
    headers: list[dict[str, Any]],
    wrapped: dict[int, float] | None = None,
) -> int:
    """Write one row per item (each column's value getter and writer), then wrap the range in an
    Excel Table with filters; return the last row index (at least 1, so an empty table is valid).

    Written column by column: each column's values are got in one pass and written in one loop.
    `wrapped` maps the columns whose text wraps to their widths: each row is made tall enough
    for its longest wrapped cell (`fit.row_points`), since no spreadsheet re-measures on open.
    """
    wrapped = wrapped or {}
    tall: list[list[Any]] = []
    for col, (value, write) in enumerate(plan):
        values = list(map(value, items))
        write(col, values)
        if col in wrapped:
            tall.append(values)
    widths = [wrapped[col] for col in sorted(wrapped)]
    for row, cells in enumerate(zip(*tall, strict=True), start=1):
        height = row_points(zip(cells, widths, strict=True))
        if height is not None:
            sheet.set_row(row, height)
    last_row = max(len(items), 1)
    sheet.add_table(
        0,
        0,
        last_row,
        len(headers) - 1,
        {"name": name, "style": "Table Style Light 9", "columns": headers},
    )
    return last_row
