"""The consultant's portfolio: every school they cover, one row each, from the audits on file.

A county DPO covers dozens of schools and needs to see at a glance which are due a walk, which
have overdue actions and how bad what is still open is, without opening each audit. Each row
is built from the school's walks: the latest one gives the actions, the worst open level on each
side and the proportionate and good-practice counts; all of them give the small trend.

Until schools are records of their own, audits belong to a school by its name (`school_key`, the
one place that decides it). The next walk is due a set number of months after the last one
(`DATAWALK_WALK_INTERVAL_MONTHS`, yearly by default). Pure core: reads go through the services'
`Reads`, no streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from datawalk.actions import CLOSED_STATUSES, PROPORTIONATE, is_overdue
from datawalk.models import Action, Audit, AuditStatus, Finding
from datawalk.privacy.retention import add_months
from datawalk.services import AuditSummary, Reads
from datawalk.vocabulary import Checklist, Level

SIDES = ("privacy", "safeguarding")
SCORE_COLUMNS = ["finding_id", "privacy_level_index", "safeguarding_level_index", "classification"]


def school_key(name: str) -> str:
    """Return the key that groups audits into one school: its name, ignoring case and spacing.

    The one place that decides which walks are the same school, until schools are records.
    """
    return " ".join(name.split()).casefold()


def group_by_school(summaries: Iterable[AuditSummary]) -> dict[str, list[AuditSummary]]:
    """Return each school's audits, newest walk first, keyed by `school_key`."""
    groups: dict[str, list[AuditSummary]] = {}
    for summary in summaries:
        groups.setdefault(school_key(summary.school_name), []).append(summary)
    for walks in groups.values():
        walks.sort(key=lambda s: (s.walk_at, s.created_at), reverse=True)
    return groups


@dataclass(frozen=True)
class WalkLevels:
    """One walk's worst level on each side over all its findings (None: nothing scored)."""

    audit_id: str
    walk_on: date
    checklist_hash: str
    privacy: Level | None
    safeguarding: Level | None
    privacy_index: int | None
    safeguarding_index: int | None


@dataclass(frozen=True)
class Trend:
    """A school's walks oldest first, and which way the last two went on each side.

    A direction is "better", "same" or "worse"; "first walk" when there is only one; and
    "checklist changed" when the two walks were scored with different checklists, whose levels
    are never compared directly.
    """

    walks: tuple[WalkLevels, ...]
    privacy: str
    safeguarding: str

    def text(self) -> str:
        """The trend in words, e.g. "Privacy High → Medium (better) · Safeguarding …"."""
        parts = []
        for side in SIDES:
            names = [_name(getattr(walk, side)) for walk in self.walks]
            parts.append(f"{side.capitalize()} {' → '.join(names)} ({getattr(self, side)})")
        return " · ".join(parts)


def _name(level: Level | None) -> str:
    return level.name if level is not None else "none"


def walk_trend(walks: Sequence[WalkLevels]) -> Trend:
    """Return the trend of a school's walks (any order): the one place that judges direction."""
    ordered = tuple(sorted(walks, key=lambda walk: walk.walk_on))
    return Trend(ordered, *(_direction(ordered, side) for side in SIDES))


def _direction(walks: Sequence[WalkLevels], side: str) -> str:
    if len(walks) < 2:
        return "first walk"
    before, after = walks[-2], walks[-1]
    if before.checklist_hash != after.checklist_hash:
        return "checklist changed"
    old = getattr(before, f"{side}_index")
    new = getattr(after, f"{side}_index")
    old, new = -1 if old is None else old, -1 if new is None else new
    return "same" if old == new else "better" if new < old else "worse"


@dataclass(frozen=True)
class OpenAction:
    """An action still open: what the reminders and the calendar need, nothing more."""

    action: Action
    references: tuple[str, ...]


@dataclass(frozen=True)
class SchoolRow:
    """One school in the portfolio, as of `today`."""

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


def walk_levels(audit: Audit, scores: pd.DataFrame, checklist: Checklist) -> WalkLevels:
    """Return the walk's worst level on each side over every finding."""
    worst = {side: _worst(scores[f"{side}_level_index"]) for side in SIDES}
    return WalkLevels(
        audit_id=audit.id,
        walk_on=audit.walk_at.date(),
        checklist_hash=audit.checklist.content_hash,
        privacy=_level(checklist, worst["privacy"]),
        safeguarding=_level(checklist, worst["safeguarding"]),
        privacy_index=worst["privacy"],
        safeguarding_index=worst["safeguarding"],
    )


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
    levels = [walk_levels(audit, scores, checklist)]
    for summary in walks[1:]:
        earlier = reads.get_audit_rules(summary.id)
        earlier_checklist = checklist_of(earlier)
        earlier_scores = scored_findings(
            earlier, reads.findings_for_scoring(summary.id), earlier_checklist
        )
        levels.append(walk_levels(earlier, earlier_scores, earlier_checklist))
    actions = reads.list_actions(latest.id)
    references = {finding.id: finding.reference or "" for finding in findings}
    still_open = open_finding_ids(findings, scores, actions)
    open_scores = scores[scores["finding_id"].isin(still_open)]
    worst = {side: _worst(open_scores[f"{side}_level_index"]) for side in SIDES}
    open_actions = [a for a in actions if a.status not in CLOSED_STATUSES]
    next_due = add_months(latest.walk_at, interval_months).date()
    return SchoolRow(
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
        trend=walk_trend(levels),
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


def build_portfolio(
    reads: Reads,
    today: date,
    interval_months: int,
    checklist_of: Callable[[Audit], Checklist] | None = None,
) -> list[SchoolRow]:
    """Return one row per school on file, by school name.

    `checklist_of` parses an audit's pinned checklist (the pages pass their cached one).
    """
    if checklist_of is None:
        from datawalk.checklist import checklist_of_stored_pin

        def checklist_of(audit: Audit) -> Checklist:
            return checklist_of_stored_pin(audit.checklist)

    groups = group_by_school(reads.list_audits())
    rows = [
        school_row(reads, walks, today, interval_months, checklist_of) for walks in groups.values()
    ]
    return sort_rows(rows, "school")


SORTS: dict[str, tuple[str, Callable[[SchoolRow], object]]] = {
    "due": ("Next walk due", lambda row: (row.next_walk_due, school_key(row.school))),
    "overdue": ("Most overdue actions", lambda row: (-row.overdue_actions, school_key(row.school))),
    "worst": ("Worst open level", lambda row: (-row.worst_index, school_key(row.school))),
    "last_walk": ("Last walk, oldest first", lambda row: (row.last_walk, school_key(row.school))),
    "school": ("School name", lambda row: school_key(row.school)),
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
    wanted = school_key(text)
    return [
        row
        for row in rows
        if wanted in school_key(row.school)
        and (row.overdue_actions > 0 or not overdue_actions_only)
        and (walk_due_by is None or row.next_walk_due <= walk_due_by)
        and (row.concern or not concern_only)
    ]
