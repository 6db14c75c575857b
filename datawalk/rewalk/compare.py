"""Compare a re-walk with the walk before it, location by location.

Last time's side is the previous walk's findings as carried (structured copies), scored with
THIS walk's checklist, in memory: levels from two checklist versions are never compared, and the
previous audit and its pinned copy are untouched. When the versions differ the result says so.

Per location: last time's and this time's worst level on each side, the direction (better, same,
worse), and how many findings are new, resolved and persisting. A location not checked this time
(marked so, or none of its last-walk findings marked and nothing found) says so instead of a
direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from datawalk.errors import ValidationError
from datawalk.models import Audit, Finding, Location, RewalkItem, RewalkRecord, RewalkState
from datawalk.rewalk.carry import finding_from_snapshot, observed_on, scored_with
from datawalk.scored_table import scored_table
from datawalk.validation import validate_finding
from datawalk.vocabulary import Checklist

BETTER, SAME, WORSE, NOT_CHECKED = "better", "same", "worse", "not checked"
DIRECTION_LABELS = {BETTER: "Better", SAME: "Same", WORSE: "Worse", NOT_CHECKED: "Not checked"}
COLUMNS = [
    "location_id",
    "location",
    "floor_id",
    "floor",
    "before_privacy",
    "before_safeguarding",
    "after_privacy",
    "after_safeguarding",
    "before_privacy_index",
    "before_safeguarding_index",
    "after_privacy_index",
    "after_safeguarding_index",
    "direction",
    "new",
    "resolved",
    "persisting",
    "not_checked",
    "waiting",
]
PERSISTING = (RewalkState.STILL, RewalkState.CHANGED)


@dataclass(frozen=True)
class Comparison:
    """The since-last-walk table and what it rests on."""

    rows: pd.DataFrame
    previous_audit_id: str
    previous_version: int | None
    current_version: int
    rescored: bool
    unscored: int  # last time's findings this checklist cannot score (vocabulary gone)

    @property
    def note(self) -> str:
        """What the reader must know about how last time's levels were obtained."""
        parts = []
        if self.rescored:
            parts.append(
                f"Last walk used checklist version {self.previous_version}; its findings are "
                f"rescored here with version {self.current_version}, so both sides use the same "
                "rules. The last walk's own record is unchanged."
            )
        if self.unscored:
            parts.append(
                f"{self.unscored} of last walk's findings use terms this checklist no "
                "longer has, so they are counted but not scored."
            )
        return " ".join(parts)

    def totals(self) -> dict[str, int]:
        counts = {
            k: int(self.rows[k].sum())
            for k in ("new", "resolved", "persisting", "not_checked", "waiting")
        }
        for direction in (BETTER, SAME, WORSE, NOT_CHECKED):
            counts[direction] = int((self.rows["direction"] == direction).sum())
        return counts


def compare_walks(
    audit: Audit,
    locations: Sequence[Location],
    findings: Sequence[Finding],
    rewalk: RewalkRecord,
    checklist: Checklist,
    previous_version: int | None = None,
    current: pd.DataFrame | None = None,
) -> Comparison:
    """Return the comparison of `audit` (a re-walk) with the walk it started from.

    `previous_version` defaults to the version the carried findings say they were scored with.
    `current` is the audit's scored table of `findings` when the caller already holds it.
    """
    if previous_version is None:
        previous_version = scored_with(rewalk.items)
    if current is None:
        current = scored_table(audit, findings, locations, checklist)
    before, unscored = _previous_table(audit, locations, rewalk, checklist)
    unchecked = {u.location_id for u in rewalk.unchecked_locations}
    carried_ids = {i.new_finding_id for i in rewalk.items if i.new_finding_id}
    names = [level.name for level in checklist.scoring.levels] if checklist.scoring else []
    rows = []
    for location in locations:
        floor = audit.floor(location.floor_id) if location.floor_id else None
        items = [i for i in rewalk.items if i.location_id == location.id]
        here = current[current["location_id"] == location.id]
        was = before[before["location_id"] == location.id]
        b_p, b_s = _worst(was, "privacy_index"), _worst(was, "safeguarding_index")
        a_p, a_s = _worst(here, "privacy_index"), _worst(here, "safeguarding_index")
        skipped = location.id in unchecked or _never_looked_at(items, here)
        rows.append(
            {
                "location_id": location.id,
                "location": location.name,
                "floor_id": location.floor_id,
                "floor": floor.name if floor else "",
                "before_privacy": _name(names, b_p),
                "before_safeguarding": _name(names, b_s),
                "after_privacy": "" if skipped else _name(names, a_p),
                "after_safeguarding": "" if skipped else _name(names, a_s),
                "before_privacy_index": b_p,
                "before_safeguarding_index": b_s,
                "after_privacy_index": a_p,
                "after_safeguarding_index": a_s,
                "direction": NOT_CHECKED if skipped else direction((b_p, b_s), (a_p, a_s)),
                "new": int((~here["id"].isin(carried_ids)).sum()),
                "resolved": sum(i.state is RewalkState.RESOLVED for i in items),
                "persisting": sum(i.state in PERSISTING for i in items),
                "not_checked": sum(i.state is RewalkState.NOT_CHECKED for i in items),
                "waiting": sum(i.state is RewalkState.PENDING for i in items),
            }
        )
    return Comparison(
        rows=pd.DataFrame(rows, columns=COLUMNS),
        previous_audit_id=audit.previous_audit_id or "",
        previous_version=previous_version,
        current_version=audit.checklist.version,
        rescored=previous_version is not None and previous_version != audit.checklist.version,
        unscored=unscored,
    )


