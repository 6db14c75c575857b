"""Declarative recommendation rules: a fixed registry of predicates, never `eval`.

A rule's `when` maps predicate names to values; all must hold. Each predicate is one mask over a
frame's `FrameFacts` (boolean matrices; one finding is a frame of one row), so there is one
evaluator to keep right. Guards are rules too: where a guard holds, the effects it `blocks` are
never recommended, nor any step that leaves one of its `must_reach` audiences unable to reach it.

The floor is built in because it is the model itself: each step declares who can still reach the
information after it (`reach_after`), and it is never recommended where that does not cover the
finding's needers, whatever its effect tag (a `remove` step leaves nobody, unless it says so); and
no step that cuts content out of the item (`cut_content`) or removes it is recommended for a
child-protection record: minimise what is displayed or carried, never what is recorded. A rule
whose text names a place feature (a hatch, a cover pack) holds only at a location type that has it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from datawalk.scoring.result import CLASSIFICATIONS
from datawalk.vocabulary import AS_NOW, NEEDED_BY, Checklist, Rule

Problem = tuple[tuple[str | int, ...], str]
REMOVE = "remove"  # the effect whose step leaves nobody able to reach it, unless it says otherwise
CUT_CONTENT = "cut_content"  # the effect never recommended for a child-protection record
SIDES = ("privacy", "safeguarding")  # `side_failed`: over-exposed, or under-available
_SIDE_FAILS = {"privacy": (1, 3), "safeguarding": (2, 3)}  # CLASSIFICATIONS positions
UNKNOWN = -1  # a location type or template that is not known (or not given)


@dataclass(frozen=True)
class FrameFacts:
    """The same facts for n findings: vocabulary × n bool matrices for sets, codes for ids."""

    categories: np.ndarray
    format: np.ndarray
    identifiability: np.ndarray
    detail_level: np.ndarray
    controls: np.ndarray
    excess: np.ndarray
    missing: np.ndarray
    needed: np.ndarray
    reach_minutes: np.ndarray
    overdue: np.ndarray
    classification: np.ndarray
    good_practice: np.ndarray
    child_protection: np.ndarray | None = None  # n bool; None: no child-protection category
    location_type: np.ndarray | None = None  # n codes into location_types, UNKNOWN when not given
    template: np.ndarray | None = None  # n codes into templates, UNKNOWN when none

    def codes(self, name: str) -> np.ndarray:
        """A code column, UNKNOWN throughout when it was not given."""
        value = getattr(self, name)
        return np.full(len(self.overdue), UNKNOWN, dtype=np.int64) if value is None else value


@dataclass(frozen=True)
class Condition:
    predicate: str
    ids: frozenset[str] = frozenset()
    indexes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lookup: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    flag: bool = True
    minutes: float = 0.0
    formats: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=bool))
    format_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Predicate:
    kind: Literal["ids", "bool", "reach"]
    vocabulary: str | None  # a Vocabularies field, "classifications", or None
    vector: Callable[[FrameFacts, Condition], np.ndarray]


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    conditions: tuple[Condition, ...]
    reach_after: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # leaves
    keeps_needers: bool = True  # reach_after includes `needed_by`
    keeps_all: bool = False  # reach_after includes `as_now`: the step takes it from nobody
    must_reach: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # leaves

    def mask(self, frame: FrameFacts, only: Collection[str] | None = None) -> np.ndarray:
        """Where every condition holds (only those of the predicates `only`, when given)."""
        result = np.ones(len(frame.overdue), dtype=bool)
        for condition in self.conditions:
            if only is not None and condition.predicate not in only:
                continue
            predicate = PREDICATES.get(condition.predicate) or INTERNAL[condition.predicate]
            result &= predicate.vector(frame, condition)
            if not result.any():  # no finding left: the other conditions cannot matter
                break
        return result


def _any_of(matrix: np.ndarray, c: Condition) -> np.ndarray:
    return np.logical_or.reduce(matrix[c.indexes], axis=0)


def _set_any(name: str) -> Predicate:
    vocabulary = {"categories": "data_categories", "controls": "controls"}[name]
    return Predicate("ids", vocabulary, lambda f, c: _any_of(getattr(f, name), c))


def _outside(matrix: np.ndarray, c: Condition) -> np.ndarray:
    """The set rows (leaves) that are not among the condition's."""
    out = matrix.copy()
    out[c.indexes] = False
    return out


