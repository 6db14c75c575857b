"""Everything the PDF report shows, as plain JSON-ready data, built from the same prepared content
as the workbook (`datawalk.workbook.data.prepare`) and the same frame as the dashboard
(`datawalk.dashboard.dashboard_frame`). Nothing here scores: it only arranges what they give.

All user text goes into this data and the template reads it with `json()`, so no text a person
typed is ever read as Typst markup. The governors edition leaves out every note, title, photo and
caption (`WorkbookData.with_notes`), but keeps who accepted a risk, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from datawalk import dashboard
from datawalk.actions import CLOSED_STATUSES, due_bands, is_overdue, status_label
from datawalk.models import Action, ActionStatus, AuditDocument
from datawalk.report import charts, findings
from datawalk.report.pictures import ImageFile, photo_images, plan_images
from datawalk.report.since_last import since_last
from datawalk.scoring import CLASSIFICATION_NAMES
from datawalk.workbook.data import WorkbookData, prepare

URGENT_ACTIONS = 3
HOTSPOTS = 10


@dataclass
class ReportContent:
    """The template's data and the image files it names."""

    data: dict[str, Any]
    produced_at: datetime | None = None
    images: list[ImageFile] = field(default_factory=list)


def build_content(
    document: AuditDocument, edition: str, marking: str, today: date | None = None
) -> ReportContent:
    """Return the report's data for one audit document, in one edition.

    Raises:
        ValidationError: unknown edition or an unusable protective marking.
    """
    prepared = prepare(document, edition=edition, marking=marking, today=today)
    frame = dashboard.dashboard_frame(
        prepared.audit,
        [view.finding for view in prepared.findings],
        prepared.locations,
        prepared.actions,
        prepared.checklist,
        prepared.today,
    )
    content = ReportContent(data={}, produced_at=prepared.exported_at)
    content.data = {
        "marking": prepared.marking,
        "edition": prepared.edition,
        "with_notes": prepared.with_notes,
        "cover": _cover(prepared),
        "summary": _summary(prepared, frame),
        "hotspots": _hotspots(prepared, frame, content.images),
        "actions": _action_plan(prepared),
        "good": findings.good_practice(prepared),
        "locations": findings.by_location(prepared, content.images),
        "appendix": findings.appendix(prepared),
        "since": since_last(prepared),
    }
    return content


def _cover(data: WorkbookData) -> dict[str, Any]:
    audit, checklist = data.audit, data.checklist
    return {
        "school": audit.school.name,
        "site": audit.site.name,
        "walk_date": f"{audit.walk_at:%d %B %Y, %H:%M}",
        "auditor": audit.auditor,
        "accompanied_by": audit.accompanied_by,
        "checklist": f"{checklist.name} ({checklist.id}), version {checklist.version}",
        "checklist_hash": audit.checklist.content_hash,
        "edition": "Leadership edition" if data.with_notes else "Governors edition",
        "exported": f"{data.exported_at:%d %B %Y, %H:%M} UTC",
    }


def _summary(data: WorkbookData, frame: pd.DataFrame) -> dict[str, Any]:
    kpis = dashboard.compute_kpis(frame)
    levels = data.levels
    thresholds = data.checklist.scoring.thresholds if data.checklist.scoring else None
    concern = thresholds.concern_level if thresholds else len(levels)
    tiles = [
        {"label": "Findings", "value": str(kpis.findings), "note": "places recorded"},
        *(
            {"label": CLASSIFICATION_NAMES[c], "value": str(n), "note": "findings"}
            for c, n in kpis.by_classification.items()
        ),
        {"label": "Good practice", "value": str(kpis.good_practice), "note": "findings"},
        _highest_tile(
            "Highest privacy level", kpis.highest_privacy, kpis.highest_privacy_count, data
        ),
        _highest_tile(
            "Highest safeguarding level",
            kpis.highest_safeguarding,
            kpis.highest_safeguarding_count,
            data,
        ),
        {"label": "Open actions", "value": str(kpis.open_actions), "note": "to do"},
        {"label": "Overdue actions", "value": str(kpis.overdue_actions), "note": "past due"},
    ]
    return {
        "opinion": data.audit.overall_opinion,
        "scope": data.audit.scope_limitations,
        "tiles": tiles,
        "chart": charts.two_sided_chart(frame, levels, concern),
        "bars": charts.classification_bars(dashboard.classification_by_type(frame)),
        "urgent": [_urgent(data, action) for action in _open_actions(data)[:URGENT_ACTIONS]],
    }


