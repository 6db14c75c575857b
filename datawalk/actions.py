"""The action plan: one action per finding that needs one, merged where one fix covers several.

Owns the rules a leader relies on when reading the plan: which findings get a default action
(every one that is not proportionate and not good practice), what it says (the scoring's
recommendation and suggested owner role), when it is due (a priority band: the checklist's
`scoring.priority.due_days`), when risk acceptance is complete, and when an action is overdue.
It raises `ValidationError` and never touches Streamlit or the store: `datawalk.services.actions`
saves, merges and syncs actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import pandas as pd

from datawalk.action_titles import title_options
from datawalk.errors import ValidationError
from datawalk.models import Action, ActionStatus, Audit, Finding

if TYPE_CHECKING:
    from datawalk.vocabulary import Checklist, DueBand

PROPORTIONATE = "proportionate"

STATUS_LABELS: dict[ActionStatus, str] = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.RISK_ACCEPTED: "Risk accepted",
}
CLOSED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.RISK_ACCEPTED})


class Scored(Protocol):
    """What the action plan needs from a scored finding (see `datawalk.scoring`), read-only."""

    @property
    def finding_id(self) -> str: ...

    @property
    def classification(self) -> str: ...

    @property
    def priority(self) -> float: ...

    @property
    def recommendations(self) -> Sequence[Any]: ...


class Step(NamedTuple):
    """One recommendation of a finding as the plan words it: the checklist rule's action and the
    role it suggests as owner (what `Scored.recommendations` holds)."""

    rule_id: str
    action: str
    owner: str


@dataclass(frozen=True)
class TableScore:
    """A finding's row of the one scored table (`datawalk.scored_table`), as the plan reads a
    score (`Scored`): keeping the plan in step after an export has scored the audit reads these
    rather than scoring every finding again."""

    finding_id: str
    classification: str
    priority: float
    recommendations: Sequence[Step]


def table_steps(table: pd.DataFrame, checklist: Checklist) -> list[list[Step]]:
    """Each row's recommendations, from the rules the scorer chose (`rule_ids`), in its order."""
    rules = {rule.id: rule for rule in checklist.scoring.rules} if checklist.scoring else {}
    if "rule_ids" not in table:
        return [[] for _ in range(len(table))]
    made: dict[tuple[str, ...], list[Step]] = {}
    steps = []
    for ids in table["rule_ids"]:
        key = tuple(ids)
        if key not in made:
            made[key] = [Step(i, rules[i].action, rules[i].owner) for i in key]
        steps.append(made[key])
    return steps


def table_scores(table: pd.DataFrame, checklist: Checklist) -> list[TableScore]:
    """The scored table's rows as scores the plan reads, in the table's order."""
    if "classification" not in table:
        return []
    return [
        TableScore(str(finding_id), str(classification), float(priority), steps)
        for finding_id, classification, priority, steps in zip(
            table["id"],
            table["classification"],
            table["priority"],
            table_steps(table, checklist),
            strict=True,
        )
    ]


def status_label(status: ActionStatus | str) -> str:
    return STATUS_LABELS[ActionStatus(status)]


def parse_status(text: str) -> ActionStatus:
    """Return the status named by a label ("Risk accepted") or an id ("risk_accepted").

    Raises:
        ValidationError: the text is neither, naming the allowed labels.
    """
    wanted = " ".join(str(text).replace("_", " ").split()).casefold()
    for status, label in STATUS_LABELS.items():
        if wanted == label.casefold():
            return status
    allowed = ", ".join(STATUS_LABELS.values())
    raise ValidationError(f"'{text}' is not a status; use one of: {allowed}.", field="status")


def needs_action(finding: Finding, scored: Scored) -> bool:
    """Good practice and proportionate findings are commended, never actioned."""
    return not finding.good_practice and scored.classification != PROPORTIONATE


def needing_action(frame: pd.DataFrame) -> pd.Series:
    """`needs_action` for a table of scored findings: one rule for a finding and for a frame."""
    mask = frame["classification"] != PROPORTIONATE
    if "good_practice" in frame:
        mask &= ~frame["good_practice"].astype(bool)
    return mask


