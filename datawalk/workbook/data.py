"""Everything a workbook shows, gathered once from an audit document: the findings joined to their
rows of the audit's one scored table (`datawalk.scored_table`), the level scale, the action plan
in rank order with each action's title, and the edition's choices.

Scores come from the scored table, built from the audit's PINNED checklist as of the walk date
(or handed in by a caller that built it already), never trusted from the document, so a workbook
always matches what the app shows. The sheet writers only read from `WorkbookData`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from datawalk.actions import ActionView, Step, describe_actions, table_steps
from datawalk.errors import ValidationError
from datawalk.models import Action, Audit, AuditDocument, Finding, Location, Photo, RewalkRecord
from datawalk.rewalk.compare import Comparison, compare_walks
from datawalk.rewalk.summary import WalkSummary
from datawalk.scored_table import scored_table
from datawalk.vocabulary import Checklist, Level
from datawalk.workbook.layout import EDITIONS, MAX_MARKING, Edition


@dataclass(frozen=True, slots=True)
class RowScores:
    """A finding's row of the scored table, as the sheets read it."""

    exposure: int
    sensitivity: int
    need: int
    availability_gap: int
    classification: str
    priority: float
    reasons: Sequence[str]
    recommendations: Sequence[Step]
    excess: Sequence[str]
    missing: Sequence[str]
    commendation: str


@dataclass(frozen=True)
class FindingView:
    """One finding as the workbook shows it: the finding, where it is, and its scores."""

    finding: Finding
    location: Location | None
    scored: RowScores
    privacy: Level | None
    safeguarding: Level | None
    privacy_index: int = -1
    safeguarding_index: int = -1

    @property
    def reference(self) -> str:
        return self.finding.reference or self.finding.id

    @property
    def classification(self) -> str:
        return self.scored.classification

    @property
    def priority(self) -> float:
        return self.scored.priority

    @property
    def exportable_photos(self) -> list[Photo]:
        """The photos a person has checked; the rest stay in the app, awaiting review."""
        return [photo for photo in self.finding.photos if not photo.awaiting_review]

    @property
    def photos_awaiting_review(self) -> int:
        return sum(photo.awaiting_review for photo in self.finding.photos)

    @property
    def worst_index(self) -> int:
        """Index of the worse of the two levels on the shared scale; -1 when unscored."""
        return max(self.privacy_index, self.safeguarding_index)


@dataclass
class WorkbookData:
    audit: Audit
    checklist: Checklist
    locations: list[Location]
    findings: list[FindingView]
    actions: list[Action]  # in rank order, as `action_views`
    edition: Edition
    marking: str
    today: date
    exported_at: datetime
    levels: list[Level] = field(default_factory=list)
    since_last: Comparison | None = None  # a re-walk's comparison with the walk before
    walks: list[WalkSummary] = field(default_factory=list)  # the school's walks, for the trend
    rewalk: RewalkRecord | None = None
    # The plan as the Action plan page shows it: rank order, each action's title and rank.
    action_views: list[ActionView] = field(default_factory=list)

    @property
    def with_notes(self) -> bool:
        """Free text and photos go only to leadership; governors get the scored picture."""
        return self.edition == "leadership"

    def location(self, location_id: str) -> Location | None:
        return self._locations.get(location_id)

    def __post_init__(self) -> None:
        self._locations = {location.id: location for location in self.locations}
        self._by_finding = {view.finding.id: view for view in self.findings}

    def view(self, finding_id: str) -> FindingView | None:
        return self._by_finding.get(finding_id)

    def references(self, action: Action) -> str:
        return ", ".join(
            view.reference for fid in action.finding_ids if (view := self.view(fid)) is not None
        )

    def action_locations(self, action: Action) -> str:
        names: dict[str, None] = {}
        for fid in action.finding_ids:
            view = self.view(fid)
            if view is not None and view.location is not None:
                names.setdefault(view.location.name, None)
        return ", ".join(names)

    def classification_counts(self) -> Counter[str]:
        return Counter(view.classification for view in self.findings)

    def level_label(self, level: Level | None) -> str:
        return level.name if level is not None else ""


def check_marking(marking: str) -> str:
    """Return the protective marking cleaned for a header; refuse what a header cannot carry.

    Raises:
        ValidationError: empty, too long or holding control characters.
    """
    text = " ".join(str(marking).split())
    if not text or len(text) > MAX_MARKING or not text.isprintable():
        raise ValidationError(
            f"The protective marking must be 1 to {MAX_MARKING} printable characters.",
            field="marking",
        )
    return text


