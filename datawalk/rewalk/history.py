"""The walks of one school, for the trend: every walk still held, summarised from its own scored
table, and what is kept of walks whose records were deleted at the end of their retention.

Each walk is shown as scored with its own pinned checklist; the chart says which version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from datawalk.checklist import checklist_from_pin
from datawalk.models import Audit, RewalkRecord
from datawalk.rewalk.compare import Comparison, compare_walks
from datawalk.rewalk.summary import WalkSummary, school_key, summarise_walk
from datawalk.scored_table import scored_rows
from datawalk.vocabulary import Checklist


def level_names(checklist: Checklist) -> list[str]:
    return [level.name for level in checklist.scoring.levels] if checklist.scoring else []


def summary_of(
    reads: Any, audit: Audit, checklist: Checklist, table: pd.DataFrame | None = None
) -> WalkSummary:
    """Summarise one held walk: per location, findings and worst levels on both sides. Pass
    its scored `table` when one is at hand (the dashboard holds it), else its levels are
    scored here, without the reasons and titles a summary never shows."""
    locations = reads.list_locations(audit.id)
    if table is None:
        findings = reads.findings_for_scoring(audit.id)
        table = scored_rows(audit, findings, locations, checklist, explain=False)
    unchecked = [u.location_id for u in reads.rewalk_record(audit.id).unchecked_locations]
    summary = summarise_walk(audit, locations, table, level_names(checklist), unchecked)
    return summary.model_copy(update={"school_key": audit_school_key(reads, audit)})


def audit_school_key(reads: Any, audit: Audit) -> str:
    """The audit's school key as its list row gives it (the school record once it has one)."""
    row = next((row for row in reads.list_audits() if row.id == audit.id), None)
    return school_key(row if row is not None else audit)


def same_school_audit_ids(reads: Any, audit: Audit) -> list[str]:
    """Ids of every held audit of the audit's school (itself included)."""
    key = audit_school_key(reads, audit)
    return [row.id for row in reads.list_audits() if school_key(row) == key]


def school_walks(
    reads: Any, audit: Audit, summarise: Callable[[Audit], WalkSummary] | None = None
) -> list[WalkSummary]:
    """Every walk of the audit's school, oldest first: held ones and kept summaries.
    `summarise` gives a held walk's summary (a page passes one that reuses its cached tables)."""
    held = []
    for audit_id in same_school_audit_ids(reads, audit):
        other = audit if audit_id == audit.id else reads.get_audit(audit_id)
        if summarise is not None:
            held.append(summarise(other))
        else:
            held.append(summary_of(reads, other, checklist_from_pin(other.checklist)))
    kept = _kept_summaries(reads, audit, {walk.audit_id for walk in held})
    return sorted(held + kept, key=lambda walk: walk.walk_at)


def school_walk_count(reads: Any, audit: Audit) -> int:
    """How many walks `school_walks` gives, without summarising any: a page shows the trend
    only from two walks on, and most schools have walked once."""
    held = set(same_school_audit_ids(reads, audit))
    return len(held) + len(_kept_summaries(reads, audit, held))


def _kept_summaries(reads: Any, audit: Audit, held_ids: set[str]) -> list[WalkSummary]:
    """The kept summaries of the school's walks no longer held (deleted after retention)."""
    key = audit_school_key(reads, audit)
    return [w for w in reads.list_walk_summaries(key) if w.audit_id not in held_ids]


HELD, MISSING, NONE = "held", "missing", "none"


def previous_walk_link(reads: Any, audit: Audit) -> str:
    """Whether the walk this one re-walks is held here: "held", "missing" (deleted, or only
    this walk was restored) or "none" (not a re-walk)."""
    if audit.previous_audit_id is None:
        return NONE
    held = {row.id for row in reads.list_audits()}
    return HELD if audit.previous_audit_id in held else MISSING


def missing_origins(reads: Any, rewalk: RewalkRecord) -> int:
    """How many carried-over actions link to an audit no longer held here."""
    held = {row.id for row in reads.list_audits()}
    return sum(action.origin_audit_id not in held for action in rewalk.carried_actions)


def comparison_for(
    reads: Any, audit: Audit, checklist: Checklist, table: pd.DataFrame | None = None
) -> Comparison | None:
    """The since-last-walk comparison of a re-walk (None for a first walk). It works from the
    copies carried with this walk, so it needs nothing of the previous walk to be held. Pass
    the audit's scored `table` when one is at hand, so its findings are not read and scored
    again."""
    if audit.previous_audit_id is None:
        return None
    return compare_walks(
        audit,
        reads.list_locations(audit.id),
        reads.findings_for_scoring(audit.id) if table is None else [],
        reads.rewalk_record(audit.id),
        checklist,
        current=table,
    )
