"""The "Findings (print)" sheet: the findings as a reader needs them on paper, one page wide on A4
landscape at a readable size. The full Findings table (every field, for filtering) stays as it is.

Seven columns: reference, location, what was found, both levels (the label on its colour, so a
grey-scale print loses nothing), the classification and what to do. Rows are as tall as their
wrapped text (`fit.row_points`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.workbook import Workbook

from datawalk.scoring.result import CLASSIFICATION_NAMES
from datawalk.workbook.bulk import add_bulk_sheet
from datawalk.workbook.data import FindingView, WorkbookData
from datawalk.workbook.fit import row_points
from datawalk.workbook.layout import FINDINGS_PRINT
from datawalk.workbook.styles import Styles, put, set_up_page


@dataclass(frozen=True)
class PrintColumn:
    header: str
    width: float
    value: Callable[[FindingView], Any]


def print_columns(data: WorkbookData) -> list[PrintColumn]:
    labels = {term.id: term.name for term in data.checklist.objects.data_categories}
    formats = {term.id: term.name for term in data.checklist.objects.formats}

    def what(view: FindingView) -> str:
        found = ", ".join(labels.get(c, c) for c in view.finding.categories)
        found += f" ({formats.get(view.finding.format, view.finding.format)})"
        title = view.finding.title if data.with_notes else ""
        return f"{title}\n{found}" if title else found

    def to_do(view: FindingView) -> str:
        if view.finding.good_practice:
            return "Good practice: keep it."
        return "\n".join(r.action for r in view.scored.recommendations)

    return [
        PrintColumn("Ref", 8, lambda v: v.reference),
        PrintColumn("Location", 20, lambda v: v.location.name if v.location else ""),
        PrintColumn("What was found", 34, what),
        PrintColumn("Privacy level", 11, lambda v: data.level_label(v.privacy)),
        PrintColumn("Safeguarding level", 13, lambda v: data.level_label(v.safeguarding)),
        PrintColumn(
            "Classification",
            16,
            lambda v: CLASSIFICATION_NAMES.get(v.classification, v.classification),
        ),
        PrintColumn("What to do", 52, to_do),
    ]


def write_findings_print(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = add_bulk_sheet(workbook, FINDINGS_PRINT)
    columns = print_columns(data)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        put(sheet, 0, col, column.header, styles.header)
    sheet.set_row(0, row_points((c.header, c.width) for c in columns))
    # Written column by column, formats looked up once: a big audit writes tens of thousands of
    # these cells. The two level columns take their level's colour, the rest wrap.
    wrap = styles.wrap
    by_level = {level.id: styles.level(level) for level in data.levels}
    values = [list(map(column.value, data.findings)) for column in columns]
    shades = {
        3: [view.privacy for view in data.findings],
        4: [view.safeguarding for view in data.findings],
    }
    for col, cells in enumerate(values):
        levels = shades.get(col)
        fmts = [wrap if lv is None else by_level[lv.id] for lv in levels] if levels else wrap
        sheet.put_column(1, col, "text", cells, fmts, blanks=True)
    widths = [column.width for column in columns]
    for row, cells in enumerate(zip(*values, strict=True), start=1):
        height = row_points(zip(cells, widths, strict=True))
        if height is not None:
            sheet.set_row(row, height)
    sheet.freeze_panes(1, 1)
    set_up_page(sheet, data.marking, title=FINDINGS_PRINT)