def _never_looked_at(items: list[RewalkItem], here: pd.DataFrame) -> bool:
    """A place none of whose last-walk findings was marked, with nothing found there now: it
    was not checked, so it is never shown as better."""
    untouched = (RewalkState.PENDING, RewalkState.NOT_CHECKED)
    return bool(items) and here.empty and all(item.state in untouched for item in items)


def direction(before: Iterable[int | None], after: Iterable[int | None]) -> str:
    """Worse if either side's worst level rose, better if one fell and none rose, else same.

    No findings counts as below the lowest level.
    """
    steps = [_rank(a) - _rank(b) for b, a in zip(before, after, strict=True)]
    if any(step > 0 for step in steps):
        return WORSE
    if any(step < 0 for step in steps):
        return BETTER
    return SAME


def _rank(index: int | None) -> int:
    return -1 if index is None else index


def _worst(frame: pd.DataFrame, column: str) -> int | None:
    if frame.empty or column not in frame or frame[column].isna().all():
        return None
    return int(frame[column].max())


def _name(names: list[str], index: int | None) -> str:
    return "" if index is None or index >= len(names) else names[index]


def _previous_table(
    audit: Audit, locations: Sequence[Location], rewalk: RewalkRecord, checklist: Checklist
) -> tuple[pd.DataFrame, int]:
    """Score last time's findings with this checklist as of the day they were observed."""
    scorable: list[Finding] = []
    unscored = 0
    for item in rewalk.items:
        try:
            finding = finding_from_snapshot(item, audit.id, as_previous=True)
            validate_finding(finding, checklist)
        except (ValidationError, ValueError):
            unscored += 1
            continue
        scorable.append(finding)
    day = next((observed_on(i) for i in rewalk.items if observed_on(i)), None)
    then = audit
    if day is not None:
        then = audit.model_copy(
            update={"walk_at": audit.walk_at.replace(year=day.year, month=day.month, day=day.day)}
        )
    return scored_table(then, scorable, locations, checklist), unscored


DISPLAY_COLUMNS = {
    "location": "Location",
    "floor": "Floor",
    "before_privacy": "Privacy last time",
    "after_privacy": "Privacy this time",
    "before_safeguarding": "Safeguarding last time",
    "after_safeguarding": "Safeguarding this time",
    "direction": "Direction",
    "new": "New",
    "resolved": "Resolved",
    "persisting": "Persisting",
    "not_checked": "Not checked",
    "waiting": "Not marked yet",
}
NO_FINDINGS = "None"


def comparison_display(comparison: Comparison) -> pd.DataFrame:
    """The since-last-walk table in words, for the dashboard, the workbook and the report:
    worse first, then better, same and not checked; "None" where a side had no findings."""
    rows = comparison.rows.copy()
    order = {WORSE: 0, BETTER: 1, SAME: 2, NOT_CHECKED: 3}
    rows["_order"] = rows["direction"].map(order)
    rows = rows.sort_values(["_order", "floor", "location"], kind="stable")
    for column in ("before_privacy", "before_safeguarding"):
        rows[column] = rows[column].replace("", NO_FINDINGS)
    for column in ("after_privacy", "after_safeguarding"):
        unchecked = rows["direction"] == NOT_CHECKED
        rows[column] = rows[column].mask(~unchecked & rows[column].eq(""), NO_FINDINGS)
        rows[column] = rows[column].mask(unchecked, "Not checked")
    rows["direction"] = rows["direction"].map(DIRECTION_LABELS)
    return rows[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS).reset_index(drop=True)


def not_checked_list(locations: Sequence[Location], rewalk: RewalkRecord) -> list[str]:
    """What was not checked this time, for scope and limitations: whole locations, then last
    walk's findings marked not checked elsewhere."""
    names = {location.id: location.name for location in locations}
    whole = {u.location_id for u in rewalk.unchecked_locations}
    lines = [
        f"{names[i]}: not checked this time" for i in sorted(whole, key=names.get) if i in names
    ]
    lines += [
        f"{item.previous_reference} at {names.get(item.location_id, 'a location')}: "
        "not checked this time"
        for item in rewalk.items
        if item.state is RewalkState.NOT_CHECKED and item.location_id not in whole
    ]
    return lines


EVIDENCE_LABEL = "Resolved, shown by a checked photo"


def resolved_with_photos(record: RewalkRecord | None) -> int:
    """How many of last walk's findings marked Resolved have a photo a person has checked: the
    school's evidence that they are gone or fixed (a count, so every edition gives it)."""
    if record is None:
        return 0
    return sum(
        item.state is RewalkState.RESOLVED
        and any(not photo.awaiting_review for photo in item.photos)
        for item in record.items
    )
