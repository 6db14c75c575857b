"""The Scoring model sheet: the PINNED checklist's levels, both grids, thresholds, coefficients,
vocabularies with their weights, and the recommendation rules and guards in words (when, where,
who keeps the information after each step), so leadership can see how every score and step in the
workbook arose (and that it was the audit's own copy, by version and hash).
"""

from __future__ import annotations

import json
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from datawalk.scoring.config import stale_review_rows
from datawalk.scoring.rule_table import BUILT_IN_FLOOR, guard_rows, rule_rows
from datawalk.vocabulary import Checklist, Level
from datawalk.workbook.data import WorkbookData
from datawalk.workbook.fit import column_pixels, row_points
from datawalk.workbook.layout import SCORING_MODEL
from datawalk.workbook.styles import Styles, put, set_up_page

FIRST_WIDTH, OTHER_WIDTH, LAST_COL = 30, 16, 9
WIDE_FROM = 4  # long text (a level's meaning, a rule's action) spans columns E to J
WIDE_WIDTH = (column_pixels(OTHER_WIDTH) * (LAST_COL - WIDE_FROM + 1) - 5) / 7
ACTION_FROM = 5  # a rule's action spans columns F to J, after its where, step, reach and owner
WHEN_LABEL = "When (all must hold)"  # the row under each rule: its conditions, B to J
FULL_WIDTH = (column_pixels(OTHER_WIDTH) * LAST_COL - 5) / 7  # columns B to J merged
ACTION_WIDTH = (column_pixels(OTHER_WIDTH) * (LAST_COL - ACTION_FROM + 1) - 5) / 7

VOCABULARIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Data categories",
        "data_categories",
        (
            "sensitivity",
            "special_category",
            "severity",
            "time_criticality",
            "needed_by",
            "emergency_medication",
            "lock_is_correct",
            "child_protection",
        ),
    ),
    ("Audiences", "audiences", ("breadth", "need_weight", "can_need", "contains")),
    ("Identifiability", "identifiability", ("weight",)),
    ("Detail levels", "detail_levels", ("weight",)),
    ("Controls", "controls", ("reduction", "locks_away", "applies_to")),
    ("Severities", "severities", ("rank",)),
    ("Time-criticalities", "time_criticalities", ("max_minutes", "rank")),
    ("Reach speeds", "reach_speeds", ("minutes",)),
    ("Location types", "location_types", ()),
    ("Formats", "formats", ()),
    ("Evidence", "evidence", ()),
)