def _audience_any(name: str) -> Predicate:
    return Predicate("ids", "audiences", lambda f, c: _any_of(getattr(f, name), c))


def _one_of(name: str, vocabulary: str) -> Predicate:
    return Predicate("ids", vocabulary, lambda f, c: c.lookup[getattr(f, name)])


def _known_one_of(name: str, vocabulary: str) -> Predicate:
    """Like `_one_of` for a code that may be UNKNOWN (the lookup's last entry, always False)."""
    return Predicate("ids", vocabulary, lambda f, c: c.lookup[f.codes(name)])


def _side_failed(f: FrameFacts, c: Condition) -> np.ndarray:
    fails = np.zeros(len(f.classification), dtype=bool)
    for side in c.ids:
        fails |= np.isin(f.classification, _SIDE_FAILS[side])
    return fails


def _flag(vector: Callable[[FrameFacts], np.ndarray]) -> Predicate:
    return Predicate("bool", None, lambda f, c: vector(f) == c.flag)


PREDICATES: dict[str, Predicate] = {
    "categories_any": _set_any("categories"),
    "control_present": _set_any("controls"),
    "control_absent": Predicate("ids", "controls", lambda f, c: ~_any_of(f.controls, c)),
    "excess_includes": _audience_any("excess"),
    "missing_includes": _audience_any("missing"),
    "needed_beyond": Predicate(
        "ids", "audiences", lambda f, c: np.logical_or.reduce(_outside(f.needed, c), axis=0)
    ),
    "format_in": _one_of("format", "formats"),
    "identifiability_in": _one_of("identifiability", "identifiability"),
    "detail_in": _one_of("detail_level", "detail_levels"),
    "classification_in": _one_of("classification", "classifications"),
    "review_overdue": _flag(lambda f: f.overdue),
    "good_practice": _flag(lambda f: f.good_practice),
    "has_excess": _flag(lambda f: np.logical_or.reduce(f.excess, axis=0)),
    "has_missing": _flag(lambda f: np.logical_or.reduce(f.missing, axis=0)),
    "has_needers": _flag(lambda f: np.logical_or.reduce(f.needed, axis=0)),
    "reach_slower_than": Predicate(
        "reach", "reach_speeds", lambda f, c: f.reach_minutes > c.minutes
    ),
    "location_in": _known_one_of("location_type", "location_types"),
    "location_not_in": Predicate(
        "ids", "location_types", lambda f, c: ~c.lookup[f.codes("location_type")]
    ),
    "template_in": _known_one_of("template", "templates"),
    "information_in": Predicate(
        "ids", "information_classes", lambda f, c: _any_of(f.categories, c)
    ),
    "information_not_in": Predicate(
        "ids", "information_classes", lambda f, c: ~_any_of(f.categories, c)
    ),
    "side_failed": Predicate("ids", "sides", _side_failed),
}


# Conditions a rule gets from its other fields, never written in `when`.
PLACE_FEATURE = "place_feature"  # at a location type with the feature, or the item is it
# What a template's own rule must still fit when the template puts it first: the place, and the
# kind of information its step was written for (a stale-list step never goes to a CP record).
TEMPLATE_RULE_FITS = (PLACE_FEATURE, "information_in", "information_not_in")
INTERNAL: dict[str, Predicate] = {
    PLACE_FEATURE: Predicate(
        "ids", None, lambda f, c: c.lookup[f.codes("location_type")] | c.formats[f.format]
    ),
}


def vocabulary_ids(checklist: Checklist, vocabulary: str) -> list[str]:
    if vocabulary == "classifications":
        return list(CLASSIFICATIONS)
    if vocabulary == "sides":
        return list(SIDES)
    if vocabulary in ("information_classes", "place_features"):
        scoring = checklist.scoring
        return [entry.id for entry in getattr(scoring, vocabulary)] if scoring else []
    return [entry.id for entry in getattr(checklist.objects, vocabulary)]


