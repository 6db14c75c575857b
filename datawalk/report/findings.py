"""The report's finding-level sections: one finding as a row, the findings grouped by location,
the good practice found, and the appendix drawn from the audit's pinned checklist.

Levels go out as words with their colour and a readable ink, so colour is never the only signal.
Free text that only leadership reads (titles, notes, good-practice notes) is blank for governors.
"""

from __future__ import annotations

from typing import Any

from datawalk.report.charts import level_entry
from datawalk.report.pictures import ImageFile, photo_images
from datawalk.scoring import CLASSIFICATION_NAMES
from datawalk.workbook.data import FindingView, WorkbookData


def finding_row(data: WorkbookData, view: FindingView) -> dict[str, Any]:
    """One finding: reference, what and where, both levels, the first reason and what to do."""
    checklist, finding = data.checklist, view.finding
    categories = ", ".join(checklist.label("data_categories", c) for c in finding.categories)
    scored = view.scored
    return {
        "reference": view.reference,
        "location": view.location.name if view.location else "",
        "title": finding.title if data.with_notes else "",
        "what": f"{categories} ({checklist.label('formats', finding.format)})",
        "privacy": level_entry(view.privacy),
        "safeguarding": level_entry(view.safeguarding),
        "classification": CLASSIFICATION_NAMES.get(view.classification, view.classification),
        "reason": scored.reasons[0] if scored.reasons else "",
        "recommendation": scored.recommendations[0].action if scored.recommendations else "",
        "good_practice": finding.good_practice,
        "notes": finding.notes if data.with_notes else "",
    }


def by_location(data: WorkbookData, images: list[ImageFile]) -> list[dict[str, Any]]:
    """Locations in walk order (floor, then name), each with its findings by reference; places
    visited where nothing was found are listed too, as evidence the walk covered them. For
    leadership, each finding carries thumbnails of its checked photos (added to `images`)."""
    floors = {floor.id: floor for floor in data.audit.site.floors}
    ordered = sorted(
        data.locations,
        key=lambda loc: (
            floors[loc.floor_id].order if loc.floor_id in floors else 10**6,
            loc.name.casefold(),
            loc.id,
        ),
    )
    grouped: dict[str, list[FindingView]] = {loc.id: [] for loc in ordered}
    for view in data.findings:
        grouped.setdefault(view.finding.location_id, []).append(view)
    sections = []
    for location in ordered:
        floor = floors.get(location.floor_id or "")
        sections.append(
            {
                "name": location.name,
                "floor": floor.name if floor else "",
                "type": data.checklist.label("location_types", location.location_type),
                "findings": [_with_photos(data, view, images) for view in grouped[location.id]],
            }
        )
    return sections


def _with_photos(data: WorkbookData, view: FindingView, images: list[ImageFile]) -> dict[str, Any]:
    row = finding_row(data, view)
    row["photos"] = []
    if data.with_notes and view.exportable_photos:
        files = photo_images(f"finding-{len(images)}", view.exportable_photos)
        images.extend(files)
        row["photos"] = [
            {"image": file.name, "caption": photo.caption}
            for file, photo in zip(files, view.exportable_photos, strict=False)
        ]
    return row


def good_practice(data: WorkbookData) -> list[dict[str, str]]:
    """Each good-practice finding with the checklist's commendation (and, for leadership, the
    consultant's own note). The scored commendation ends with that note, so the checklist's
    own commendation is used, and the note goes only to leadership, on its own line."""
    scoring = data.checklist.scoring
    commendation = (scoring.commendation if scoring else "") or "Good practice."
    return [
        {
            "reference": view.reference,
            "location": view.location.name if view.location else "",
            "what": finding_row(data, view)["what"],
            "commendation": commendation,
            "note": view.finding.good_practice_note if data.with_notes else "",
        }
        for view in data.findings
        if view.finding.good_practice
    ]


def appendix(data: WorkbookData) -> dict[str, Any]:
    """How the scoring works, from the pinned checklist: levels with their meanings, both grids,
    the concern threshold and the due-date bands."""
    scoring = data.checklist.scoring
    levels = data.levels
    if scoring is None:
        return {"levels": [], "privacy_grid": [], "safeguarding_grid": [], "concern": ""}
    return {
        "levels": [
            {
                **level_entry(level),
                "description": level.description,
                "colour_name": level.colour_name,
            }
            for level in levels
        ],
        "privacy_grid": _grid(scoring.privacy_grid, levels),
        "safeguarding_grid": _grid(scoring.safeguarding_grid, levels),
        "concern": levels[scoring.thresholds.concern_level].name
        if scoring.thresholds.concern_level < len(levels)
        else "",
    }


def _grid(grid: list[list[int]], levels: list) -> list[list[dict[str, str]]]:
    """grid[row 0..5][column 1..5] of level indices, as level entries."""
    return [[level_entry(levels[index]) for index in row] for row in grid]
