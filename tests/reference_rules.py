"""The reference scorer's recommendation rules: each rule's predicates checked one at a time on
one finding's facts in plain Python sets, guards and the built-in floor applied the obvious way
(see `reference_scorer.py`, which scores the finding and asks this module which rules hold).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from datawalk.scoring.compiled import Compiled
from datawalk.scoring.result import PROPORTIONATE
from datawalk.scoring.rules import CUT_CONTENT, CompiledRule, Condition


@dataclass(frozen=True)
class Facts:
    """What the predicates may look at for one finding; audience sets hold leaf roles."""

    categories: frozenset[str]
    format: str
    identifiability: str
    detail_level: str
    controls: frozenset[str]
    excess: frozenset[str]
    missing: frozenset[str]
    needed: frozenset[str]
    reach_minutes: float
    overdue: bool
    classification: str
    good_practice: bool
    child_protection: bool = False
    location_type: str | None = None
    template_id: str | None = None


_FAILS = {"privacy": ("over_exposed", "both"), "safeguarding": ("under_available", "both")}

SINGLE: dict[str, Callable[[Facts, Condition], bool]] = {
    "categories_any": lambda f, c: bool(f.categories & c.ids),
    "control_present": lambda f, c: bool(f.controls & c.ids),
    "control_absent": lambda f, c: not f.controls & c.ids,
    "excess_includes": lambda f, c: bool(f.excess & c.ids),
    "missing_includes": lambda f, c: bool(f.missing & c.ids),
    "needed_beyond": lambda f, c: bool(f.needed - c.ids),
    "format_in": lambda f, c: f.format in c.ids,
    "identifiability_in": lambda f, c: f.identifiability in c.ids,
    "detail_in": lambda f, c: f.detail_level in c.ids,
    "classification_in": lambda f, c: f.classification in c.ids,
    "review_overdue": lambda f, c: f.overdue == c.flag,
    "good_practice": lambda f, c: f.good_practice == c.flag,
    "has_excess": lambda f, c: bool(f.excess) == c.flag,
    "has_missing": lambda f, c: bool(f.missing) == c.flag,
    "has_needers": lambda f, c: bool(f.needed) == c.flag,
    "reach_slower_than": lambda f, c: f.reach_minutes > c.minutes,
    "location_in": lambda f, c: f.location_type in c.ids,
    "location_not_in": lambda f, c: f.location_type not in c.ids,
    "template_in": lambda f, c: f.template_id in c.ids,
    "information_in": lambda f, c: bool(f.categories & c.ids),
    "information_not_in": lambda f, c: not f.categories & c.ids,
    "side_failed": lambda f, c: any(f.classification in _FAILS[side] for side in c.ids),
}


def _place_feature(f: Facts, c: Condition) -> bool:
    """At a location type with the feature, or the item is the feature itself."""
    return f.location_type in c.ids or f.format in c.format_ids


def _at_its_places(rule: CompiledRule, facts: Facts) -> bool:
    """A template's rule still fits the finding: the place features it names are where the
    finding is, and the information is of the kind its step was written for."""
    checks = {"place_feature": _place_feature}
    checks.update({p: SINGLE[p] for p in ("information_in", "information_not_in")})
    return all(checks[c.predicate](facts, c) for c in rule.conditions if c.predicate in checks)


def holds(rule: CompiledRule, facts: Facts) -> bool:
    checks = {**SINGLE, "place_feature": _place_feature}
    return all(checks[c.predicate](facts, c) for c in rule.conditions)


def _reaches_after(model: Compiled, rule: CompiledRule, facts: Facts) -> frozenset[str]:
    """The leaf roles that can still reach it after the rule's step."""
    reach = rule.rule.reach_after
    if reach is None:
        reach = [] if rule.rule.effect == "remove" else ["needed_by"]
    if "as_now" in reach:
        return frozenset(model.leaves)
    named = frozenset().union(*(model.audience_leaves[a] for a in reach if a != "needed_by"))
    return named | facts.needed if "needed_by" in reach else named


def _must_reach(model: Compiled, guard: CompiledRule) -> frozenset[str]:
    return frozenset().union(*(model.audience_leaves[a] for a in guard.rule.must_reach))


def select_rules(model: Compiled, facts: Facts) -> tuple[list, list]:
    """Return (recommended rules, guards that held something back) for one finding.

    Floor: a step must leave every needer able to reach it, and never cuts content from a
    child-protection record; a guard blocks its effects and any step that leaves one of its
    must_reach audiences without it. The template's own rule, when recommended, comes first.
    """
    rules = model.rules
    template = next(
        (t for t in model.checklist.objects.templates if t.id == facts.template_id), None
    )
    own = template.recommends if template is not None else None
    failing = facts.classification != PROPORTIONATE
    holding = [
        r
        for r in rules
        if holds(r, facts) or (r.rule.id == own and failing and _at_its_places(r, facts))
    ]
    guards = [g for g in holding if g.rule.guard]
    candidates, noted = [], []
    for r in holding:
        if r.rule.guard:
            continue
        after = _reaches_after(model, r, facts)
        does = {r.rule.effect, *r.rule.tags}
        blocked = not facts.needed <= after or (
            bool(does & {CUT_CONTENT, "remove"}) and facts.child_protection
        )
        for g in guards:
            reach = r.rule.reach_after if r.rule.reach_after is not None else ["needed_by"]
            closed = (
                r.rule.effect == "remove"
                if r.rule.reach_after is None
                else not ({"needed_by", "as_now"} & set(reach))
            )
            if does & set(g.rule.blocks) or (closed and not _must_reach(model, g) <= after):
                blocked = True
                if g not in noted:
                    noted.append(g)
        if not blocked:
            candidates.append(r.rule)
    specific = [r for r in candidates if not r.fallback]
    chosen = specific or [r for r in candidates if r.fallback]
    template = next(
        (t for t in model.checklist.objects.templates if t.id == facts.template_id), None
    )
    first = [r for r in chosen if template is not None and r.id == template.recommends]
    chosen = first + [r for r in chosen if r not in first]
    noted_in_order = [g.rule for g in rules if g in noted]
    return chosen, noted_in_order
