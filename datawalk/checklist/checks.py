"""Cross-reference checks that pydantic cannot express: ids unique within a vocabulary, every id
referenced exists, audience containment has no cycles, reach speeds match `models.Reach`.

A check is a function `(Checklist) -> list[(path, message)]`, where `path` is the YAML path of the
offending value, e.g. `("objects", "audiences", 3, "contains", 0)`. The loader turns each path
into `file:line: field: message`, so a check never deals with lines. Checks run only on a
checklist that pydantic accepted; `OBJECT_CHECKS` also run when just `objects` is valid.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from datawalk.models import Reach
from datawalk.vocabulary import FINDING_VOCABULARIES, Checklist, Vocabularies

Path = tuple[str | int, ...]
Issue = tuple[Path, str]
CrossCheck = Callable[[Checklist], list[Issue]]

# Which vocabulary each reference points into, per kind of entry.
_CATEGORY_REFS = {"severity": "severities", "time_criticality": "time_criticalities"}


def unique_ids(checklist: Checklist) -> list[Issue]:
    """Every id appears once within its vocabulary, so a reference can mean only one entry."""
    issues: list[Issue] = []
    for vocabulary in Vocabularies.model_fields:
        first: dict[str, int] = {}
        for index, entry in enumerate(getattr(checklist.objects, vocabulary)):
            if entry.id in first:
                where = f"objects.{vocabulary}[{first[entry.id]}]"
                issues.append(
                    (
                        (*_at(vocabulary, index), "id"),
                        f"duplicate id '{entry.id}' (already used by {where})",
                    )
                )
            first.setdefault(entry.id, index)
    return issues


def known_references(checklist: Checklist) -> list[Issue]:
    """Every id a category, audience, control or template refers to exists in its vocabulary."""
    ids = {
        name: {e.id for e in getattr(checklist.objects, name)} for name in Vocabularies.model_fields
    }
    issues: list[Issue] = []
    for index, category in enumerate(checklist.objects.data_categories):
        at = _at("data_categories", index)
        for field, vocabulary in _CATEGORY_REFS.items():
            issues += _unknown(
                ids, vocabulary, (*at, field), [getattr(category, field)], single=True
            )
        issues += _unknown(ids, "audiences", (*at, "needed_by"), category.needed_by)
    for index, audience in enumerate(checklist.objects.audiences):
        issues += _unknown(
            ids, "audiences", (*_at("audiences", index), "contains"), audience.contains
        )
    for index, control in enumerate(checklist.objects.controls):
        at = (*_at("controls", index), "applies_to")
        issues += _unknown(ids, "data_categories", at, control.applies_to)
    for index, template in enumerate(checklist.objects.templates):
        at = _at("templates", index)
        issues += _unknown(ids, "location_types", (*at, "location_types"), template.location_types)
        for field, (vocabulary, _) in FINDING_VOCABULARIES.items():
            value = getattr(template.finding, field)
            values = [value] if isinstance(value, str) else value or []
            path = (*at, "finding", field)
            issues += _unknown(ids, vocabulary, path, values, single=isinstance(value, str))
    return issues


def acyclic_containment(checklist: Checklist) -> list[Issue]:
    """No audience contains itself, directly or through others: expansion must terminate."""
    contains = {a.id: a.contains for a in checklist.objects.audiences}
    issues: list[Issue] = []
    for index, audience in enumerate(checklist.objects.audiences):
        cycle = _cycle_from(audience.id, contains)
        if cycle:
            path = (*_at("audiences", index), "contains")
            issues.append((path, "containment cycle: " + " → ".join(cycle)))
    return issues


def reach_matches_model(checklist: Checklist) -> list[Issue]:
    """Reach speed ids are exactly the `Reach` values stored on findings, so both stay in step."""
    defined = [speed.id for speed in checklist.objects.reach_speeds]
    expected = [reach.value for reach in Reach]
    issues: list[Issue] = [
        (
            (*_at("reach_speeds", index), "id"),
            f"unknown reach speed '{speed}'; expected one of " + ", ".join(expected),
        )
        for index, speed in enumerate(defined)
        if speed not in expected
    ]
    missing = [reach for reach in expected if reach not in defined]
    if missing:
        issues.append((("objects", "reach_speeds"), "missing reach speed " + ", ".join(missing)))
    return issues


def consistent_flags(checklist: Checklist) -> list[Issue]:
    """A category cannot be both emergency medication (never lock) and lock-is-correct."""
    return [
        (
            (*_at("data_categories", index), "lock_is_correct"),
            "a category cannot be both emergency medication and lock-is-correct",
        )
        for index, category in enumerate(checklist.objects.data_categories)
        if category.emergency_medication and category.lock_is_correct
    ]


def needers_can_need(checklist: Checklist) -> list[Issue]:
    """No category or template says an audience that never acts on pupil information (visitors,
    passers-by: `can_need: false`) needs it: 'Needed by' does not offer them either."""
    never = {a.id for a in checklist.objects.audiences if not a.can_need}
    issues: list[Issue] = []
    for index, category in enumerate(checklist.objects.data_categories):
        for audience in sorted(never & set(category.needed_by)):
            path = (*_at("data_categories", index), "needed_by")
            issues.append((path, f"'{audience}' cannot need anything (can_need: false)"))
    for index, template in enumerate(checklist.objects.templates):
        for audience in sorted(never & set(template.finding.needed_by or [])):
            path = (*_at("templates", index), "finding", "needed_by")
            issues.append((path, f"'{audience}' cannot need anything (can_need: false)"))
    return issues


OBJECT_CHECKS: tuple[CrossCheck, ...] = (
    unique_ids,
    known_references,
    acyclic_containment,
    reach_matches_model,
    consistent_flags,
    needers_can_need,
)


def _at(vocabulary: str, index: int) -> Path:
    return ("objects", vocabulary, index)


def _unknown(
    ids: dict[str, set[str]],
    vocabulary: str,
    path: Path,
    values: Iterable[str],
    single: bool = False,
) -> list[Issue]:
    issues: list[Issue] = []
    for position, value in enumerate(values):
        if value in ids[vocabulary]:
            continue
        close = difflib.get_close_matches(value, sorted(ids[vocabulary]), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        where = path if single else (*path, position)
        issues.append((where, f"unknown id '{value}' (not in objects.{vocabulary}){hint}"))
    return issues


def _cycle_from(start: str, contains: dict[str, list[str]]) -> list[str]:
    """Return a containment path from `start` back to itself, or [] if there is none."""
    stack: list[tuple[str, list[str]]] = [(member, [start, member]) for member in contains[start]]
    seen: set[str] = set()
    while stack:
        current, trail = stack.pop()
        if current == start:
            return trail
        if current in seen:
            continue
        seen.add(current)
        stack.extend((member, [*trail, member]) for member in contains.get(current, []))
    return []
