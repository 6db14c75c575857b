"""The Findings sheet: one row per finding, every field, every score and the reasons, as an Excel
Table with a frozen header and filters. Level columns hold the level LABEL and are coloured by
conditional formatting, so a grey-scale print or a colour-blind reader loses nothing.

`finding_columns` is also what the benchmark's bare pandas baseline writes, so the comparison is
like for like.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.workbook import Workbook

from datawalk.scoring.result import CLASSIFICATION_NAMES
from datawalk.workbook.bulk import add_bulk_sheet
from datawalk.workbook.data import FindingView, WorkbookData
from datawalk.workbook.layout import FINDINGS, FINDINGS_TABLE
from datawalk.workbook.styles import (
    Styles,
    add_level_formats,
    column_writer,
    set_up_page,
    write_table,
)

WIDE_PRINT_SCALE = 80


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    value: Callable[[FindingView], Any]
    kind: str = "text"  # text | wrap | date | datetime | number | bool | level
    leadership_only: bool = False


def finding_columns(data: WorkbookData) -> list[Column]:
    """Return the Findings columns of the data's edition, with vocabulary ids turned into labels."""
    labels = _Labels(data)
    columns = [
        Column("Reference", 10, lambda v: v.reference),
        Column("Title", 30, lambda v: v.finding.title, "wrap", True),
        Column("Location", 22, lambda v: v.location.name if v.location else ""),
        Column("Location type", 18, lambda v: labels.location_type(v)),
        Column("Template", 24, lambda v: labels.template(v), "wrap"),
        Column("Floor", 12, lambda v: labels.floor(v)),
        Column(
            "Data categories",
            26,
            lambda v: labels.join("data_categories", v.finding.categories),
            "wrap",
        ),
        Column("Format", 16, lambda v: labels.one("formats", v.finding.format)),
        Column(
            "Identifiability",
            18,
            lambda v: labels.one("identifiability", v.finding.identifiability),
        ),
        Column("Detail level", 18, lambda v: labels.one("detail_levels", v.finding.detail_level)),
        Column("Visible to", 24, lambda v: labels.join("audiences", v.finding.visible_to), "wrap"),
        Column("Needed by", 24, lambda v: labels.join("audiences", v.finding.needed_by), "wrap"),
        Column(
            "Sees without need", 24, lambda v: labels.join("audiences", v.scored.excess), "wrap"
        ),
        Column(
            "Needs but cannot reach",
            24,
            lambda v: labels.join("audiences", v.scored.missing),
            "wrap",
        ),
        Column("Reach", 14, lambda v: labels.one("reach_speeds", str(v.finding.reach))),
        Column("Reach per audience", 24, lambda v: labels.given_reach(v), "wrap"),
        Column("Controls", 24, lambda v: labels.join("controls", v.finding.controls), "wrap"),
        Column("Evidence", 14, lambda v: labels.one("evidence", v.finding.evidence)),
        Column("Review date", 12, lambda v: v.finding.review_date, "date"),
        Column("Good practice", 10, lambda v: v.finding.good_practice, "bool"),
        Column("Good practice note", 30, lambda v: v.finding.good_practice_note, "wrap", True),
        Column("Notes", 36, lambda v: v.finding.notes, "wrap", True),
        Column("Need override (1-5)", 10, lambda v: v.finding.need_override, "number"),
        Column("Exposure (0-5)", 10, lambda v: v.scored.exposure, "number"),
        Column("Sensitivity (1-5)", 11, lambda v: v.scored.sensitivity, "number"),
        Column("Privacy level", 13, lambda v: data.level_label(v.privacy), "level"),
        Column("Need (1-5)", 9, lambda v: v.scored.need, "number"),
        Column("Availability gap (0-5)", 12, lambda v: v.scored.availability_gap, "number"),
        Column("Safeguarding level", 13, lambda v: data.level_label(v.safeguarding), "level"),
        Column(
            "Classification",
            18,
            lambda v: CLASSIFICATION_NAMES.get(v.classification, v.classification),
        ),
        Column("Priority", 9, lambda v: round(v.priority, 2), "number", True),
        Column("Reasons", 50, lambda v: "\n".join(v.scored.reasons), "wrap"),
        Column(
            "Recommendations",
            50,
            lambda v: "\n".join(f"{r.action} (owner: {r.owner})" for r in v.scored.recommendations),
            "wrap",
        ),
        Column("Commendation", 30, lambda v: _commendation(v, data), "wrap"),
        Column("Photos", 8, lambda v: len(v.exportable_photos), "number"),
        Column("Recorded", 16, lambda v: v.finding.created_at, "datetime"),
        Column("Updated", 16, lambda v: v.finding.updated_at, "datetime"),
    ]
    return [c for c in columns if data.with_notes or not c.leadership_only]


