"""The one scored table of an audit: one row per finding, where it is, what it holds in the
checklist's words, and both sides of its score. The findings page, the action plan, the
dashboard and the report all read this table; pages build it once per audit version.

Scores come from the one scorer (`datawalk.scoring.score_frame`), as of the walk date with the
audit's pinned checklist. Without a scoring section the score columns are left out. Pure
pandas over loaded domain objects: no streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from datawalk.models import Audit, Finding, Location
from datawalk.scoring import CLASSIFICATION_NAMES, findings_to_frame, score_frame, walk_date
from datawalk.vocabulary import Checklist

FINDING_COLUMNS = [
    "id",
    "reference",
    "location_id",
    "location",
    "floor_id",
    "floor",
    "location_type",
    "location_type_name",
    "category_ids",
    "categories",
    "format",
    "visible_to",
    "needed_by",
    "reach",
    "evidence",
    "good_practice",
    "review_date",
    "review_overdue",
    "notes",
    "updated_at",
]
SCORE_COLUMNS = [
    "exposure",
    "sensitivity",
    "need",
    "availability_gap",
    "privacy_index",
    "safeguarding_index",
    "worst_index",
    "privacy_level",
    "safeguarding_level",
    "classification",
    "classification_name",
    "priority",
    "first_reason",
    "recommendation",
]
COLUMNS = FINDING_COLUMNS + SCORE_COLUMNS
NOTES_PREVIEW = 120


def scored_table(
    audit: Audit,
    findings: Sequence[Finding],
    locations: Iterable[Location],
    checklist: Checklist,
) -> pd.DataFrame:
    """Return one row per finding, in the order given, with its scores joined on.

    Raises:
        ValidationError: a finding uses an id the checklist does not define.
    """
    located = list(locations)
    frame = _finding_rows(audit, findings, located, checklist)
    if checklist.scoring is None:
        return frame
    if not findings:
        return frame.reindex(columns=COLUMNS)
    places = {location.id: location.location_type for location in located}
    frame_in = findings_to_frame(findings, places)
    scores = score_frame(frame_in, checklist, walk_date(audit), explain=True)
    names = np.array([level.name for level in checklist.scoring.levels], dtype=object)
    privacy = scores["privacy_level_index"].to_numpy()
    safeguarding = scores["safeguarding_level_index"].to_numpy()
    actions = {rule.id: rule.action for rule in checklist.scoring.rules}
    frame["exposure"] = scores["exposure"].to_numpy()
    frame["sensitivity"] = scores["sensitivity"].to_numpy()
    frame["need"] = scores["need"].to_numpy()
    frame["availability_gap"] = scores["availability_gap"].to_numpy()
    frame["privacy_index"] = privacy
    frame["safeguarding_index"] = safeguarding
    frame["worst_index"] = np.maximum(privacy, safeguarding)
    frame["privacy_level"] = names[privacy]
    frame["safeguarding_level"] = names[safeguarding]
    frame["classification"] = scores["classification"].to_numpy()
    frame["classification_name"] = frame["classification"].map(CLASSIFICATION_NAMES)
    frame["priority"] = scores["priority"].to_numpy(dtype=float)
    frame["first_reason"] = [reasons[0] if reasons else "" for reasons in scores["reasons"]]
    frame["recommendation"] = [
        actions[ids[0]] if ids else commendation
        for ids, commendation in zip(scores["rule_ids"], scores["commendation"], strict=True)
    ]
    return frame


def _finding_rows(
    audit: Audit, findings: Sequence[Finding], locations: Iterable[Location], checklist: Checklist
) -> pd.DataFrame:
    by_id = {location.id: location for location in locations}
    day = walk_date(audit)
    rows = []
    for finding in findings:
        location = by_id.get(finding.location_id)
        floor = audit.floor(location.floor_id) if location and location.floor_id else None
        location_type = location.location_type if location else ""
        rows.append(
            {
                "id": finding.id,
                "reference": finding.reference or "",
                "location_id": finding.location_id,
                "location": location.name if location else "",
                "floor_id": location.floor_id if location else None,
                "floor": floor.name if floor else "",
                "location_type": location_type,
                "location_type_name": checklist.label("location_types", location_type),
                "category_ids": tuple(finding.categories),
                "categories": _labels(checklist, "data_categories", finding.categories),
                "format": checklist.label("formats", finding.format),
                "visible_to": _labels(checklist, "audiences", finding.visible_to),
                "needed_by": _labels(checklist, "audiences", finding.needed_by),
                "reach": checklist.label("reach_speeds", finding.reach.value),
                "evidence": checklist.label("evidence", finding.evidence),
                "good_practice": finding.good_practice,
                "review_date": finding.review_date,
                "review_overdue": finding.review_date is not None and finding.review_date < day,
                "notes": _preview(finding.notes),
                "updated_at": finding.updated_at,
            }
        )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _labels(checklist: Checklist, vocabulary: str, ids: Iterable[str]) -> str:
    return ", ".join(checklist.label(vocabulary, term_id) for term_id in ids)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTES_PREVIEW else text[: NOTES_PREVIEW - 1] + "…"
