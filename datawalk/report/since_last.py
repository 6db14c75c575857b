"""The report's "Since last walk" section of a re-walk: the same table as the dashboard and the
workbook (`datawalk.rewalk.compare.comparison_display`), its totals, what was not checked, and
the note on rescoring when the checklist version changed. None for a first walk."""

from __future__ import annotations

from typing import Any

from datawalk.rewalk.compare import (
    EVIDENCE_LABEL,
    comparison_display,
    not_checked_list,
    resolved_with_photos,
)
from datawalk.workbook.data import WorkbookData

TOTALS = (
    ("Worse", "worse"),
    ("Better", "better"),
    ("Same", "same"),
    ("Not checked", "not checked"),
)
COUNTS = (("New findings", "new"), ("Resolved", "resolved"), ("Persisting", "persisting"))


def since_last(data: WorkbookData) -> dict[str, Any] | None:
    """The section's data (plain JSON for the template), or None when this is no re-walk."""
    comparison = data.since_last
    if comparison is None:
        return None
    totals = comparison.totals()
    frame = comparison_display(comparison)
    counts = [{"label": label, "count": totals[key]} for label, key in COUNTS]
    evidence = resolved_with_photos(data.rewalk)
    if evidence:
        counts.append({"label": EVIDENCE_LABEL, "count": evidence})
    return {
        "note": comparison.note,
        "places": [{"label": label, "count": totals[key]} for label, key in TOTALS],
        "counts": counts,
        "columns": list(frame.columns),
        "rows": [[str(value) for value in row] for row in frame.itertuples(index=False)],
        "not_checked": not_checked_list(data.locations, data.rewalk) if data.rewalk else [],
    }