def default_actions(
    audit: Audit,
    findings: Sequence[Finding],
    scored: Iterable[Scored],
    checklist: Checklist | None = None,
) -> list[Action]:
    """Return one open action per finding that needs one, highest priority first.

    `checklist` defaults to the audit's pinned copy; it supplies the due-date bands.
    """
    if checklist is None:
        from datawalk.checklist import checklist_from_pin

        checklist = checklist_from_pin(audit.checklist)
    bands = due_bands(checklist)
    by_id = {finding.id: finding for finding in findings}
    actions = [
        _default_action(audit, score, bands)
        for score in scored
        if score.finding_id in by_id and needs_action(by_id[score.finding_id], score)
    ]
    return sort_actions(actions)


def _default_action(audit: Audit, score: Scored, bands: list[tuple[float, int]]) -> Action:
    texts = _unique(_part(rec, "action") for rec in score.recommendations)
    owners = _unique(_part(rec, "owner") for rec in score.recommendations)
    return Action(
        audit_id=audit.id,
        finding_ids=[score.finding_id],
        recommendation="\n".join(texts),
        owner=owners[0] if owners else "",
        priority=float(score.priority),
        due_date=due_date_for(float(score.priority), audit.walk_at.date(), bands),
    )


def due_bands(checklist: Checklist | None) -> list[tuple[float, int]]:
    """Return (minimum priority, days to fix) bands, most urgent first.

    The bands are part of the versioned checklist (`scoring.priority.due_days`), so a
    consultancy can set its own. A checklist pinned before they were (uk_schools v1 to v3) takes
    those of the bundled checklist.
    """
    bands = _bands_of(checklist)
    if bands is None:
        bands = _bands_of(_bundled_checklist()) or []
    return sorted(((band.min_priority, band.days) for band in bands), reverse=True)


def _bands_of(checklist: Checklist | None) -> list[DueBand] | None:
    if checklist is None or checklist.scoring is None:
        return None
    return checklist.scoring.priority.due_days


@cache
def _bundled_checklist() -> Checklist:
    from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist

    return load_checklist(DEFAULT_CHECKLIST_PATH)


def due_date_for(priority: float, start: date, bands: Sequence[tuple[float, int]]) -> date | None:
    """Return `start` plus the days of the first band whose minimum the priority reaches."""
    for minimum, days in bands:
        if priority >= minimum:
            return start + timedelta(days=days)
    return None


def sort_actions(actions: Iterable[Action]) -> list[Action]:
    """Highest priority first; ties by earliest due date, then by id for a stable order."""
    return sorted(actions, key=lambda a: (-a.priority, a.due_date or date.max, a.id))


def merge_actions(actions: Sequence[Action]) -> Action:
    """Return one action covering all the given actions' findings.

    The highest-priority action survives (its id, owner and status); recommendations and notes
    are joined without repeats; the earliest due date wins, as the most urgent part sets the pace.

    Raises:
        ValidationError: fewer than two actions, or actions from different audits.
    """
    if len(actions) < 2:
        raise ValidationError("Choose at least two actions to merge.", field="actions")
    if len({action.audit_id for action in actions}) > 1:
        raise ValidationError("Actions from different audits cannot be merged.", field="actions")
    ordered = sort_actions(actions)
    keeper = ordered[0]
    dues = [action.due_date for action in ordered if action.due_date]
    return keeper.model_copy(
        update={
            "finding_ids": _unique(fid for action in ordered for fid in action.finding_ids),
            "recommendation": "\n".join(
                _unique(line for a in ordered for line in a.recommendation.splitlines())
            ),
            "notes": "\n".join(_unique(a.notes.strip() for a in ordered)),
            "due_date": min(dues) if dues else None,
            "priority": max(action.priority for action in ordered),
        }
    )


def validate_action(action: Action) -> Action:
    """Return the action if its acceptance record is complete.

    Raises:
        ValidationError: risk accepted without a reason, an acceptor or a date (names the field).
    """
    if action.status != ActionStatus.RISK_ACCEPTED:
        return action
    if not action.accepted_reason.strip():
        raise ValidationError(
            "Risk accepted needs the reason it was accepted.", field="accepted_reason"
        )
    if not action.accepted_by.strip():
        raise ValidationError(
            "Risk accepted needs who accepted it (a senior leader or governor).",
            field="accepted_by",
        )
    if action.accepted_on is None:
        raise ValidationError("Risk accepted needs the date it was accepted.", field="accepted_on")
    return action


