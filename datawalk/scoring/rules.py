"""Declarative recommendation rules: a fixed registry of predicates, never `eval`.

A rule's `when` maps predicate names to values; all must hold. Each predicate is one mask over a
frame's `FrameFacts` (boolean matrices; one finding is a frame of one row), so there is one
evaluator to keep right. Guards are rules too: where a guard holds, the effects it `blocks` are
never recommended. One guard is built in because it is the model itself: where anyone genuinely
needs the information, nothing that removes it is recommended (it is moved or minimised instead).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from datawalk.scoring.result import CLASSIFICATIONS
from datawalk.vocabulary import Checklist, Rule

Problem = tuple[tuple[str | int, ...], str]
REMOVE = "remove"  # the effect the built-in need guard blocks


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


@dataclass(frozen=True)
class Condition:
    predicate: str
    ids: frozenset[str] = frozenset()
    indexes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lookup: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    flag: bool = True
    minutes: float = 0.0


@dataclass(frozen=True)
class Predicate:
    kind: Literal["ids", "bool", "reach"]
    vocabulary: str | None  # a Vocabularies field, "classifications", or None
    vector: Callable[[FrameFacts, Condition], np.ndarray]


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    conditions: tuple[Condition, ...]

    def mask(self, frame: FrameFacts) -> np.ndarray:
        result = np.ones(len(frame.overdue), dtype=bool)
        for condition in self.conditions:
            result &= PREDICATES[condition.predicate].vector(frame, condition)
        return result


def _any_of(matrix: np.ndarray, c: Condition) -> np.ndarray:
    return np.logical_or.reduce(matrix[c.indexes], axis=0)


def _set_any(name: str) -> Predicate:
    vocabulary = {"categories": "data_categories", "controls": "controls"}[name]
    return Predicate("ids", vocabulary, lambda f, c: _any_of(getattr(f, name), c))


def _audience_any(name: str) -> Predicate:
    return Predicate("ids", "audiences", lambda f, c: _any_of(getattr(f, name), c))


def _one_of(name: str, vocabulary: str) -> Predicate:
    return Predicate("ids", vocabulary, lambda f, c: c.lookup[getattr(f, name)])


def _flag(vector: Callable[[FrameFacts], np.ndarray]) -> Predicate:
    return Predicate("bool", None, lambda f, c: vector(f) == c.flag)


PREDICATES: dict[str, Predicate] = {
    "categories_any": _set_any("categories"),
    "control_present": _set_any("controls"),
    "control_absent": Predicate("ids", "controls", lambda f, c: ~_any_of(f.controls, c)),
    "excess_includes": _audience_any("excess"),
    "missing_includes": _audience_any("missing"),
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
}


def _vocabulary_ids(checklist: Checklist, vocabulary: str) -> list[str]:
    if vocabulary == "classifications":
        return list(CLASSIFICATIONS)
    return [entry.id for entry in getattr(checklist.objects, vocabulary)]


def check_rules(rules: list[Rule], checklist: Checklist) -> list[Problem]:
    """Return (yaml path, message) for unknown predicates, bad values and unknown ids."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        at: tuple[str | int, ...] = ("scoring", "rules", index)
        if rule.id in seen:
            problems.append(((*at, "id"), f"duplicate rule id {rule.id!r}"))
        seen.add(rule.id)
        problems += _check_shape(rule, at)
        for name, value in rule.when.items():
            problems += _check_condition(name, value, (*at, "when", name), checklist)
    return problems


