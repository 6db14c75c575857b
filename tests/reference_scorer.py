"""The two-sided model for one finding in plain Python sets: the reference implementation.

Production scores with one vectorised scorer (`datawalk.scoring.frame`). This module is the
model written out the slow, obvious way, one finding and one rule predicate at a time, so that
`test_scoring_properties.py` can hold production to it on generated findings, reasons and
recommendations included. Arithmetic is on integers scaled by `SCALE`, like production, so the
rounding is identical. It shares only the compiled lookup tables and the prose of reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from datawalk.errors import ValidationError
from datawalk.models import Finding
from datawalk.scoring.compiled import NEVER, SCALE, Compiled, compile_checklist, scaled
from datawalk.scoring.reasons import Explanation, explain
from datawalk.scoring.result import (
    Recommendation,
    ScoredFinding,
)
from datawalk.vocabulary import Checklist
from tests import reference_lookups as lookups
from tests.reference_rules import Facts, select_rules


@dataclass(frozen=True)
class FindingInput:
    """The fields scoring reads, so a Finding and a DataFrame row are scored by the same code."""

    finding_id: str
    reference: str | None
    categories: tuple[str, ...]
    format: str
    identifiability: str
    detail_level: str
    visible_to: tuple[str, ...]
    needed_by: tuple[str, ...]
    reach: str
    controls: tuple[str, ...]
    review_date: date | None
    need_override: int | None
    good_practice: bool
    good_practice_note: str = ""
    needed_reach: tuple[tuple[str, str], ...] = ()
    location_type: str | None = None
    template_id: str | None = None

    @classmethod
    def from_finding(cls, finding: Finding, location_type: str | None = None) -> FindingInput:
        return cls(
            finding_id=finding.id,
            reference=finding.reference,
            categories=tuple(finding.categories),
            format=finding.format,
            identifiability=finding.identifiability,
            detail_level=finding.detail_level,
            visible_to=tuple(finding.visible_to),
            needed_by=tuple(finding.needed_by),
            reach=str(finding.reach),
            controls=tuple(finding.controls),
            review_date=finding.review_date,
            need_override=finding.need_override,
            good_practice=finding.good_practice,
            good_practice_note=finding.good_practice_note,
            needed_reach=tuple(sorted((a, str(r)) for a, r in finding.needed_reach.items())),
            location_type=location_type,
            template_id=finding.template_id,
        )


def resolve_today(today: date | None) -> date:
    """Return the reference date: the one given (the walk date), else the calendar's today."""
    return today if today is not None else date.today()


def score_finding(
    finding: Finding,
    checklist: Checklist,
    today: date | None = None,
    location_type: str | None = None,
) -> ScoredFinding:
    """Return both sides of one finding with reasons and recommendations.

    Raises:
        ValidationError: the finding uses an id the checklist does not define.
        ChecklistError: the checklist has no valid scoring section.
    """
    model = compile_checklist(checklist)
    item = FindingInput.from_finding(finding, location_type)
    return score_input(item, model, resolve_today(today))


def score_findings(
    findings: Iterable[Finding], checklist: Checklist, today: date | None = None
) -> list[ScoredFinding]:
    """Return one ScoredFinding per finding, in the same order."""
    model = compile_checklist(checklist)
    day = resolve_today(today)
    return [score_input(FindingInput.from_finding(f), model, day) for f in findings]


@dataclass(frozen=True)
class _Sides:
    """The intermediate sets and numbers of one finding, before levels are looked up."""

    visible: frozenset[str]
    needed: frozenset[str]
    excess: frozenset[str]
    missing: frozenset[str]
    categories: list[int]
    applied: list[int]
    locked: list[int]
    reach_minutes: float
    too_slow: bool
    given: frozenset[str]
    overdue: bool
    stale_days: int
    stale_gap: int
    locked_emergency: bool
    exposure: int
    sensitivity: int
    need: int
    gap: int


