"""The Summary sheet: what a head teacher reads first and takes to governors.

Facts of the walk, scope and limitations, the consultant's overall opinion, counts by
classification and by level, the good practice found (so "30 findings" is never read as 30
failures), the top 10 hotspots with what to do, and two native Excel charts drawn from count
tables on this sheet (so they stay live if leadership re-sorts or re-colours them).
"""

from __future__ import annotations

from collections import Counter

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from datawalk.actions import STATUS_LABELS, is_overdue
from datawalk.scored_table import rank_key
from datawalk.scoring.result import CLASSIFICATION_NAMES, CLASSIFICATIONS, PROPORTIONATE
from datawalk.workbook.data import WorkbookData
from datawalk.workbook.fit import column_pixels, row_points
from datawalk.workbook.layout import ACTION_COLUMNS, ACTION_PLAN, SUMMARY
from datawalk.workbook.styles import Styles, put, set_up_page

TOP_HOTSPOTS = 10
WIDTHS = (30, 18, 16, 16, 16, 60)  # columns A to F, in characters
PRINT_SCALE = 80  # per cent: columns A to F (1,122 px) fit landscape A4 (1,026 px inside margins)
CHART_ROWS = 18  # rows the first chart takes (about 320 px), before the second starts
CLASS_COLOURS = {
    "over_exposed": "#C0504D",
    "under_available": "#4F81BD",
    "both": "#8064A2",
    "proportionate": "#9BBB59",
}