def _highest_tile(label: str, index: int | None, count: int, data: WorkbookData) -> dict[str, Any]:
    if index is None:
        return {"label": label, "value": "None", "note": "no findings"}
    level = data.levels[index]
    return {
        "label": label,
        "value": level.name,
        "note": f"{count} finding{'s' if count != 1 else ''}",
        "level": charts.level_entry(level),
    }


def _open_actions(data: WorkbookData) -> list[Action]:
    return [action for action in data.actions if action.status not in CLOSED_STATUSES]


def _urgent(data: WorkbookData, action: Action) -> dict[str, str]:
    """One urgent action as a sentence a governor can read: what, where, who and by when."""
    owner = action.owner or "an owner still to be named"
    due = f"by {action.due_date:%d %B %Y}" if action.due_date else "with no due date yet"
    return {
        "what": action.recommendation or "Action to be agreed.",
        "where": data.action_locations(action),
        "who": f"Owner: {owner}, {due}.",
        "references": data.references(action),
    }


def _hotspots(data: WorkbookData, frame: pd.DataFrame, images: list[ImageFile]) -> dict[str, Any]:
    points = dashboard.location_points(frame, data.locations, "worst")
    plans = []
    for floor, image in plan_images(list(data.audit.site.floors), points, data.levels):
        images.append(image)
        plans.append({"floor": floor.name, "image": image.name})
    ranked = dashboard.top_hotspots(frame, HOTSPOTS)
    rows = []
    for rank, finding_id in zip(ranked["rank"], ranked["id"], strict=True):
        view = data.view(str(finding_id))
        if view is None:
            continue
        row = findings.finding_row(data, view)
        row["rank"] = int(rank)
        row["photos"] = []
        if data.with_notes:
            files = photo_images(f"photo-{rank}", view.exportable_photos)
            images.extend(files)
            captions = [photo.caption for photo in view.exportable_photos]
            row["photos"] = [
                {"image": file.name, "caption": caption}
                for file, caption in zip(files, captions, strict=False)
            ]
        rows.append(row)
    return {"plans": plans, "top": rows}


def _action_plan(data: WorkbookData) -> dict[str, Any]:
    """Actions grouped by urgency band (the checklist's due-date bands), most urgent first;
    accepted risks on their own, with who accepted them, when and why."""
    bands = due_bands(data.checklist)
    groups: list[dict[str, Any]] = [
        {"heading": _band_heading(days), "actions": []} for _, days in bands
    ]
    accepted = []
    for action in data.actions:
        if action.status == ActionStatus.RISK_ACCEPTED:
            accepted.append(_accepted(data, action))
            continue
        band = next((i for i, (least, _) in enumerate(bands) if action.priority >= least), -1)
        groups[band]["actions"].append(_action_row(data, action))
    return {
        "groups": [group for group in groups if group["actions"]],
        "accepted": accepted,
        "count": len(data.actions),
    }


def _band_heading(days: int) -> str:
    if days <= 7:
        return f"Most urgent: fix within {days} days"
    if days <= 31:
        return f"Urgent: fix within {days} days"
    return f"Fix within {days} days (about {round(days / 7)} weeks)"


def _action_row(data: WorkbookData, action: Action) -> dict[str, Any]:
    overdue = is_overdue(action, data.today)
    return {
        "references": data.references(action),
        "locations": data.action_locations(action),
        "what": action.recommendation,
        "owner": action.owner or "Not yet named",
        "due": f"{action.due_date:%d/%m/%Y}" if action.due_date else "No date",
        "status": status_label(action.status),
        "overdue": overdue,
        "notes": action.notes if data.with_notes else "",
    }


def _accepted(data: WorkbookData, action: Action) -> dict[str, Any]:
    return {
        **_action_row(data, action),
        "by": action.accepted_by or "Not recorded",
        "on": f"{action.accepted_on:%d/%m/%Y}" if action.accepted_on else "Not recorded",
        "why": action.accepted_reason or "Not recorded",
    }
