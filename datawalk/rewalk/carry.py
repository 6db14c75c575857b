"""Last walk's findings as structured copies: what a re-walk carries, and what it never does.

A copy keeps every structured field (categories, audiences, reach, controls, review date …) and
the title if retention has not emptied it. It never keeps photos, notes, the good-practice note,
ids or timestamps: "still as it was" is a new observation, dated today.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from datawalk.models import Finding, RewalkItem

# Dropped from every copy: personal or free-text detail, and what makes a record that record.
SNAPSHOT_DROPPED = frozenset(
    {
        "id",
        "audit_id",
        "location_id",
        "reference",
        "notes",
        "good_practice_note",
        "photos",
        "created_at",
        "updated_at",
        "version",
    }
)
OBSERVED_ON = "observed_on"  # the previous walk's date, kept beside the fields
SCORED_WITH = "checklist_version"  # the checklist version the previous walk was scored with


def snapshot_of(finding: Finding, walk_date: date, checklist_version: int) -> dict[str, Any]:
    """Return the finding's structured fields as JSON, with when it was observed and the
    checklist version it was scored with then."""
    data = finding.model_dump(mode="json", exclude=set(SNAPSHOT_DROPPED))
    data[OBSERVED_ON] = walk_date.isoformat()
    data[SCORED_WITH] = checklist_version
    return data


def scored_with(items: list[RewalkItem]) -> int | None:
    """The checklist version last walk was scored with, as its carried findings say."""
    versions = {i.previous.get(SCORED_WITH) for i in items} - {None}
    return int(max(versions)) if versions else None


def observed_on(item: RewalkItem) -> date | None:
    value = item.previous.get(OBSERVED_ON)
    return date.fromisoformat(value) if value else None


def finding_from_snapshot(item: RewalkItem, audit_id: str, *, as_previous: bool = False) -> Finding:
    """Return the copy as a new finding of this walk at the item's location (not yet stored).

    `as_previous` keeps the previous finding's id and reference, to score last time's side.
    """
    fields = {k: v for k, v in item.previous.items() if k in Finding.model_fields}
    fields |= {"audit_id": audit_id, "location_id": item.location_id, "evidence": "observed"}
    if as_previous:
        evidence = item.previous.get("evidence", "observed")
        fields |= {"id": item.previous_finding_id, "evidence": evidence}
        if item.previous_reference.startswith("F-"):
            fields["reference"] = item.previous_reference
    return Finding.model_validate(fields)