def compile_rules(
    rules: list[Rule], checklist: Checklist, audience_leaves: dict[str, frozenset[str]]
) -> tuple[CompiledRule, ...]:
    """Return the rules with each condition's ids resolved to sets and column indexes, a rule's
    place features turned into the location types it may hold at, and its reach as leaf masks."""
    leaves = [a.id for a in checklist.objects.audiences if not a.contains]
    compiled = []
    for rule in rules:
        conditions = [
            _condition(name, value, checklist, audience_leaves, leaves)
            for name, value in rule.when.items()
        ]
        conditions += _place_conditions(rule.places, checklist)
        reach = rule.reach_after
        if reach is None:
            reach = [] if rule.effect == REMOVE else [NEEDED_BY]
        compiled.append(
            CompiledRule(
                rule,
                tuple(conditions),
                reach_after=_leaf_mask(
                    [a for a in reach if a not in (NEEDED_BY, AS_NOW)], audience_leaves, leaves
                ),
                keeps_needers=NEEDED_BY in reach or AS_NOW in reach,
                keeps_all=AS_NOW in reach,
                must_reach=_leaf_mask(rule.must_reach, audience_leaves, leaves),
            )
        )
    return tuple(compiled)


def _condition(
    name: str,
    value: Any,
    checklist: Checklist,
    audience_leaves: dict[str, frozenset[str]],
    leaves: list[str],
) -> Condition:
    predicate = PREDICATES[name]
    if predicate.kind == "bool":
        return Condition(name, flag=bool(value))
    if predicate.kind == "reach":
        minutes = {r.id: r.minutes for r in checklist.objects.reach_speeds}[value]
        return Condition(name, minutes=np.inf if minutes is None else minutes)
    if predicate.vocabulary == "audiences":
        ids = frozenset().union(*(audience_leaves[v] for v in value))
        indexes = np.array(sorted(leaves.index(i) for i in ids), dtype=np.int64)
        return Condition(name, ids=ids, indexes=indexes)
    if predicate.vocabulary == "information_classes":
        return _categories_condition(name, _class_categories(checklist, value), checklist)
    assert predicate.vocabulary is not None
    known = vocabulary_ids(checklist, predicate.vocabulary)
    indexes = np.array(sorted(known.index(v) for v in value), dtype=np.int64)
    lookup = np.zeros(len(known) + 1, dtype=bool)  # the last entry answers for UNKNOWN
    lookup[indexes] = True
    return Condition(name, ids=frozenset(value), indexes=indexes, lookup=lookup)


def _class_categories(checklist: Checklist, classes: list[str]) -> frozenset[str]:
    """The categories of the named information classes."""
    scoring = checklist.scoring
    assert scoring is not None
    return frozenset(
        c for k in scoring.information_classes if k.id in classes for c in k.categories
    )


def _categories_condition(name: str, categories: frozenset[str], checklist: Checklist) -> Condition:
    known = vocabulary_ids(checklist, "data_categories")
    indexes = np.array(sorted(known.index(c) for c in categories), dtype=np.int64)
    return Condition(name, ids=categories, indexes=indexes)


def _place_conditions(features: list[str], checklist: Checklist) -> list[Condition]:
    """One condition per place feature a rule names: its location types, or its formats."""
    scoring = checklist.scoring
    assert scoring is not None
    places = vocabulary_ids(checklist, "location_types")
    formats = vocabulary_ids(checklist, "formats")
    out = []
    for feature in (f for f in scoring.place_features if f.id in features):
        lookup = np.zeros(len(places) + 1, dtype=bool)  # the last entry answers for UNKNOWN
        lookup[[places.index(t) for t in feature.location_types]] = True
        items = np.zeros(len(formats), dtype=bool)
        items[[formats.index(f) for f in feature.formats]] = True
        out.append(
            Condition(
                PLACE_FEATURE,
                ids=frozenset(feature.location_types),
                lookup=lookup,
                formats=items,
                format_ids=frozenset(feature.formats),
            )
        )
    return out


def _leaf_mask(
    audiences: list[str], audience_leaves: dict[str, frozenset[str]], leaves: list[str]
) -> np.ndarray:
    ids = frozenset().union(*(audience_leaves[a] for a in audiences))
    return np.array([leaf in ids for leaf in leaves], dtype=bool)


def template_rules(checklist: Checklist, rules: tuple[CompiledRule, ...]) -> np.ndarray:
    """Per template (and one more for UNKNOWN): the row of the rule it recommends, or -1."""
    rows = {compiled.rule.id: row for row, compiled in enumerate(rules)}
    out = [rows.get(t.recommends, -1) if t.recommends else -1 for t in checklist.objects.templates]
    return np.array([*out, -1], dtype=np.int64)
