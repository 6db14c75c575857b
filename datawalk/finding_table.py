"""The findings of one audit as a table for people: one row per finding, labels in the
checklist's words, sorted by location, with the filters the findings page offers.

It only reshapes; scores come from `datawalk.scoring` and are joined on by the caller. It must
not import streamlit or touch the database.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from datawalk.models import Audit, Finding, Location
from datawalk.scoring import CLASSIFICATION_NAMES, findings_to_frame, score_frame, walk_date
from datawalk.vocabulary import Checklist

COLUMNS = [
    "id",
    "reference",
    "location_id",
    "location",
    "floor",
    "category_ids",
    "categories",
    "format",
    "visible_to",
    "needed_by",
    "reach",
    "evidence",
    "good_practice",
    "review_date",
    "notes",
    "updated_at",
]
NOTES_PREVIEW = 120


def _labels(checklist: Checklist, vocabulary: str, ids: Iterable[str]) -> str:
    return ", ".join(checklist.label(vocabulary, term_id) for term_id in ids)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTES_PREVIEW else text[: NOTES_PREVIEW - 1] + "…"


def findings_frame(
    audit: Audit, findings: list[Finding], locations: list[Location], checklist: Checklist
) -> pd.DataFrame:
    """Return one row per finding, sorted by location name then reference."""
    by_id = {location.id: location for location in locations}
    rows = []
    for finding in findings:
        location = by_id.get(finding.location_id)
        floor = audit.floor(location.floor_id) if location and location.floor_id else None
        rows.append(
            {
                "id": finding.id,
                "reference": finding.reference or "",
                "location_id": finding.location_id,
                "location": location.name if location else "",
                "floor": floor.name if floor else "",
                "category_ids": tuple(finding.categories),
                "categories": _labels(checklist, "data_categories", finding.categories),
                "format": checklist.label("formats", finding.format),
                "visible_to": _labels(checklist, "audiences", finding.visible_to),
                "needed_by": _labels(checklist, "audiences", finding.needed_by),
                "reach": checklist.label("reach_speeds", finding.reach.value),
                "evidence": checklist.label("evidence", finding.evidence),
                "good_practice": finding.good_practice,
                "review_date": finding.review_date,
                "notes": _preview(finding.notes),
                "updated_at": finding.updated_at,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["location", "reference"], kind="stable", ignore_index=True)


def filter_findings(
    frame: pd.DataFrame,
    location_ids: Iterable[str] = (),
    category_ids: Iterable[str] = (),
    classifications: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the rows matching every non-empty filter (any of the chosen values within one)."""
    mask = pd.Series(True, index=frame.index)
    locations = set(location_ids)
    if locations:
        mask &= frame["location_id"].isin(locations)
    categories = set(category_ids)
    if categories:
        mask &= frame["category_ids"].map(lambda ids: not categories.isdisjoint(ids))
    chosen = set(classifications)
    if chosen and "classification" in frame:
        mask &= frame["classification"].isin(chosen)
    return frame[mask]


def scored_findings_frame(
    audit: Audit, findings: list[Finding], locations: list[Location], checklist: Checklist
) -> pd.DataFrame:
    """Return `findings_frame` with each finding's levels (as labels), classification and
    priority joined on, scored with the audit's pinned checklist as of the walk date.

    Without a scoring section the plain table is returned.
    """
    frame = findings_frame(audit, findings, locations, checklist)
    if checklist.scoring is None or frame.empty:
        return frame
    scores = score_frame(findings_to_frame(findings), checklist, today=walk_date(audit))
    names = {level.id: level.name for level in checklist.scoring.levels}
    scores = scores.set_index("finding_id")
    frame["privacy_level"] = frame["id"].map(scores["privacy_level"]).map(names)
    frame["safeguarding_level"] = frame["id"].map(scores["safeguarding_level"]).map(names)
    frame["classification"] = frame["id"].map(scores["classification"])
    frame["classification_name"] = frame["classification"].map(CLASSIFICATION_NAMES)
    frame["priority"] = frame["id"].map(scores["priority"])
    return frame
