"""The recommendation rules and guards as people read them: one row per rule, in plain words.

Settings ("Scoring model") and the workbook's Scoring model sheet both show these rows, so a
leader or governor can check, from the audit's own checklist copy, when each step is advised,
where, who can still reach the information after it, and what the guards never allow. No
streamlit here: the pages and the workbook only lay the rows out.
"""

from __future__ import annotations

from typing import Any

from datawalk.scoring.result import CLASSIFICATION_NAMES
from datawalk.vocabulary import AS_NOW, NEEDED_BY, Checklist, Rule

# Built into the model, whatever the checklist says (see `datawalk.scoring.rules`).
BUILT_IN_FLOOR = (
    "A step is never advised where the people who can still reach the information after it "
    "leave out anyone the finding names as needing it, whatever the step does.",
    "Nothing that cuts content out of a child-protection record, or removes or shreds it, is "
    "advised: what is displayed or carried is cut down, never what is recorded.",
    "A step that names a place feature (a hatch, a cover pack, a trip bag) is advised only at a "
    "location type that has it.",
    "A quick template's own step comes first for a finding made from it.",
)

# How each predicate reads: (phrase when it names ids, phrase for true, phrase for false).
_PHRASES: dict[str, tuple[str, str, str]] = {
    "categories_any": ("category is", "", ""),
    "control_present": ("has the control", "", ""),
    "control_absent": ("lacks the control", "", ""),
    "excess_includes": ("seen without need by", "", ""),
    "missing_includes": ("cannot be reached in time by", "", ""),
    "needed_beyond": ("needed by someone other than", "", ""),
    "format_in": ("format is", "", ""),
    "identifiability_in": ("identifies pupils by", "", ""),
    "detail_in": ("shows", "", ""),
    "classification_in": ("classified", "", ""),
    "location_in": ("at", "", ""),
    "location_not_in": ("not at", "", ""),
    "template_in": ("made from the template", "", ""),
    "information_in": ("information is", "", ""),
    "information_not_in": ("information is not", "", ""),
    "side_failed": ("failing side is", "", ""),
    "reach_slower_than": ("reached more slowly than", "", ""),
    "review_overdue": ("", "its review date has passed", "its review date has not passed"),
    "good_practice": ("", "marked good practice", "not marked good practice"),
    "has_excess": ("", "someone sees it without need", "nobody sees it without need"),
    "has_missing": ("", "a needer cannot reach it in time", "every needer can reach it"),
    "has_needers": ("", "someone needs it", "nobody needs it"),
}
_VOCABULARY = {
    "categories_any": "data_categories",
    "control_present": "controls",
    "control_absent": "controls",
    "excess_includes": "audiences",
    "missing_includes": "audiences",
    "needed_beyond": "audiences",
    "format_in": "formats",
    "identifiability_in": "identifiability",
    "detail_in": "detail_levels",
    "location_in": "location_types",
    "location_not_in": "location_types",
    "template_in": "templates",
    "reach_slower_than": "reach_speeds",
}


def describe_when(checklist: Checklist, rule: Rule) -> str:
    """The rule's conditions in words, joined by "and"; a fallback says when it is used."""
    parts = [_describe(checklist, name, value) for name, value in rule.when.items()]
    text = "; and ".join(parts) if parts else "always"
    return f"{text} (only when no other step applies)" if rule.fallback else text


def _describe(checklist: Checklist, name: str, value: Any) -> str:
    ids_phrase, true_phrase, false_phrase = _PHRASES.get(name, (name, name, f"not {name}"))
    if isinstance(value, bool):
        return true_phrase if value else false_phrase
    values = value if isinstance(value, list) else [value]
    return f"{ids_phrase} {_either(_names(checklist, name, values))}"


def _names(checklist: Checklist, predicate: str, ids: list[str]) -> list[str]:
    scoring = checklist.scoring
    if predicate in ("information_in", "information_not_in") and scoring:
        names = {k.id: k.name for k in scoring.information_classes}
        return [_lower(names.get(i, i)) for i in ids]
    if predicate == "classification_in":
        return [CLASSIFICATION_NAMES.get(i, i).lower() for i in ids]
    if predicate == "side_failed":
        return list(ids)
    vocabulary = _VOCABULARY.get(predicate)
    return [checklist.label(vocabulary, i) for i in ids] if vocabulary else list(ids)


def _lower(name: str) -> str:
    """A name inside a sentence: "all staff", but "SEN" and "DSL" stay as they are."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _audiences(checklist: Checklist, ids: list[str]) -> list[str]:
    return [_lower(checklist.label("audiences", a)) for a in ids]


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _all(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def describe_reach_after(checklist: Checklist, rule: Rule) -> str:
    """Who can still reach the information after the step, in words."""
    reach = rule.reach_after
    if reach is None:
        reach = [] if rule.effect == "remove" else [NEEDED_BY]
    if AS_NOW in reach:
        return "everyone who can now"
    names = ["the needers" if a == NEEDED_BY else _audiences(checklist, [a])[0] for a in reach]
    return _all(names) if names else "nobody"


def _places(checklist: Checklist, rule: Rule) -> str:
    scoring = checklist.scoring
    features = {f.id: f for f in scoring.place_features} if scoring else {}
    named = [features[p] for p in rule.places if p in features]
    if not named:
        return "any place"
    return "; ".join(
        f"{f.name} ({', '.join(checklist.label('location_types', t) for t in f.location_types)})"
        for f in named
    )


def _does(rule: Rule) -> str:
    return ", ".join(e.replace("_", " ") for e in (rule.effect, *rule.tags))


def rule_rows(checklist: Checklist) -> list[dict[str, str]]:
    """One row per recommending rule, in checklist order."""
    scoring = checklist.scoring
    if scoring is None:
        return []
    templates: dict[str, list[str]] = {}
    for template in checklist.objects.templates:
        if template.recommends:
            templates.setdefault(template.recommends, []).append(template.name)
    return [
        {
            "Rule": rule.id,
            "When (all must hold)": describe_when(checklist, rule),
            "Where": _places(checklist, rule),
            "Step": _does(rule),
            "Who can still reach it after": describe_reach_after(checklist, rule),
            "First for templates": "; ".join(templates.get(rule.id, [])),
            "Owner": rule.owner,
            "Recommended action": " ".join(rule.action.split()),
        }
        for rule in scoring.rules
        if not rule.guard
    ]


def guard_rows(checklist: Checklist) -> list[dict[str, str]]:
    """One row per guard: when it holds, what it never lets through, and why."""
    scoring = checklist.scoring
    if scoring is None:
        return []
    return [
        {
            "Guard": rule.id,
            "When": describe_when(checklist, rule),
            "Never advises steps that": ", ".join(b.replace("_", " ") for b in rule.blocks) or "-",
            "Must stay reachable by": _all(_audiences(checklist, rule.must_reach))
            if rule.must_reach
            else "-",
            "Why": " ".join(rule.action.split()),
        }
        for rule in scoring.rules
        if rule.guard
    ]