def write_summary(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = workbook.add_worksheet(SUMMARY)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    put(sheet, 0, 0, f"Data walk: {data.audit.school.name}", styles.title)
    row = _write_facts(sheet, styles, data, 2)
    row = _write_text_block(
        sheet,
        styles,
        row,
        "Scope and limitations",
        data.audit.scope_limitations or "None recorded.",
    )
    row = _write_text_block(
        sheet, styles, row, "Overall opinion", data.audit.overall_opinion or "Not yet written."
    )
    class_rows = (row + 1, row + len(CLASSIFICATIONS))
    row = _write_classification_counts(sheet, styles, data, row)
    row = _write_level_counts(sheet, styles, data, row)
    type_first = row + 1
    row = _write_location_type_counts(sheet, styles, data, row)
    type_rows = (type_first, row - 2)
    row = _write_action_counts(sheet, styles, data, row)
    row = _write_good_practice(sheet, styles, data, row)
    row = _write_hotspots(sheet, styles, data, row)
    # Below every table, so no chart ever covers text.
    _add_charts(workbook, sheet, class_rows, type_rows, row + 1)
    # No repeated title row: a chart crossing a page break would be drawn over it.
    # Printed at a fixed scale that fits columns A to F, so the page breaks before the charts
    # hold (a sheet fitted to its width ignores them).
    set_up_page(sheet, data.marking, title=SUMMARY, header_row=None, scale=PRINT_SCALE)
    sheet.activate()


def _write_facts(sheet: Worksheet, styles: Styles, data: WorkbookData, row: int) -> int:
    audit, checklist = data.audit, data.checklist
    facts = [
        ("School", audit.school.name),
        ("Site", audit.site.name),
        ("Date and time of walk", audit.walk_at.strftime("%d/%m/%Y %H:%M")),
        ("Auditor", audit.auditor),
        ("Accompanied by", audit.accompanied_by or "Nobody recorded"),
        ("Checklist", f"{checklist.name} ({checklist.id}, version {checklist.version})"),
        ("Checklist content hash", audit.checklist.content_hash[:16]),
        ("Edition", f"{data.edition.capitalize()} edition"),
        ("Exported", data.exported_at.strftime("%d/%m/%Y %H:%M UTC")),
        ("Protective marking", data.marking),
    ]
    if data.with_notes:
        editable = [c.header for c in ACTION_COLUMNS if c.editable]
        facts.append(
            (
                "Round trip",
                f"Edit only the yellow columns of '{ACTION_PLAN}' "
                f"({', '.join(editable)}) and import the workbook back into DataWalk.",
            )
        )
    for label, value in facts:
        # The value spans B:F and wraps, so a long name never runs under anything.
        sheet.merge_range(row, 1, row, 5, "", styles.wrap)
        put(sheet, row, 0, label, styles.label)
        put(sheet, row, 1, value, styles.wrap)
        _fit(sheet, row, [(label, WIDTHS[0]), (value, merged_width(WIDTHS[1:6]))])
        row += 1
    return row + 1


def _write_text_block(sheet: Worksheet, styles: Styles, row: int, title: str, text: str) -> int:
    put(sheet, row, 0, title, styles.section)
    sheet.merge_range(row + 1, 0, row + 1, 5, "", styles.wrap)
    put(sheet, row + 1, 0, text, styles.wrap)
    _fit(sheet, row + 1, [(text, merged_width(WIDTHS[0:6]))])
    return row + 3


def _write_classification_counts(
    sheet: Worksheet, styles: Styles, data: WorkbookData, row: int
) -> int:
    counts = data.classification_counts()
    _table_header(sheet, styles, row, ["Classification", "Findings"])
    for offset, classification in enumerate(CLASSIFICATIONS, start=1):
        put(sheet, row + offset, 0, CLASSIFICATION_NAMES[classification], styles.top)
        put(sheet, row + offset, 1, counts.get(classification, 0), styles.top)
    good = sum(1 for v in data.findings if v.finding.good_practice)
    fine = sum(1 for v in data.findings if v.classification == PROPORTIONATE)
    put(
        sheet,
        row + len(CLASSIFICATIONS) + 1,
        0,
        f"{fine} of {len(data.findings)} findings are proportionate; {good} are good practice.",
        styles.get(italic=True),
    )
    return row + len(CLASSIFICATIONS) + 3


def _write_level_counts(sheet: Worksheet, styles: Styles, data: WorkbookData, row: int) -> int:
    privacy = Counter(v.privacy_index for v in data.findings)
    safeguarding = Counter(v.safeguarding_index for v in data.findings)
    _table_header(sheet, styles, row, ["Level", "Privacy side", "Safeguarding side", "Colour"])
    for offset, (index, level) in enumerate(reversed(list(enumerate(data.levels))), start=1):
        put(sheet, row + offset, 0, level.name, styles.level(level))
        put(sheet, row + offset, 1, privacy.get(index, 0), styles.top)
        put(sheet, row + offset, 2, safeguarding.get(index, 0), styles.top)
        put(sheet, row + offset, 3, level.colour_name.capitalize(), styles.top)
    return row + len(data.levels) + 2


def _write_location_type_counts(
    sheet: Worksheet, styles: Styles, data: WorkbookData, row: int
) -> int:
    """Findings per location type, split by classification: the stacked chart's data."""
    counts: dict[str, Counter[str]] = {}
    for view in data.findings:
        kind = view.location.location_type if view.location else ""
        counts.setdefault(kind, Counter())[view.classification] += 1
    _table_header(
        sheet, styles, row, ["Location type", *(CLASSIFICATION_NAMES[c] for c in CLASSIFICATIONS)]
    )
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    for offset, (kind, counter) in enumerate(ordered or [("", Counter())], start=1):
        label = data.checklist.label("location_types", kind) if kind else "(none)"
        put(sheet, row + offset, 0, label, styles.top)
        for col, classification in enumerate(CLASSIFICATIONS, start=1):
            put(sheet, row + offset, col, counter.get(classification, 0), styles.top)
    return row + max(len(ordered), 1) + 2


def merged_width(widths: tuple[int, ...]) -> float:
    """The width in characters of one cell spanning columns of these widths."""
    return (sum(column_pixels(width) for width in widths) - 5) / 7


def _fit(sheet: Worksheet, row: int, cells: list[tuple[object, float]]) -> None:
    height = row_points(cells)
    if height is not None:
        sheet.set_row(row, height)


def _commendation(data: WorkbookData) -> str:
    scoring = data.checklist.scoring
    return (scoring.commendation if scoring else "") or "Good practice."


def _add_charts(
    workbook: Workbook,
    sheet: Worksheet,
    class_rows: tuple[int, int],
    type_rows: tuple[int, int],
    at_row: int,
) -> None:
    first, last = class_rows
    by_class = workbook.add_chart({"type": "column"})
    by_class.add_series(
        {
            "name": "Findings",
            "categories": [SUMMARY, first, 0, last, 0],
            "values": [SUMMARY, first, 1, last, 1],
            "points": [{"fill": {"color": CLASS_COLOURS[c]}} for c in CLASSIFICATIONS],
            "data_labels": {"value": True},
        }
    )
    by_class.set_title({"name": "Findings by classification"})
    by_class.set_legend({"none": True})
    # No axis title: the chart's title names the count, and turned text prints badly.
    by_class.set_y_axis({"major_gridlines": {"visible": True}})
    # Each chart starts a printed page, so neither is cut by a page break.
    sheet.set_h_pagebreaks([at_row, at_row + CHART_ROWS])
    sheet.insert_chart(at_row, 0, by_class, {"x_scale": 1.2, "y_scale": 1.1})

    first, last = type_rows
    by_type = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for col, classification in enumerate(CLASSIFICATIONS, start=1):
        by_type.add_series(
            {
                "name": [SUMMARY, first - 1, col],
                "categories": [SUMMARY, first, 0, last, 0],
                "values": [SUMMARY, first, col, last, col],
                "fill": {"color": CLASS_COLOURS[classification]},
            }
        )
    by_type.set_title({"name": "Findings by location type"})
    by_type.set_x_axis({"name": "Findings"})
    by_type.set_y_axis({"reverse": True})
    by_type.set_legend({"position": "bottom"})
    height = max(1.1, 0.25 * (last - first + 1))  # at most one printed page tall
    sheet.insert_chart(
        at_row + CHART_ROWS, 0, by_type, {"x_scale": 1.2, "y_scale": min(height, 2.2)}
    )


def _write_action_counts(sheet: Worksheet, styles: Styles, data: WorkbookData, row: int) -> int:
    counts = Counter(action.status for action in data.actions)
    overdue = sum(1 for action in data.actions if is_overdue(action, data.today))
    _table_header(sheet, styles, row, ["Action status", "Actions"])
    for offset, (status, label) in enumerate(STATUS_LABELS.items(), start=1):
        put(sheet, row + offset, 0, label, styles.top)
        put(sheet, row + offset, 1, counts.get(status, 0), styles.top)
    put(sheet, row + len(STATUS_LABELS) + 1, 0, "Overdue", styles.label)
    put(sheet, row + len(STATUS_LABELS) + 1, 1, overdue, styles.top)
    return row + len(STATUS_LABELS) + 3


def _write_good_practice(sheet: Worksheet, styles: Styles, data: WorkbookData, row: int) -> int:
    put(sheet, row, 0, "Good practice found", styles.section)
    good = [v for v in data.findings if v.finding.good_practice]
    if not good:
        put(sheet, row + 1, 0, "No good practice was recorded on this walk.", styles.top)
        return row + 3
    _table_header(sheet, styles, row + 1, ["Reference", "Location", "", "", "", "What is good"])
    for offset, view in enumerate(good, start=2):
        note = view.finding.good_practice_note if data.with_notes else ""
        put(sheet, row + offset, 0, view.reference, styles.top)
        put(sheet, row + offset, 1, view.location.name if view.location else "", styles.wrap)
        # The scored commendation ends with the consultant's note: governors get the
        # checklist's own commendation only.
        text = note or view.scored.commendation if data.with_notes else _commendation(data)
        put(sheet, row + offset, 5, text, styles.wrap)
        where = view.location.name if view.location else ""
        _fit(sheet, row + offset, [(where, WIDTHS[1]), (text, WIDTHS[5])])
    return row + len(good) + 3


def _write_hotspots(sheet: Worksheet, styles: Styles, data: WorkbookData, row: int) -> int:
    put(sheet, row, 0, f"Top {TOP_HOTSPOTS} hotspots", styles.section)
    hot = sorted(
        (
            v
            for v in data.findings
            if v.classification != PROPORTIONATE and not v.finding.good_practice
        ),
        key=lambda v: rank_key(v.priority, v.safeguarding_index, v.privacy_index, v.reference),
    )[:TOP_HOTSPOTS]
    _table_header(
        sheet,
        styles,
        row + 1,
        [
            "Reference and location",
            "Classification",
            "Privacy level",
            "Safeguarding level",
            # Governors get no raw priority number; the rows are in priority order.
            "Priority" if data.with_notes else "",
            "Recommendation",
        ],
    )
    for offset, view in enumerate(hot, start=2):
        r = row + offset
        where = f"{view.reference}: {view.location.name}" if view.location else view.reference
        put(sheet, r, 0, where, styles.wrap)
        put(sheet, r, 1, CLASSIFICATION_NAMES.get(view.classification), styles.wrap)
        for col, level in ((2, view.privacy), (3, view.safeguarding)):
            put(
                sheet, r, col, data.level_label(level), styles.level(level) if level else styles.top
            )
        if data.with_notes:
            put(sheet, r, 4, round(view.priority, 2), styles.top)
        to_do = "\n".join(rec.action for rec in view.scored.recommendations)
        put(sheet, r, 5, to_do, styles.wrap)
        classification = CLASSIFICATION_NAMES.get(view.classification, "")
        _fit(sheet, r, [(where, WIDTHS[0]), (classification, WIDTHS[1]), (to_do, WIDTHS[5])])
    if not hot:
        put(sheet, row + 2, 0, "No finding needs action.", styles.top)
    return row + max(len(hot), 1) + 3


def _table_header(sheet: Worksheet, styles: Styles, row: int, headers: list[str]) -> None:
    for col, header in enumerate(headers):
        put(sheet, row, col, header, styles.header)