def check_edition(edition: str) -> Edition:
    if edition not in EDITIONS:
        raise ValidationError(
            f"Edition must be one of {', '.join(EDITIONS)}; got '{edition}'.", field="edition"
        )
    return edition  # type: ignore[return-value]


def prepare(
    document: AuditDocument,
    edition: str = "leadership",
    marking: str = "OFFICIAL-SENSITIVE",
    today: date | None = None,
    checklist: Checklist | None = None,
    walks: Sequence[WalkSummary] = (),
    table: pd.DataFrame | None = None,
) -> WorkbookData:
    """Return the workbook's content for one audit document, scored with its pinned checklist.

    `walks` are the school's walks for the trend (`datawalk.rewalk.history.school_walks`).
    `table` is the document's scored table (`document_table`) when the caller built it already:
    one row per finding in the document's order; otherwise it is built here.

    Scores are as of the walk date (as everywhere in the app); `today` only decides which
    actions are overdue.
    """
    from datawalk.checklist import checklist_from_pin

    exported_at = datetime.now(UTC)
    today = today or exported_at.date()
    checklist = checklist or checklist_from_pin(document.audit.checklist)
    levels = list(checklist.scoring.levels) if checklist.scoring else []
    if table is None or list(table["id"]) != [finding.id for finding in document.findings]:
        table = document_table(document, checklist)
    views = _views(document, table, checklist, levels)
    views.sort(key=lambda view: _reference_key(view.finding))
    action_views = describe_actions(document.actions, table, today)
    return WorkbookData(
        audit=document.audit,
        checklist=checklist,
        locations=list(document.locations),
        findings=views,
        actions=[view.action for view in action_views],
        edition=check_edition(edition),
        marking=check_marking(marking),
        today=today,
        exported_at=exported_at,
        levels=levels,
        since_last=_since_last(document, checklist, table),
        walks=list(walks),
        rewalk=document.rewalk,
        action_views=action_views,
    )


def document_table(document: AuditDocument, checklist: Checklist | None = None) -> pd.DataFrame:
    """The document's scored table, one row per finding in its order: what `prepare` reads."""
    from datawalk.checklist import checklist_from_pin

    checklist = checklist or checklist_from_pin(document.audit.checklist)
    return scored_table(document.audit, document.findings, document.locations, checklist)


def _views(
    document: AuditDocument, table: pd.DataFrame, checklist: Checklist, levels: list[Level]
) -> list[FindingView]:
    """Each finding joined to its row of the scored table, column by column."""
    locations = {location.id: location for location in document.locations}
    if "classification" not in table:  # a checklist without scoring: nothing is scored
        return [
            FindingView(finding, locations.get(finding.location_id), _UNSCORED, None, None)
            for finding in document.findings
        ]
    columns = [
        table[name].tolist()
        for name in (
            "exposure",
            "sensitivity",
            "need",
            "availability_gap",
            "classification",
            "priority",
            "reasons",
            "excess",
            "missing",
            "commendation",
            "privacy_index",
            "safeguarding_index",
        )
    ]
    steps = table_steps(table, checklist)
    views = []
    rows = zip(*columns, strict=True)
    for finding, step, row in zip(document.findings, steps, rows, strict=True):
        exposure, sensitivity, need, gap, classification, priority = row[:6]
        reasons, excess, missing, commendation, privacy, safeguarding = row[6:]
        scores = RowScores(
            int(exposure),
            int(sensitivity),
            int(need),
            int(gap),
            str(classification),
            float(priority),
            reasons,
            step,
            excess,
            missing,
            str(commendation or ""),
        )
        views.append(
            FindingView(
                finding=finding,
                location=locations.get(finding.location_id),
                scored=scores,
                privacy=levels[privacy] if 0 <= privacy < len(levels) else None,
                safeguarding=levels[safeguarding] if 0 <= safeguarding < len(levels) else None,
                privacy_index=int(privacy),
                safeguarding_index=int(safeguarding),
            )
        )
    return views


_UNSCORED = RowScores(0, 0, 0, 0, "", 0.0, [], [], [], [], "")


def _since_last(
    document: AuditDocument, checklist: Checklist, table: pd.DataFrame
) -> Comparison | None:
    """A re-walk's comparison with the walk before it, from the copies it carries; this walk's
    side is the scored table in hand."""
    if document.audit.previous_audit_id is None or document.rewalk is None:
        return None
    return compare_walks(
        document.audit,
        document.locations,
        document.findings,
        document.rewalk,
        checklist,
        current=table,
    )


def _reference_key(finding: Finding) -> tuple[int, str]:
    reference = finding.reference or ""
    digits = reference.removeprefix("F-")
    return (int(digits) if digits.isdigit() else 10**9, finding.id)