def is_overdue(action: Action, today: date) -> bool:
    """An open or in-progress action past its due date; done or accepted ones never are."""
    return (
        action.status not in CLOSED_STATUSES
        and action.due_date is not None
        and action.due_date < today
    )


def missing_actions(
    audit: Audit, findings: Sequence[Finding], scored: Iterable[Scored], existing: Iterable[Action]
) -> list[Action]:
    """Return the default actions for findings no existing action covers yet."""
    covered = {fid for action in existing for fid in action.finding_ids}
    return [
        action
        for action in default_actions(audit, findings, scored)
        if not covered & set(action.finding_ids)
    ]


def _part(recommendation: Any, name: str) -> str:
    """A recommendation is a scoring model or, from a JSON document, a plain mapping."""
    if isinstance(recommendation, Mapping):
        return str(recommendation.get(name, "")).strip()
    return str(getattr(recommendation, name, "")).strip()


def _unique(values: Iterable[str]) -> list[str]:
    """Keep the first of each non-empty value, in order."""
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


@dataclass(frozen=True)
class ActionView:
    """An action as the plan shows it: with its finding references, places and overdue flag."""

    action: Action
    references: str
    locations: str
    overdue: bool
    # Still open, but none of its findings needs an action any more (an edit or a rescore made
    # them proportionate): someone edited it, so it is kept, flagged for its owner to close.
    no_longer_needed: bool = False
    # "Staff room: move the medical conditions list inside the staff-only cupboard"
    title: str = ""
    # Its best-ranked finding's place on the plan (None when none needs an action) of `ranked`.
    rank: int | None = None
    ranked: int = 0


def describe_actions(
    actions: Iterable[Action], table: pd.DataFrame, today: date
) -> list[ActionView]:
    """Return the actions in rank order (highest priority first), each with its title, what it
    covers and where.

    `table` is the audit's scored table (`datawalk.scored_table`): it gives each finding's
    reference, place, rank and action title, and which findings need an action now, so an open
    action covering none of them is flagged as no longer needed.
    """
    references = dict(zip(table["id"], table["reference"], strict=True))
    places = dict(zip(table["id"], table["location"], strict=True))
    needed = set(table.loc[needing_action(table), "id"]) if "classification" in table else None
    ranks = _ranks(table)
    titles = dict(zip(table["id"], table["action_title"], strict=True)) if ranks else {}
    views = []
    for action in sort_actions(actions):
        covered = [fid for fid in action.finding_ids if fid in references]
        ranked = sorted((ranks[fid], fid) for fid in covered if fid in ranks)
        lead = ranked[0][1] if ranked else (covered[0] if covered else "")
        where = _unique(places[fid] for fid in covered)
        views.append(
            ActionView(
                action=action,
                references=", ".join(references[fid] or fid for fid in covered),
                locations=", ".join(where),
                overdue=is_overdue(action, today),
                no_longer_needed=needed is not None
                and action.status not in CLOSED_STATUSES
                and not set(action.finding_ids) & needed,
                title=titles.get(lead) or _plain_title(where, action.recommendation),
                rank=ranked[0][0] if ranked else None,
                ranked=len(ranks),
            )
        )
    # Stable: unranked actions keep the priority order after the ranked ones.
    return sorted(views, key=lambda view: view.rank or len(ranks) + 1)


def _ranks(table: pd.DataFrame) -> dict[str, int]:
    """Finding id to rank, for the findings the scored table ranks."""
    if "rank" not in table:
        return {}
    ranked = table[table["rank"].notna()]
    return {fid: int(rank) for fid, rank in zip(ranked["id"], ranked["rank"], strict=True)}


def _plain_title(places: Sequence[str], recommendation: str) -> str:
    """A title for an action whose findings have none (no longer needed, or unscored)."""
    return str(title_options(places[0] if places else "", "", recommendation, [])[0])


def filter_actions(
    views: Iterable[ActionView],
    statuses: Iterable[str] = (),
    owners: Iterable[str] = (),
    overdue_only: bool = False,
) -> list[ActionView]:
    """Keep the views matching every filter given; an empty filter keeps everything."""
    wanted_statuses = {ActionStatus(status) for status in statuses}
    wanted_owners = set(owners)
    return [
        view
        for view in views
        if (not wanted_statuses or view.action.status in wanted_statuses)
        and (not wanted_owners or view.action.owner in wanted_owners)
        and (view.overdue or not overdue_only)
    ]
