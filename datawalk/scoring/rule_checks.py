"""Checking a checklist's recommendation rules when it loads: every predicate known, every id
in its vocabulary, guards shaped as guards, and the classes, place features and templates the
rules name all defined. Each problem is a (yaml path, message) pair, so the loader can name the
file and line.
"""

from __future__ import annotations

import difflib
from typing import Any

from datawalk.scoring.rules import PREDICATES, Problem, vocabulary_ids
from datawalk.vocabulary import AS_NOW, NEEDED_BY, Checklist, Rule


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
        problems += _check_references(rule, at, checklist)
    return problems + _check_classes(checklist) + _check_templates(rules, checklist)


def _check_references(rule: Rule, at: tuple[str | int, ...], checklist: Checklist) -> list[Problem]:
    """A rule's places, reach_after and must_reach name known ids."""
    audiences = vocabulary_ids(checklist, "audiences")
    problems = _unknown_ids(
        rule.places, vocabulary_ids(checklist, "place_features"), "place_features", (*at, "places")
    )
    if rule.reach_after is not None:
        known = [*audiences, NEEDED_BY, AS_NOW]
        problems += _unknown_ids(rule.reach_after, known, "audiences", (*at, "reach_after"))
        if rule.guard:
            problems.append(((*at, "reach_after"), "a guard takes must_reach, not reach_after"))
    problems += _unknown_ids(rule.must_reach, audiences, "audiences", (*at, "must_reach"))
    if rule.must_reach and not rule.guard:
        problems.append(((*at, "must_reach"), "only a guard (guard: true) takes must_reach"))
    return problems


def _check_classes(checklist: Checklist) -> list[Problem]:
    """Information classes name known categories; place features name known location types."""
    scoring = checklist.scoring
    if scoring is None:
        return []
    problems: list[Problem] = []
    categories = vocabulary_ids(checklist, "data_categories")
    for index, kind in enumerate(scoring.information_classes):
        at: tuple[str | int, ...] = ("scoring", "information_classes", index, "categories")
        problems += _unknown_ids(kind.categories, categories, "data_categories", at)
    places = vocabulary_ids(checklist, "location_types")
    for index, feature in enumerate(scoring.place_features):
        at = ("scoring", "place_features", index, "location_types")
        problems += _unknown_ids(feature.location_types, places, "location_types", at)
        at = ("scoring", "place_features", index, "formats")
        problems += _unknown_ids(
            feature.formats, vocabulary_ids(checklist, "formats"), "formats", at
        )
    return problems


def _check_templates(rules: list[Rule], checklist: Checklist) -> list[Problem]:
    """A template recommends a known rule that is neither a guard nor a fallback."""
    advice = [r.id for r in rules if not r.guard and not r.fallback]
    problems: list[Problem] = []
    for index, template in enumerate(checklist.objects.templates):
        if template.recommends is not None:
            at = ("objects", "templates", index, "recommends")
            problems += _unknown_ids([template.recommends], advice, "rules", at, single=True)
    return problems


def _check_shape(rule: Rule, at: tuple[str | int, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if not rule.action.strip():
        problems.append(((*at, "action"), "a rule needs action text"))
    if not rule.owner.strip():
        problems.append(((*at, "owner"), "a rule needs an owner role"))
    if not rule.guard and rule.blocks:
        problems.append(((*at, "blocks"), "only a guard (guard: true) can block effects"))
    if rule.guard and rule.fallback:
        problems.append(((*at, "fallback"), "a guard cannot be a fallback"))
    if not rule.when and not (rule.fallback or rule.guard):
        problems.append(((*at, "when"), "a rule with no conditions must be marked fallback: true"))
    if rule.guard and not (rule.blocks or rule.must_reach):
        problems.append(((*at, "blocks"), "a guard must list the effects it blocks"))
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
    known = vocabulary_ids(checklist, predicate.vocabulary)
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
