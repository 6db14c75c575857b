"""The consultant's portfolio: every school they cover, one row each, from the audits on file.

A county DPO covers dozens of schools and needs to see at a glance which are due a walk, which
have overdue actions and how bad what is still open is, without opening each audit. Each row
is built from the school's walks: the latest one gives the actions, the worst open level on each
side and the proportionate and good-practice counts; all of them give the small trend.

Only the schools in the signed-in user's scope are listed (`in_scope`). Which walks are one
school's is decided by the re-walk's `school_key` (the school's record); the trend is the
re-walk's history of that school, walks kept only as summaries after retention included. The
next walk is due a set number of months after the last (`DATAWALK_WALK_INTERVAL_MONTHS`, yearly
by default). Pure core: reads go through the services' `Reads`, no streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from datawalk.actions import CLOSED_STATUSES, PROPORTIONATE, is_overdue
from datawalk.models import Action, Audit, AuditStatus, Finding
from datawalk.privacy.retention import add_months
from datawalk.rewalk.compare import direction
from datawalk.rewalk.history import school_walks
from datawalk.rewalk.summary import WalkSummary, school_key
from datawalk.services import Actor, AuditSummary, Reads
from datawalk.vocabulary import Checklist, Level

SIDES = ("privacy", "safeguarding")
SCORE_COLUMNS = ["finding_id", "privacy_level_index", "safeguarding_level_index", "classification"]


def _words(text: str) -> str:
    """Text without case or extra spaces, for searching and ordering by name."""
    return " ".join(text.split()).casefold()


def group_by_school(summaries: Iterable[AuditSummary]) -> dict[str, list[AuditSummary]]:
    """Return each school's audits, newest walk first, keyed by the re-walk's `school_key` (the
    one place that decides whether two walks are of the same school)."""
    groups: dict[str, list[AuditSummary]] = {}
    for summary in summaries:
        groups.setdefault(school_key(summary), []).append(summary)
    for walks in groups.values():
        walks.sort(key=lambda s: (s.walk_at, s.created_at), reverse=True)
    return groups


@dataclass(frozen=True)
class WalkLevels:
    """One walk's worst level on each side over the locations checked, as scored with its own
    checklist (whose id, version and level names it keeps); None: no findings."""

    audit_id: str
    walk_on: date
    checklist: tuple[str, int]
    levels: tuple[str, ...]
    privacy: int | None
    safeguarding: int | None

    def name(self, side: str) -> str:
        index = getattr(self, side)
        return "none" if index is None or index >= len(self.levels) else self.levels[index]


def walk_levels(walk: WalkSummary) -> WalkLevels:
    """Reduce a walk's per-location summary (held, or kept after retention) to its worst levels."""
    checked = [location for location in walk.locations if not location.not_checked]
    worst = {}
    for side in SIDES:
        indices = [getattr(loc, f"worst_{side}") for loc in checked]
        worst[side] = max((i for i in indices if i is not None), default=None)
    return WalkLevels(
        audit_id=walk.audit_id,
        walk_on=walk.walk_at.date(),
        checklist=(walk.checklist_id, walk.checklist_version),
        levels=tuple(walk.levels),
        privacy=worst["privacy"],
        safeguarding=worst["safeguarding"],
    )


@dataclass(frozen=True)
class Trend:
    """A school's walks oldest first, and which way the last two went.

    The direction is the comparison's own ("better", "same", "worse": worse when either side's
    worst level rose); "first walk" when there is only one; "checklist changed" when the two were
    scored with different checklist versions, whose levels are never compared directly.
    """

    walks: tuple[WalkLevels, ...]
    direction: str

    def text(self) -> str:
        """The trend in words: "Mar 2025 High / Medium → Mar 2026 Medium / Low (better)"."""
        steps = [
            f"{walk.walk_on:%b %Y} {walk.name('privacy')} / {walk.name('safeguarding')}"
            for walk in self.walks
        ]
        return f"{' → '.join(steps)} ({self.direction})"


