"""A walk reduced to what the trend needs: per location, its number of findings and its worst
level on each side. It holds no personal data (no notes, photos, titles or names of people), so
it is what is kept of a walk once its records reach the end of their retention.

`school_key` is the one place that decides whether two walks are of the same school.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from datawalk.models import Audit, Location


def school_key(audit: Audit | Any) -> str:
    """Return what identifies an audit's school across walks.

    The school's record (`school_id`) when the audit has one, else its name without case or
    extra spaces. Takes an `Audit` or anything with `school_id` / `school_name` (a summary row).
    """
    school_id = getattr(audit, "school_id", None)
    if school_id:
        return f"id:{school_id}"
    name = audit.school.name if isinstance(audit, Audit) else getattr(audit, "school_name", "")
    return "name:" + " ".join(str(name).split()).casefold()


class LocationSummary(BaseModel):
    """One location of a walk: findings counted, worst level index on each side (None: none)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    floor: str = ""
    findings: int = 0
    worst_privacy: int | None = None
    worst_safeguarding: int | None = None
    not_checked: bool = False


class WalkSummary(BaseModel):
    """One walk for the trend: when, scored with which checklist version, its locations."""

    model_config = ConfigDict(extra="forbid")

    audit_id: str
    school_key: str
    school_name: str
    walk_at: datetime
    checklist_id: str
    checklist_version: int
    levels: list[str] = Field(description="Level names of that checklist, lowest first")
    locations: list[LocationSummary] = Field(default_factory=list)
    held: bool = Field(default=True, description="False: only this summary remains")

    def worst_counts(self) -> dict[str, int]:
        """Locations at each worst level (the higher of the two sides), by level name."""
        counts = dict.fromkeys(self.levels, 0)
        for location in self.locations:
            both = (location.worst_privacy, location.worst_safeguarding)
            sides = [x for x in both if x is not None]
            if sides and not location.not_checked:
                counts[self.levels[max(sides)]] += 1
        return counts


def location_key(name: str, floor: str) -> tuple[str, str]:
    """Match a location across walks by its name and floor (a re-walk copies both)."""
    return (" ".join(name.split()).casefold(), " ".join(floor.split()).casefold())


def summarise_walk(
    audit: Audit,
    locations: Iterable[Location],
    table: pd.DataFrame,
    levels: list[str],
    unchecked: Iterable[str] = (),
) -> WalkSummary:
    """Return the walk's summary from its scored table (`datawalk.scored_table`)."""
    skipped = set(unchecked)
    rows = []
    has_scores = "privacy_index" in table and not table.empty
    grouped = table.groupby("location_id") if has_scores else None
    for location in locations:
        floor = audit.floor(location.floor_id) if location.floor_id else None
        found = grouped is not None and location.id in grouped.groups
        here = grouped.get_group(location.id) if found else None
        rows.append(
            LocationSummary(
                name=location.name,
                floor=floor.name if floor else "",
                findings=0 if here is None else len(here),
                worst_privacy=None if here is None else int(here["privacy_index"].max()),
                worst_safeguarding=None if here is None else int(here["safeguarding_index"].max()),
                not_checked=location.id in skipped,
            )
        )
    return WalkSummary(
        audit_id=audit.id,
        school_key=school_key(audit),
        school_name=audit.school.name,
        walk_at=audit.walk_at,
        checklist_id=audit.checklist.id,
        checklist_version=audit.checklist.version,
        levels=levels,
        locations=rows,
    )
