"""The "Since last walk" sheet of a re-walk's workbook: per location, last time's and this time's
worst level on both sides with the direction and the new, resolved and persisting counts; what
was not checked; and the trend across the school's walks (locations at each worst level).
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from datawalk.rewalk.compare import (
    EVIDENCE_LABEL,
    comparison_display,
    not_checked_list,
    resolved_with_photos,
)
from datawalk.workbook.data import WorkbookData
from datawalk.workbook.styles import Styles, add_level_formats, put, set_up_page

SINCE_LAST = "Since last walk"
SINCE_TABLE = "SinceLastWalk"
TREND_TABLE = "WalkTrend"
WIDTHS = [26, 14, 14, 14, 16, 16, 12, 8, 10, 11, 11]
LEVEL_COLUMNS = (2, 3, 4, 5)


def has_since_last(data: WorkbookData) -> bool:
    return data.since_last is not None or len(data.walks) >= 2


def write_since_last(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = workbook.add_worksheet(SINCE_LAST)
    row = 0
    if data.since_last is not None:
        row = _write_comparison(sheet, styles, data)
    if len(data.walks) >= 2:
        _write_trend(sheet, styles, data, row + 1)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    set_up_page(sheet, data.marking, title=SINCE_LAST)


def _write_comparison(sheet: Worksheet, styles: Styles, data: WorkbookData) -> int:
    comparison = data.since_last
    frame = comparison_display(comparison)
    headers = list(frame.columns)
    for r, values in enumerate(frame.itertuples(index=False), start=1):
        for col, value in enumerate(values):
            put(sheet, r, col, value.item() if hasattr(value, "item") else value, styles.top)
    last = max(len(frame), 1)
    sheet.add_table(0, 0, last, len(headers) - 1, {
        "name": SINCE_TABLE, "style": "Table Style Light 9",
        "columns": [{"header": h, "header_format": styles.header} for h in headers],
    })  # fmt: skip
    for col in LEVEL_COLUMNS:
        add_level_formats(sheet, styles, data.levels, 1, len(frame), col)
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 1)
    row = last + 2
    totals = comparison.totals()
    put(sheet, row, 0, "Totals", styles.section)
    for label, key in (("Worse (locations)", "worse"), ("Better (locations)", "better"),
                       ("Same (locations)", "same"), ("Not checked (locations)", "not checked"),
                       ("New findings", "new"), ("Resolved", "resolved"),
                       ("Persisting", "persisting")):  # fmt: skip
        row += 1
        put(sheet, row, 0, label, styles.label)
        put(sheet, row, 1, totals[key], styles.top)
    evidence = resolved_with_photos(data.rewalk)
    if evidence:  # the photos themselves stay in the app
        row += 1
        put(sheet, row, 0, EVIDENCE_LABEL, styles.label)
        put(sheet, row, 1, evidence, styles.top)
    notes = [comparison.note] if comparison.note else []
    notes += not_checked_list(data.locations, data.rewalk) if data.rewalk else []
    for note in notes:
        row += 1
        put(sheet, row, 0, note, styles.top)
    return row + 1


def _write_trend(sheet: Worksheet, styles: Styles, data: WorkbookData, row: int) -> None:
    put(sheet, row, 0, "Trend: locations at each worst level, walk by walk", styles.section)
    names = [level.name for level in data.levels]
    names += sorted({n for w in data.walks for n in w.levels} - set(names))
    headers = ["Walk", "Checklist version", "Records", *names]
    first = row + 1
    for offset, walk in enumerate(data.walks, start=1):
        counts = walk.worst_counts()
        values = [f"{walk.walk_at:%d/%m/%Y}", walk.checklist_version,
                  "held" if walk.held else "counts only (retention)",
                  *(counts.get(name, 0) for name in names)]  # fmt: skip
        for col, value in enumerate(values):
            put(sheet, first + offset, col, value, styles.top)
    sheet.add_table(first, 0, first + len(data.walks), len(headers) - 1, {
        "name": TREND_TABLE, "style": "Table Style Light 9",
        "columns": [{"header": h, "header_format": styles.header} for h in headers],
    })  # fmt: skip