def walk_trend(walks: Sequence[WalkLevels]) -> Trend:
    """Return the trend of a school's walks (any order), judged by the comparison's `direction`."""
    ordered = tuple(sorted(walks, key=lambda walk: walk.walk_on))
    if len(ordered) < 2:
        return Trend(ordered, "first walk")
    before, after = ordered[-2], ordered[-1]
    if before.checklist != after.checklist:
        return Trend(ordered, "checklist changed")
    sides = [(getattr(before, side), getattr(after, side)) for side in SIDES]
    return Trend(ordered, direction([b for b, _ in sides], [a for _, a in sides]))


@dataclass(frozen=True)
class OpenAction:
    """An action still open: what the reminders and the calendar need, nothing more."""

    action: Action
    references: tuple[str, ...]


@dataclass(frozen=True)
class SchoolRow:
    """One school in the portfolio, as of `today`."""

    key: str  # which walks are this school's (`school_key`)
    school: str
    site: str
    latest_audit_id: str
    latest_status: AuditStatus
    last_walk: date
    next_walk_due: date
    walk_overdue: bool
    walks: int
    findings: int
    open_actions: int
    overdue_actions: int
    worst_privacy: Level | None
    worst_safeguarding: Level | None
    worst_index: int
    # A side of what is still open is at or above the checklist's concern level.
    concern: bool
    proportionate: int
    good_practice: int
    trend: Trend
    actions: tuple[OpenAction, ...] = ()
    # (reference, review date) of the latest walk's findings that carry a review date.
    review_dates: tuple[tuple[str, date], ...] = field(default=())


def scored_findings(
    audit: Audit, findings: Sequence[Finding], checklist: Checklist
) -> pd.DataFrame:
    """Return each finding's level indices and classification, as of the walk (empty when the
    checklist has no scoring or there are no findings)."""
    from datawalk.scoring import findings_to_frame, score_frame, walk_date

    if checklist.scoring is None or not findings:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    scores = score_frame(findings_to_frame(findings), checklist, walk_date(audit))
    return scores[SCORE_COLUMNS]


def _worst(indices: pd.Series) -> int | None:
    return None if indices.empty else int(indices.max())


def _level(checklist: Checklist, index: int | None) -> Level | None:
    if index is None or checklist.scoring is None:
        return None
    return checklist.scoring.levels[index]


def _concern(checklist: Checklist, indices: Iterable[int | None]) -> bool:
    if checklist.scoring is None:
        return False
    threshold = checklist.scoring.thresholds.concern_level
    return any(index is not None and index >= threshold for index in indices)


def open_finding_ids(
    findings: Sequence[Finding], scores: pd.DataFrame, actions: Sequence[Action]
) -> set[str]:
    """Findings that still need something done: not proportionate, not good practice, and not
    settled by a done or risk-accepted action (unless an open action covers them too)."""
    good = {finding.id for finding in findings if finding.good_practice}
    needing = {
        str(fid)
        for fid, kind in zip(scores["finding_id"], scores["classification"], strict=True)
        if kind != PROPORTIONATE and fid not in good
    }
    settled = {fid for a in actions if a.status in CLOSED_STATUSES for fid in a.finding_ids}
    still_open = {fid for a in actions if a.status not in CLOSED_STATUSES for fid in a.finding_ids}
    return needing - (settled - still_open)