def score_input(item: FindingInput, model: Compiled, today: date) -> ScoredFinding:
    """Score one finding's fields against compiled tables (shared with the frame's reasons)."""
    _check_ids(item, model)
    sides = _sides(item, model, today)
    privacy = int(model.privacy_grid[sides.exposure, sides.sensitivity - 1])
    safeguarding = int(model.safeguarding_grid[sides.gap, sides.need - 1])
    classification = lookups.classify(model, privacy, safeguarding)
    commended = item.good_practice and max(privacy, safeguarding) <= model.acceptable_level
    chosen, guards = select_rules(model, _facts(item, sides, classification, model))
    explanation = _explanation(item, model, sides, privacy, safeguarding, classification)
    return ScoredFinding(
        finding_id=item.finding_id,
        reference=item.reference,
        exposure=sides.exposure,
        sensitivity=sides.sensitivity,
        privacy_level=model.levels[privacy].id,
        need=sides.need,
        availability_gap=sides.gap,
        safeguarding_level=model.levels[safeguarding].id,
        classification=classification,
        priority=_priority(model, privacy, safeguarding, sides),
        excess=model.compress(model.closure(sides.excess)),
        missing=model.compress(model.closure(sides.missing)),
        reasons=explain(
            model.checklist, replace(explanation, guard_notes=[g.action for g in guards])
        ),
        recommendations=[]
        if commended
        else [Recommendation(rule_id=r.id, action=r.action, owner=r.owner) for r in chosen],
        commendation=_commendation(model, item) if commended else "",
    )


def _sides(item: FindingInput, model: Compiled, today: date) -> _Sides:
    """Return excess and missing over leaf roles, and the four numbers they lead to."""
    visible = lookups.leaves(model, item.visible_to)
    needed = lookups.leaves(model, item.needed_by)
    excess = visible - needed if not _anonymous(model, item) else frozenset()
    cats = [model.categories.index(c) for c in item.categories]
    controls = [model.controls.index(c) for c in item.controls]
    reach_minutes = float(model.reach_minutes[model.reaches.index(item.reach)])
    limit = min(float(model.limit_minutes[c]) for c in cats)
    too_slow = reach_minutes == NEVER or reach_minutes > limit
    leaf_minutes = _leaf_minutes(model, item, visible, reach_minutes)
    given = frozenset(_given_leaves(model, item))
    slow = {leaf for leaf, m in leaf_minutes.items() if m == NEVER or m > limit}
    overdue = item.review_date is not None and item.review_date < today
    stale_days = (today - item.review_date).days if overdue and item.review_date else 0
    stale_gap = _stale_gap(model, cats, stale_days) if overdue else 0
    graded = model.stale_after_days is not None
    locked = [c for c in controls if model.locks_away[c]]
    locked_emergency = bool(locked) and any(model.emergency[c] for c in cats)
    if model.medication_format is not None:  # only the medication itself: a kit, box or label
        locked_emergency &= bool(model.medication_format[model.formats.index(item.format)])
    if (overdue and not graded) or locked_emergency:
        missing = needed
    else:
        missing = frozenset(leaf for leaf in needed if leaf in slow)
    applied = [c for c in controls if any(model.applies[c, k] for k in cats)]
    return _Sides(
        visible=visible,
        needed=needed,
        excess=excess,
        missing=missing,
        categories=cats,
        applied=applied,
        locked=locked,
        reach_minutes=reach_minutes,
        too_slow=too_slow,
        given=given,
        overdue=overdue,
        stale_days=stale_days,
        stale_gap=stale_gap,
        locked_emergency=locked_emergency,
        exposure=_exposure(model, excess, item, applied),
        sensitivity=max(int(model.sensitivity[c]) for c in cats),
        need=item.need_override or max(int(model.category_need[c]) for c in cats),
        gap=max(lookups.gap(model, missing), stale_gap if needed else 0),
    )


