"""The scored table of an audit's next version from its last one: after a save only the findings
that changed are read and scored again; their rows are put in place of the old ones, and the
columns that compare findings with each other (rank, "1 of 23", titles) are worked out again
over the whole table. The result is the table `scored_table` would build from scratch.

The table is built afresh when what every row depends on changed (the pinned checklist, the walk
date, a place's name, floor or type), when there is no table yet, or when many findings changed.
Pure pandas over the store's reads: no streamlit. The pages keep the last table of each audit
(`KeptTables`) and hand it back here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import pandas as pd

from datawalk.models import Audit, Finding, Location
from datawalk.scored_table import (
    Wordings,
    place_columns,
    scored_rows,
    scored_table,
    with_table_columns,
)
from datawalk.scoring import walk_date
from datawalk.vocabulary import Checklist

# More changed findings than this share of the audit: reading them all is as quick.
MAX_CHANGED_SHARE = 0.25
Stamp = tuple[str, int, Any]  # a finding's id, version and last change


class FindingReads(Protocol):
    def finding_stamps(self, audit_id: str) -> list[Stamp]: ...
    def findings_by_ids(self, audit_id: str, finding_ids: Sequence[str]) -> list[Finding]: ...
    def list_findings(self, audit_id: str) -> list[Finding]: ...


@dataclass(frozen=True)
class BuiltTable:
    """A scored table with what it was built from. `stamps` were read before the findings, so
    a row is never older than its stamp: a finding changed meanwhile is read again next time."""

    table: pd.DataFrame
    findings: tuple[Finding, ...]
    stamps: frozenset[Stamp]
    checklist: Checklist
    day: date
    places: dict[str, tuple[str, str | None, str, str, str]]
    wordings: Wordings  # the titles' options, worded once for this checklist and these places


def build_table(
    reads: FindingReads,
    audit: Audit,
    locations: Sequence[Location],
    checklist: Checklist,
    previous: BuiltTable | None = None,
    max_changed_share: float = MAX_CHANGED_SHARE,
) -> BuiltTable:
    """Return the audit's scored table now, from `previous` when it can be brought up to date by
    reading and scoring only the findings that changed since, else from scratch."""
    stamps = reads.finding_stamps(audit.id)
    places = place_columns(audit, locations, checklist)
    day = walk_date(audit)
    if _reusable(previous, checklist, day, places) and stamps:
        assert previous is not None
        known = {finding.id for finding in previous.findings}
        changed = [s[0] for s in stamps if s not in previous.stamps or s[0] not in known]
        if len(changed) <= max_changed_share * len(stamps):
            spliced = _spliced(reads, audit, locations, checklist, previous, stamps, changed)
            if spliced is not None:
                table, findings = spliced
                return BuiltTable(
                    table, findings, frozenset(stamps), checklist, day, places, previous.wordings
                )
    found = reads.list_findings(audit.id)
    table = scored_table(audit, found, locations, checklist)
    return BuiltTable(table, tuple(found), frozenset(stamps), checklist, day, places, {})


def _reusable(
    previous: BuiltTable | None, checklist: Checklist, day: date, places: dict[str, Any]
) -> bool:
    """True when every unchanged row of `previous` is still right as it stands."""
    return (
        previous is not None
        and checklist.scoring is not None
        and previous.checklist is checklist
        and previous.day == day
        and previous.places == places
        and len(previous.findings) > 0
    )


def _spliced(
    reads: FindingReads,
    audit: Audit,
    locations: Sequence[Location],
    checklist: Checklist,
    previous: BuiltTable,
    stamps: Sequence[Stamp],
    changed: Sequence[str],
) -> tuple[pd.DataFrame, tuple[Finding, ...]] | None:
    """The table with the changed findings read and scored again, in the stamps' (reference)
    order; None when a finding changed or went while it was read (the caller reads them all)."""
    fresh = reads.findings_by_ids(audit.id, changed) if changed else []
    if [finding.id for finding in fresh] != list(changed):
        return None
    old_rows = {finding.id: row for row, finding in enumerate(previous.findings)}
    new_rows = {finding.id: len(previous.findings) + row for row, finding in enumerate(fresh)}
    rows = [new_rows[stamp[0]] if stamp[0] in new_rows else old_rows[stamp[0]] for stamp in stamps]
    if not fresh and rows == list(range(len(previous.findings))):
        return previous.table, previous.findings  # nothing to redo: shared read-only
    every = previous.findings + tuple(fresh)
    findings = tuple(every[row] for row in rows)
    parts = [previous.table]
    if fresh:
        parts.append(scored_rows(audit, fresh, locations, checklist))
    combined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else previous.table
    frame = combined.take(rows)  # a new frame: its index is set, not copied again
    frame.index = pd.RangeIndex(len(frame))
    return with_table_columns(frame, findings, checklist, previous.wordings), findings


class KeptTables:
    """The last table built for each of a few (database, audit) pairs, the oldest forgotten
    first: what `build_table` starts from on the next version."""

    def __init__(self, max_entries: int = 8) -> None:
        self._max = max_entries
        self._kept: OrderedDict[tuple[str | None, str], BuiltTable] = OrderedDict()
        self._lock = threading.Lock()

    def update(
        self,
        key: tuple[str | None, str],
        build: Callable[[BuiltTable | None], BuiltTable],
    ) -> BuiltTable:
        """Build from the kept table of `key` (or none), keep the result and return it."""
        with self._lock:
            previous = self._kept.get(key)
        built = build(previous)
        with self._lock:
            self._kept[key] = built
            self._kept.move_to_end(key)
            while len(self._kept) > self._max:
                self._kept.popitem(last=False)
        return built