def school_row(
    reads: Reads,
    walks: Sequence[AuditSummary],
    today: date,
    interval_months: int,
    checklist_of: Callable[[Audit], Checklist],
) -> SchoolRow:
    """Return the portfolio row of one school from its audits, newest walk first."""
    latest = walks[0]
    audit = reads.get_audit_rules(latest.id)
    checklist = checklist_of(audit)
    findings = reads.findings_for_scoring(latest.id)
    scores = scored_findings(audit, findings, checklist)
    actions = reads.list_actions(latest.id)
    references = {finding.id: finding.reference or "" for finding in findings}
    still_open = open_finding_ids(findings, scores, actions)
    open_scores = scores[scores["finding_id"].isin(still_open)]
    worst = {side: _worst(open_scores[f"{side}_level_index"]) for side in SIDES}
    open_actions = [a for a in actions if a.status not in CLOSED_STATUSES]
    next_due = add_months(latest.walk_at, interval_months).date()
    return SchoolRow(
        key=school_key(latest),
        school=latest.school_name,
        site=latest.site_name,
        latest_audit_id=latest.id,
        latest_status=AuditStatus(latest.status),
        last_walk=latest.walk_at.date(),
        next_walk_due=next_due,
        walk_overdue=next_due < today,
        walks=len(walks),
        findings=len(findings),
        open_actions=len(open_actions),
        overdue_actions=sum(is_overdue(action, today) for action in open_actions),
        worst_privacy=_level(checklist, worst["privacy"]),
        worst_safeguarding=_level(checklist, worst["safeguarding"]),
        worst_index=max((i for i in worst.values() if i is not None), default=-1),
        concern=_concern(checklist, worst.values()),
        proportionate=int((scores["classification"] == PROPORTIONATE).sum()),
        good_practice=sum(finding.good_practice for finding in findings),
        trend=walk_trend([walk_levels(walk) for walk in school_walks(reads, audit)]),
        actions=tuple(
            OpenAction(a, tuple(references.get(fid, "") for fid in a.finding_ids))
            for a in open_actions
        ),
        review_dates=tuple(
            (finding.reference or "", finding.review_date)
            for finding in findings
            if finding.review_date is not None
        ),
    )


def in_scope(summaries: Iterable[AuditSummary], actor: Actor) -> list[AuditSummary]:
    """The audits of the schools in the actor's scope (every school for an admin, and for the
    one local user until accounts exist)."""
    return [summary for summary in summaries if actor.sees_school(summary.school_id)]


def build_portfolio(
    reads: Reads,
    today: date,
    interval_months: int,
    checklist_of: Callable[[Audit], Checklist] | None = None,
    actor: Actor | None = None,
) -> list[SchoolRow]:
    """Return one row per school in the actor's scope (every school without one), by name.

    `checklist_of` parses an audit's pinned checklist (the pages pass their cached one).
    """
    if checklist_of is None:
        from datawalk.checklist import checklist_of_stored_pin

        def checklist_of(audit: Audit) -> Checklist:
            return checklist_of_stored_pin(audit.checklist)

    summaries = reads.list_audits()
    groups = group_by_school(summaries if actor is None else in_scope(summaries, actor))
    rows = [
        school_row(reads, walks, today, interval_months, checklist_of) for walks in groups.values()
    ]
    return sort_rows(rows, "school")


SORTS: dict[str, tuple[str, Callable[[SchoolRow], Any]]] = {
    "due": ("Next walk due", lambda row: (row.next_walk_due, _words(row.school))),
    "overdue": ("Most overdue actions", lambda row: (-row.overdue_actions, _words(row.school))),
    "worst": ("Worst open level", lambda row: (-row.worst_index, _words(row.school))),
    "last_walk": ("Last walk, oldest first", lambda row: (row.last_walk, _words(row.school))),
    "school": ("School name", lambda row: _words(row.school)),
}


def sort_rows(rows: Iterable[SchoolRow], by: str) -> list[SchoolRow]:
    """Return the rows in the order named by a `SORTS` key."""
    return sorted(rows, key=SORTS[by][1])


def filter_rows(
    rows: Iterable[SchoolRow],
    *,
    text: str = "",
    overdue_actions_only: bool = False,
    walk_due_by: date | None = None,
    concern_only: bool = False,
) -> list[SchoolRow]:
    """Keep the rows matching every filter given: a name search, overdue actions, a walk due
    by a date, an open level of concern."""
    wanted = _words(text)
    return [
        row
        for row in rows
        if wanted in _words(row.school)
        and (row.overdue_actions > 0 or not overdue_actions_only)
        and (walk_due_by is None or row.next_walk_due <= walk_due_by)
        and (row.concern or not concern_only)
    ]