def write_scoring_model(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = workbook.add_worksheet(SCORING_MODEL)
    sheet.set_column(0, 0, FIRST_WIDTH)
    sheet.set_column(1, LAST_COL, OTHER_WIDTH)
    checklist, pin = data.checklist, data.audit.checklist
    put(sheet, 0, 0, "Scoring model of the checklist pinned to this audit", styles.title)
    row = _pairs(
        sheet,
        styles,
        2,
        [
            ("Checklist", checklist.name),
            ("Id", checklist.id),
            ("Version", checklist.version),
            ("Content hash (sha256)", pin.content_hash),
            ("Jurisdiction", checklist.jurisdiction.primary),
            ("Published", checklist.publication_date.isoformat()),
            ("Provider", checklist.provider),
        ],
    )
    scoring = checklist.scoring
    if scoring is not None:
        row = _levels(sheet, styles, list(scoring.levels), row + 1)
        row = _grid(
            sheet,
            styles,
            data.levels,
            row,
            "Privacy grid: exposure (rows) by sensitivity (columns)",
            scoring.privacy_grid,
            "Exposure",
            "Sensitivity",
            0,
            1,
        )
        row = _grid(
            sheet,
            styles,
            data.levels,
            row,
            "Safeguarding grid: availability gap (rows) by need (columns)",
            scoring.safeguarding_grid,
            "Gap",
            "Need",
            0,
            1,
        )
        row = _pairs(
            sheet,
            styles,
            row + 1,
            [
                (
                    "Concern level (a side fails at or above)",
                    _level_name(data.levels, scoring.thresholds.concern_level),
                ),
                (
                    "Acceptable level (at or below)",
                    _level_name(data.levels, scoring.thresholds.acceptable_level),
                ),
            ],
        )
        for name in ("exposure", "need", "gap", "priority"):
            row = _pairs(
                sheet,
                styles,
                row + 1,
                [
                    (f"{name}.{k}", _text(v))
                    for k, v in getattr(scoring, name).model_dump(exclude_none=True).items()
                ],
                title=f"Coefficients: {name}",
            )
        bands, weights = stale_review_rows(checklist)
        if bands:
            pairs = [(b["Review date passed"], b["Gap before weighting"]) for b in bands]
            pairs += [(f"weight: {w['Time-criticality']}", w["Weight"]) for w in weights]
            row = _pairs(sheet, styles, row + 1, pairs, title="Passed review date: graded gap")
    for title, vocabulary, fields in VOCABULARIES:
        row = _vocabulary(sheet, styles, data, row + 1, title, vocabulary, fields)
    if scoring is not None:
        _rules(sheet, styles, checklist, row + 1)
    set_up_page(sheet, data.marking, title=SCORING_MODEL)


def _pairs(
    sheet: Worksheet, styles: Styles, row: int, pairs: list[tuple[str, Any]], title: str = ""
) -> int:
    if title:
        put(sheet, row, 0, title, styles.section)
        row += 1
    for label, value in pairs:
        put(sheet, row, 0, label, styles.label)
        if isinstance(value, str) and len(value) > OTHER_WIDTH:
            sheet.merge_range(row, 1, row, LAST_COL, "", styles.wrap)
            put(sheet, row, 1, value, styles.wrap)
            width = (column_pixels(OTHER_WIDTH) * LAST_COL - 5) / 7
            _fit(sheet, row, [(label, FIRST_WIDTH), (value, width)])
        else:
            put(sheet, row, 1, value, styles.top)
        row += 1
    return row


def _fit(sheet: Worksheet, row: int, cells: list[tuple[Any, float]]) -> None:
    """Make the row tall enough for its wrapped text (`fit.row_points`)."""
    height = row_points(cells)
    if height is not None:
        sheet.set_row(row, height)


def _wide(sheet: Worksheet, styles: Styles, row: int, text: str) -> None:
    """Long text in columns E to J, wrapped, so it never runs off the printed page."""
    sheet.merge_range(row, WIDE_FROM, row, LAST_COL, "", styles.wrap)
    put(sheet, row, WIDE_FROM, text, styles.wrap)


def _levels(sheet: Worksheet, styles: Styles, levels: list[Level], row: int) -> int:
    put(sheet, row, 0, "Levels (one scale for both sides)", styles.section)
    _header(sheet, styles, row + 1, ["Level", "Id", "Colour", "Hex colour", "Description"])
    for offset, level in enumerate(levels, start=2):
        put(sheet, row + offset, 0, level.name, styles.level(level))
        put(sheet, row + offset, 1, level.id, styles.top)
        put(sheet, row + offset, 2, level.colour_name.capitalize(), styles.top)
        put(sheet, row + offset, 3, level.hexcolor, styles.top)
        _wide(sheet, styles, row + offset, level.description)
        _fit(sheet, row + offset, [(level.description, WIDE_WIDTH)])
    return row + len(levels) + 3


def _grid(
    sheet: Worksheet,
    styles: Styles,
    levels: list[Level],
    row: int,
    title: str,
    grid: list[list[int]],
    row_name: str,
    col_name: str,
    row_start: int,
    col_start: int,
) -> int:
    """Each cell shows the level's LABEL on its colour: the grid reads without colour too."""
    put(sheet, row, 0, title, styles.section)
    width = max((len(r) for r in grid), default=0)
    _header(
        sheet,
        styles,
        row + 1,
        [f"{row_name} \\ {col_name}", *(f"{col_name} {col_start + i}" for i in range(width))],
    )
    for offset, cells in enumerate(grid):
        r = row + 2 + offset
        put(sheet, r, 0, f"{row_name} {row_start + offset}", styles.label)
        for col, index in enumerate(cells, start=1):
            level = levels[index] if 0 <= index < len(levels) else None
            put(
                sheet,
                r,
                col,
                level.name if level else str(index),
                styles.level(level) if level else styles.top,
            )
    return row + len(grid) + 3


def _vocabulary(
    sheet: Worksheet,
    styles: Styles,
    data: WorkbookData,
    row: int,
    title: str,
    vocabulary: str,
    fields: tuple[str, ...],
) -> int:
    put(sheet, row, 0, f"Vocabulary: {title}", styles.section)
    _header(
        sheet, styles, row + 1, ["Name", "Id", *(f.replace("_", " ").capitalize() for f in fields)]
    )
    terms = getattr(data.checklist.objects, vocabulary)
    for offset, term in enumerate(terms, start=2):
        values = [term.name, term.id, *(_text(getattr(term, name)) for name in fields)]
        for col, value in enumerate(values):
            put(sheet, row + offset, col, value, styles.wrap)
        widths = [FIRST_WIDTH, *[OTHER_WIDTH] * (len(values) - 1)]
        _fit(sheet, row + offset, list(zip(values, widths, strict=True)))
    return row + len(terms) + 2


def _rules(sheet: Worksheet, styles: Styles, checklist: Checklist, row: int) -> None:
    """Each step in words (where, who keeps it after, and on the row under it when), then the
    floor and the guards. The conditions get a full-width row of their own: in one narrow column
    a long list of them outgrew the tallest row Excel allows and overprinted the next."""
    put(sheet, row, 0, "Recommendation rules", styles.section)
    columns = ["Rule", "Where", "Step", "Who can still reach it after"]
    _header(sheet, styles, row + 1, [*columns, "Owner", "Recommended action"])
    row += 2
    for rule in rule_rows(checklist):
        values = [*(rule[c] for c in columns), rule["Owner"]]
        for col, value in enumerate(values):
            put(sheet, row, col, value, styles.wrap)
        action = rule["Recommended action"]
        if rule["First for templates"]:
            action = f"{action} (First for the templates: {rule['First for templates']}.)"
        sheet.merge_range(row, ACTION_FROM, row, LAST_COL, "", styles.wrap)
        put(sheet, row, ACTION_FROM, action, styles.wrap)
        widths = [FIRST_WIDTH, *[OTHER_WIDTH] * (len(values) - 1)]
        _fit(sheet, row, [*zip(values, widths, strict=True), (action, ACTION_WIDTH)])
        row += 1
        when = rule[WHEN_LABEL]
        put(sheet, row, 0, WHEN_LABEL, styles.label)
        sheet.merge_range(row, 1, row, LAST_COL, "", styles.wrap)
        put(sheet, row, 1, when, styles.wrap)
        _fit(sheet, row, [(when, FULL_WIDTH)])
        row += 1
    row += 1
    put(sheet, row, 0, "Guards: what is never advised", styles.section)
    for line in BUILT_IN_FLOOR:
        row += 1
        put(sheet, row, 0, "Built in", styles.label)
        sheet.merge_range(row, 1, row, LAST_COL, "", styles.wrap)
        put(sheet, row, 1, line, styles.wrap)
        _fit(sheet, row, [(line, FULL_WIDTH)])
    row += 1
    guard_columns = ["Guard", "When", "Never advises steps that", "Must stay reachable by"]
    _header(sheet, styles, row, [*guard_columns, "Why"])
    for guard in guard_rows(checklist):
        row += 1
        values = [guard[c] for c in guard_columns]
        for col, value in enumerate(values):
            put(sheet, row, col, value, styles.wrap)
        _wide(sheet, styles, row, guard["Why"])
        widths = [FIRST_WIDTH, *[OTHER_WIDTH] * (len(values) - 1)]
        _fit(sheet, row, [*zip(values, widths, strict=True), (guard["Why"], WIDE_WIDTH)])


def _header(sheet: Worksheet, styles: Styles, row: int, headers: list[str]) -> None:
    """Bold headers, the row tall enough for one that wraps ("Emergency medication" in a
    narrow column), so none overprints the row under it."""
    for col, header in enumerate(headers):
        put(sheet, row, col, header, styles.header)
    widths = [FIRST_WIDTH, *[OTHER_WIDTH] * (len(headers) - 1)]
    height = row_points(zip(headers, widths, strict=True), bold=True)
    if height is not None:
        sheet.set_row(row, height)


def _level_name(levels: list[Level], index: int) -> str:
    return levels[index].name if 0 <= index < len(levels) else str(index)


def _text(value: Any) -> Any:
    """Numbers stay numbers; lists and mappings become readable text, never a formula."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, sort_keys=True, default=str)