def _leaf_minutes(
    model: Compiled, item: FindingInput, visible: frozenset[str], reach_minutes: float
) -> dict[str, float]:
    """Minutes for each leaf role to reach it: the reach given for the narrowest needer that
    holds the leaf, else the finding's reach when the leaf can see it, else never."""
    given = dict(item.needed_reach)
    out = {}
    for leaf in model.leaves:
        holders = [a for a in given if leaf in model.audience_leaves[a]]
        if holders:
            narrowest = min(holders, key=lambda a: len(model.audience_leaves[a]))
            out[leaf] = float(model.reach_minutes[model.reaches.index(given[narrowest])])
        else:
            out[leaf] = reach_minutes if leaf in visible else NEVER
    return out


def _given_leaves(model: Compiled, item: FindingInput) -> set[str]:
    return {leaf for audience, _ in item.needed_reach for leaf in model.audience_leaves[audience]}


def _stale_gap(model: Compiled, cats: list[int], days: int) -> int:
    """The gap of a review date passed `days` ago: the last band passed, times the weight of
    the most time-critical category, rounded half up."""
    if model.stale_after_days is None or model.stale_band_gap is None:
        return 0
    passed = [i for i, after in enumerate(model.stale_after_days) if days > after]
    band_gap = int(model.stale_band_gap[passed[-1]]) if passed else 0
    weight = max(int(model.stale_weight[c]) for c in cats)
    return max(0, min(5, (band_gap * weight + lookups.HALF) // (SCALE * SCALE)))


def _facts(item: FindingInput, sides: _Sides, classification: str, model: Compiled) -> Facts:
    return Facts(
        child_protection=any(model.child_protection[c] for c in sides.categories),
        location_type=item.location_type,
        template_id=item.template_id,
        categories=frozenset(item.categories),
        format=item.format,
        identifiability=item.identifiability,
        detail_level=item.detail_level,
        controls=frozenset(item.controls),
        excess=sides.excess,
        missing=sides.missing,
        needed=sides.needed,
        reach_minutes=sides.reach_minutes,
        overdue=sides.overdue,
        classification=classification,
        good_practice=item.good_practice,
    )


def _explanation(
    item: FindingInput,
    model: Compiled,
    sides: _Sides,
    privacy: int,
    safeguarding: int,
    classification: str,
) -> Explanation:
    needed = sides.needed
    need_category = max(item.categories, key=lambda c: lookups.rank(model, "category_need", c))
    return Explanation(
        excess=model.compress(model.closure(sides.excess)),
        anonymous=_anonymous(model, item) and bool(sides.visible - needed),
        identifiability=item.identifiability,
        detail_level=item.detail_level,
        applied_controls=[model.controls[c] for c in sides.applied if model.reduction[c] > 0],
        exposure=sides.exposure,
        sensitivity=sides.sensitivity,
        sensitive_category=max(
            item.categories, key=lambda c: lookups.rank(model, "sensitivity", c)
        ),
        privacy=privacy,
        need=sides.need,
        need_category=None if item.need_override else need_category,
        unseen=model.compress(model.closure(needed - sides.visible - sides.given)),
        needers=model.compress(model.closure(needed)),
        too_slow=sides.too_slow and bool(needed - sides.given),
        reach=item.reach,
        limit_category=min(item.categories, key=lambda c: lookups.limit(model, c)),
        overdue=sides.overdue and bool(needed),
        review_date=item.review_date,
        locked_control=model.controls[sides.locked[0]]
        if sides.locked_emergency and needed
        else None,
        gap=sides.gap,
        safeguarding=safeguarding,
        classification=classification,
        good_practice=item.good_practice,
        default_needers=model.compress(model.closure(needed - sides.given)),
        slow_given=[
            (audience, reach)
            for audience, reach in sorted(
                item.needed_reach, key=lambda p: lookups.position(model, p)
            )
            if lookups.slower(model, reach, min(lookups.limit(model, c) for c in item.categories))
        ],
        stale_days=sides.stale_days if model.stale_after_days is not None else 0,
        stale_band=lookups.band_name(model, sides.stale_days),
    )


def _exposure(
    model: Compiled, excess: frozenset[str], item: FindingInput, applied: list[int]
) -> int:
    if not excess:
        return 0
    coefficients = model.config.exposure
    breadth = max(int(model.breadth[model.audiences.index(r)]) for r in model.closure(excess))
    identifiability = model.identifiability_weight[
        model.identifiability.index(item.identifiability)
    ]
    detail = model.detail_weight[model.detail_levels.index(item.detail_level)]
    reduction = sum(int(model.reduction[c]) for c in applied)
    raw = (
        scaled(coefficients.breadth) * breadth
        + scaled(coefficients.identifiability) * int(identifiability)
        + scaled(coefficients.detail) * int(detail)
        + scaled(coefficients.intercept) * SCALE
        - scaled(coefficients.controls) * reduction
    )
    return lookups.clamp((raw + lookups.HALF) // (SCALE * SCALE), coefficients.floor_with_excess)


def _priority(model: Compiled, privacy: int, safeguarding: int, sides: _Sides) -> float:
    p = model.config.priority
    urgent = sides.need >= p.urgent_need and safeguarding >= model.concern_level
    child_protection = any(model.child_protection[c] for c in sides.categories)
    exposed_cp = child_protection and privacy >= model.concern_level
    total = (
        scaled(p.privacy_level) * privacy
        + scaled(p.safeguarding_level) * safeguarding
        + scaled(p.exposure) * sides.exposure
        + scaled(p.sensitivity) * sides.sensitivity
        + scaled(p.gap) * sides.gap
        + scaled(p.need) * sides.need
        + scaled(p.life_threatening_gap) * int(urgent)
        + scaled(p.child_protection_exposure) * int(exposed_cp)
    )
    return total / SCALE


def _anonymous(model: Compiled, item: FindingInput) -> bool:
    """No one identifiable (weight 0) means no personal data, so no one sees it without need."""
    return not model.identifiability_weight[model.identifiability.index(item.identifiability)]


def _commendation(model: Compiled, item: FindingInput) -> str:
    scoring = model.checklist.scoring
    text = scoring.commendation if scoring and scoring.commendation else "Good practice."
    note = item.good_practice_note.strip()
    return f"{text} {note}" if note else text


_VOCABULARIES = (
    ("categories", "categories", "data category"),
    ("visible_to", "audiences", "audience"),
    ("needed_by", "audiences", "audience"),
    ("controls", "controls", "control"),
    ("format", "formats", "format"),
    ("identifiability", "identifiability", "identifiability"),
    ("detail_level", "detail_levels", "detail level"),
    ("reach", "reaches", "reach speed"),
)


def _check_ids(item: FindingInput, model: Compiled) -> None:
    """Raise ValidationError for the first id the checklist does not define."""
    if not item.categories:
        raise ValidationError("a finding needs at least one data category", field="categories")
    for field_name, table, what in _VOCABULARIES:
        value = getattr(item, field_name)
        known = getattr(model, table)
        for term_id in (value,) if isinstance(value, str) else value:
            if term_id not in known:
                raise ValidationError(
                    f"unknown {what} {term_id!r} in {model.checklist.id} "
                    f"v{model.checklist.version}",
                    field=field_name,
                )
    for audience, reach in item.needed_reach:
        for term_id, known, what, field_name in (
            (audience, model.audiences, "audience", "needed_by"),
            (reach, model.reaches, "reach speed", "reach"),
        ):
            if term_id not in known:
                raise ValidationError(
                    f"unknown {what} {term_id!r} in {model.checklist.id} "
                    f"v{model.checklist.version}",
                    field=field_name,
                )
