"""The Locations sheet: every visited location with its counts and worst levels, the places
visited where nothing was found (evidence the walk covered them), and, in the leadership edition,
each floor plan with numbered markers matching the table's "Map no." column.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from datawalk.models import Location
from datawalk.plan_markers import POINT_COLUMNS, hotspot_markers
from datawalk.scoring.result import CLASSIFICATION_NAMES, CLASSIFICATIONS
from datawalk.vocabulary import Level
from datawalk.workbook.data import FindingView, WorkbookData
from datawalk.workbook.layout import LOCATIONS, LOCATIONS_TABLE
from datawalk.workbook.plans import draw_plan
from datawalk.workbook.styles import Styles, add_level_formats, put, set_up_page

ROW_PX = 20


@dataclass
class _Tally:
    location: Location
    number: int
    views: list[FindingView] = field(default_factory=list)

    def worst(self, data: WorkbookData, side: str) -> Level | None:
        index = max((getattr(v, f"{side}_index") for v in self.views), default=-1)
        return data.levels[index] if index >= 0 else None


def write_locations(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = workbook.add_worksheet(LOCATIONS)
    tallies = _tally(data)
    headers = [
        "Map no.",
        "Location",
        "Location type",
        "Floor",
        "Findings",
        *(CLASSIFICATION_NAMES[c] for c in CLASSIFICATIONS),
        "Good practice",
        "Worst privacy level",
        "Worst safeguarding level",
        "Nothing found",
        "Prompts checked",
    ]
    widths = [8, 26, 20, 14, 9, 12, 14, 16, 13, 11, 14, 14, 10, 10]
    floors = {floor.id: floor.name for floor in data.audit.site.floors}
    for row, tally in enumerate(tallies, start=1):
        counts = Counter(v.classification for v in tally.views)
        loc = tally.location
        worst_privacy, worst_safeguarding = (
            tally.worst(data, "privacy"),
            tally.worst(data, "safeguarding"),
        )
        values = [
            tally.number,
            loc.name,
            data.checklist.label("location_types", loc.location_type),
            floors.get(loc.floor_id or "", ""),
            len(tally.views),
            *(counts.get(c, 0) for c in CLASSIFICATIONS),
            sum(1 for v in tally.views if v.finding.good_practice),
            data.level_label(worst_privacy),
            data.level_label(worst_safeguarding),
            not tally.views,
            len(loc.prompts_checked),
        ]
        for col, value in enumerate(values):
            put(sheet, row, col, value, styles.wrap if col == 1 else styles.top)
    last = max(len(tallies), 1)
    sheet.add_table(
        0,
        0,
        last,
        len(headers) - 1,
        {
            "name": LOCATIONS_TABLE,
            "style": "Table Style Light 9",
            "columns": [{"header": h, "header_format": styles.header} for h in headers],
        },
    )
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for col in (headers.index("Worst privacy level"), headers.index("Worst safeguarding level")):
        add_level_formats(sheet, styles, data.levels, 1, len(tallies), col)
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 2)
    row = _write_nothing_found(sheet, styles, tallies, last + 2)
    _write_plans(sheet, styles, data, tallies, row)
    set_up_page(sheet, data.marking, title=LOCATIONS)


def _tally(data: WorkbookData) -> list[_Tally]:
    """Locations in walk order (floor, then name), numbered for the plan markers."""
    floor_order = {floor.id: floor.order for floor in data.audit.site.floors}
    ordered = sorted(
        data.locations,
        key=lambda loc: (floor_order.get(loc.floor_id or "", 10**6), loc.name.casefold(), loc.id),
    )
    tallies = {loc.id: _Tally(loc, number) for number, loc in enumerate(ordered, start=1)}
    for view in data.findings:
        if view.finding.location_id in tallies:
            tallies[view.finding.location_id].views.append(view)
    return list(tallies.values())


def _write_nothing_found(sheet: Worksheet, styles: Styles, tallies: list[_Tally], row: int) -> int:
    put(sheet, row, 0, "Visited with nothing found", styles.section)
    empty = [t for t in tallies if not t.views]
    if not empty:
        put(sheet, row + 1, 0, "Every visited location has at least one finding.", styles.top)
        return row + 3
    for offset, tally in enumerate(empty, start=1):
        put(sheet, row + offset, 0, tally.number, styles.top)
        put(sheet, row + offset, 1, tally.location.name, styles.top)
        note = "marked 'nothing found'" if tally.location.nothing_found else "no findings recorded"
        put(sheet, row + offset, 2, note, styles.top)
    return row + len(empty) + 2


def _write_plans(
    sheet: Worksheet, styles: Styles, data: WorkbookData, tallies: list[_Tally], row: int
) -> None:
    floors = [
        floor
        for floor in sorted(data.audit.site.floors, key=lambda f: f.order)
        if floor.plan is not None
    ]
    if not floors:
        return
    if not data.with_notes:
        put(sheet, row, 0, "Floor plans with markers are in the leadership edition.", styles.top)
        return
    numbers = {t.location.id: t.number for t in tallies}
    for floor in floors:
        points = _floor_points(tallies, floor.id)
        markers = hotspot_markers(points, data.levels, numbers)
        picture = draw_plan(floor.plan.data, markers)
        put(sheet, row, 0, f"Floor plan: {floor.name}", styles.section)
        sheet.insert_image(
            row + 1,
            0,
            f"plan-{floor.id}.{picture.extension}",
            {
                "image_data": io.BytesIO(picture.data),
                "object_position": 3,
                "description": f"Floor plan of {floor.name} with numbered location markers",
            },
        )
        row += 3 + math.ceil(picture.height / ROW_PX)


def _floor_points(tallies: list[_Tally], floor_id: str) -> pd.DataFrame:
    """The floor's places as the dashboard's map points: worst level over both sides."""
    rows = [
        (
            t.location.id,
            t.location.name,
            floor_id,
            t.location.position.x,
            t.location.position.y,
            len(t.views),
            max(v.worst_index for v in t.views) if t.views else np.nan,
            t.location.nothing_found,
        )
        for t in tallies
        if t.location.floor_id == floor_id and t.location.position is not None
    ]
    return pd.DataFrame(rows, columns=POINT_COLUMNS)