def write_findings(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = add_bulk_sheet(workbook, FINDINGS)
    columns = finding_columns(data)
    formats = {
        "wrap": styles.wrap,
        "date": styles.date,
        "datetime": styles.datetime,
    }
    plan = [
        (column.value, column_writer(sheet, column.kind, formats.get(column.kind, styles.top)))
        for column in columns
    ]
    headers = [{"header": c.header, "header_format": styles.header} for c in columns]
    wrapped = {i: c.width for i, c in enumerate(columns) if c.kind == "wrap"}
    write_table(sheet, FINDINGS_TABLE, plan, data.findings, headers, wrapped)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        if column.kind == "level":
            add_level_formats(sheet, styles, data.levels, 1, len(data.findings), col)
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 1)
    # The full table is for filtering; "Findings (print)" is the one-page-wide version.
    # At 80 % (Calibri 11 prints at 8.8 pt), over pages across with the reference repeated.
    set_up_page(sheet, data.marking, title=FINDINGS, scale=WIDE_PRINT_SCALE)
    sheet.repeat_columns(0)


def _commendation(view: FindingView, data: WorkbookData) -> str:
    """The scored commendation ends with the consultant's good-practice note, which governors
    do not get: theirs is the checklist's own commendation."""
    if data.with_notes or not view.scored.commendation:
        return view.scored.commendation
    scoring = data.checklist.scoring
    return (scoring.commendation if scoring else "") or "Good practice."


class _Labels:
    """Vocabulary id → label lookups built once per workbook, not once per cell."""

    def __init__(self, data: WorkbookData) -> None:
        objects = data.checklist.objects
        self._maps: dict[str, dict[str, str]] = {
            name: {term.id: term.name for term in getattr(objects, name)}
            for name in (
                "data_categories",
                "formats",
                "identifiability",
                "detail_levels",
                "audiences",
                "controls",
                "evidence",
                "reach_speeds",
                "location_types",
            )
        }
        self._floors = {floor.id: floor.name for floor in data.audit.site.floors}
        self._templates = {term.id: term.name for term in objects.templates}
        self._joined: dict[tuple[str, ...], str] = {}

    def one(self, vocabulary: str, term_id: str) -> str:
        return self._maps[vocabulary].get(term_id, term_id)

    def join(self, vocabulary: str, term_ids: list[str]) -> str:
        """Labels of a list of terms, joined once per distinct list: lists recur thousands of
        times in a big audit."""
        key = (vocabulary, *term_ids)
        text = self._joined.get(key)
        if text is None:
            names = self._maps[vocabulary]
            text = self._joined[key] = ", ".join(names.get(t, t) for t in term_ids)
        return text

    def given_reach(self, view: FindingView) -> str:
        """Needers whose reach was given apart from the finding's, e.g. "Supply and cover
        staff: not at all"; blank when every needer reaches it as "Visible to" and "Reach" say."""
        given = view.finding.needed_reach
        audiences, speeds = self._maps["audiences"], self._maps["reach_speeds"]
        return "; ".join(
            f"{audiences.get(a, a)}: {speeds.get(given[a].value, given[a].value).lower()}"
            for a in view.finding.needed_by
            if a in given
        )

    def template(self, view: FindingView) -> str:
        """The quick-pick the finding started from, by name; blank when recorded from scratch."""
        template_id = view.finding.template_id
        return self._templates.get(template_id, template_id) if template_id else ""

    def location_type(self, view: FindingView) -> str:
        return self.one("location_types", view.location.location_type) if view.location else ""

    def floor(self, view: FindingView) -> str:
        if view.location is None or view.location.floor_id is None:
            return ""
        return self._floors.get(view.location.floor_id, "")