def _check_shape(rule: Rule, at: tuple[str | int, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if not rule.action.strip():
        problems.append(((*at, "action"), "a rule needs action text"))
    if not rule.owner.strip():
        problems.append(((*at, "owner"), "a rule needs an owner role"))
    if rule.guard and not rule.blocks:
        problems.append(((*at, "blocks"), "a guard must list the effects it blocks"))
    if not rule.guard and rule.blocks:
        problems.append(((*at, "blocks"), "only a guard (guard: true) can block effects"))
    if rule.guard and rule.fallback:
        problems.append(((*at, "fallback"), "a guard cannot be a fallback"))
    if not rule.when and not (rule.fallback or rule.guard):
        problems.append(((*at, "when"), "a rule with no conditions must be marked fallback: true"))
    return problems


def _check_condition(
    name: str, value: Any, at: tuple[str | int, ...], checklist: Checklist
) -> list[Problem]:
    predicate = PREDICATES.get(name)
    if predicate is None:
        close = difflib.get_close_matches(name, sorted(PREDICATES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(PREDICATES)}"
        return [(at, f"unknown predicate {name!r}{hint}")]
    if predicate.kind == "bool":
        return [] if isinstance(value, bool) else [(at, f"{name} takes true or false")]
    assert predicate.vocabulary is not None
    known = _vocabulary_ids(checklist, predicate.vocabulary)
    if predicate.kind == "reach":
        if not isinstance(value, str):
            return [(at, f"{name} takes one reach speed id")]
        return _unknown_ids([value], known, predicate.vocabulary, at, single=True)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return [(at, f"{name} takes a non-empty list of ids")]
    return _unknown_ids(value, known, predicate.vocabulary, at)


def _unknown_ids(
    values: list[str], known: list[str], vocabulary: str, at: tuple[str | int, ...], single=False
) -> list[Problem]:
    problems: list[Problem] = []
    for position, value in enumerate(values):
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            where = at if single else (*at, position)
            problems.append((where, f"unknown id {value!r} (not in {vocabulary}){hint}"))
    return problems


def compile_rules(
    rules: list[Rule], checklist: Checklist, audience_leaves: dict[str, frozenset[str]]
) -> tuple[CompiledRule, ...]:
    """Return the rules with each condition's ids resolved to sets and column indexes."""
    leaves = [a.id for a in checklist.objects.audiences if not a.contains]
    reach_minutes = {r.id: r.minutes for r in checklist.objects.reach_speeds}
    compiled = []
    for rule in rules:
        conditions = []
        for name, value in rule.when.items():
            predicate = PREDICATES[name]
            if predicate.kind == "bool":
                conditions.append(Condition(name, flag=bool(value)))
            elif predicate.kind == "reach":
                minutes = reach_minutes[value]
                conditions.append(Condition(name, minutes=np.inf if minutes is None else minutes))
            elif predicate.vocabulary == "audiences":
                ids = frozenset().union(*(audience_leaves[v] for v in value))
                indexes = np.array(sorted(leaves.index(i) for i in ids), dtype=np.int64)
                conditions.append(Condition(name, ids=ids, indexes=indexes))
            else:
                assert predicate.vocabulary is not None
                known = _vocabulary_ids(checklist, predicate.vocabulary)
                indexes = np.array(sorted(known.index(v) for v in value), dtype=np.int64)
                lookup = np.zeros(len(known), dtype=bool)
                lookup[indexes] = True
                conditions.append(
                    Condition(name, ids=frozenset(value), indexes=indexes, lookup=lookup)
                )
        compiled.append(CompiledRule(rule, tuple(conditions)))
    return tuple(compiled)


@dataclass(frozen=True)
class RuleChoice:
    """Per rule and finding (rules × n): what is recommended, and which guards held back
    something that would otherwise have been (their actions become reasons)."""

    chosen: np.ndarray
    noted_guards: np.ndarray


def rule_matrix(rules: tuple[CompiledRule, ...], frame: FrameFacts) -> RuleChoice:
    """Return which rules are recommended for each finding, guards applied.

    A fallback is recommended only where no specific rule is; a guard is noted where a rule it
    blocks held, and the built-in need guard blocks removal wherever anyone needs the information.
    """
    n = len(frame.overdue)
    holds = np.zeros((len(rules), n), dtype=bool)
    for row, compiled in enumerate(rules):
        holds[row] = compiled.mask(frame)
    has_needers = np.logical_or.reduce(frame.needed, axis=0)
    blocking: dict[str, np.ndarray] = {REMOVE: has_needers}
    for row, compiled in enumerate(rules):
        for effect in compiled.rule.blocks if compiled.rule.guard else ():
            blocking[effect] = blocking.get(effect, np.zeros(n, dtype=bool)) | holds[row]
    chosen = np.zeros_like(holds)
    suppressed: dict[str, np.ndarray] = {}
    for row, compiled in enumerate(rules):
        rule = compiled.rule
        if rule.guard:
            continue
        blocked = blocking.get(rule.effect)
        if blocked is None:
            chosen[row] = holds[row]
            continue
        chosen[row] = holds[row] & ~blocked
        held_back = holds[row] & blocked
        suppressed[rule.effect] = suppressed.get(rule.effect, np.zeros(n, dtype=bool)) | held_back
    fallback = np.array([r.rule.fallback for r in rules], dtype=bool)
    any_specific = chosen[~fallback].any(axis=0)
    chosen[fallback] &= ~any_specific
    noted = np.zeros_like(holds)
    for row, compiled in enumerate(rules):
        if compiled.rule.guard:
            hit = [suppressed[e] for e in compiled.rule.blocks if e in suppressed]
            noted[row] = holds[row] & np.logical_or.reduce(hit) if hit else False
    return RuleChoice(chosen=chosen, noted_guards=noted)
