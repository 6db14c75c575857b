"""Pydantic models of a checklist library: the vocabularies, templates and scoring model that a
`checklists/*.yaml` file holds. Loading, line-aware errors and hashing live in `checklist.py`.

Everything a consultant might argue about (weights, levels, grids, rules) is data described here,
never a Python constant.
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

from pydantic import Field

from datawalk.scoring_section import (
    AS_NOW,
    NEEDED_BY,
    ColourName,
    DueBand,
    ExposureCoefficients,
    GapCoefficients,
    HexColour,
    Id,
    InformationClass,
    Level,
    NeedLookup,
    PlaceFeature,
    PriorityCoefficients,
    Rule,
    RuleEffect,
    Scoring,
    StaleBand,
    StaleReview,
    Strict,
    Thresholds,
    Weight,
)

# The scoring section's names are part of this schema too.
__all__ = [
    "AS_NOW",
    "NEEDED_BY",
    "Audience",
    "Checklist",
    "ColourName",
    "Control",
    "DataCategory",
    "DueBand",
    "ExposureCoefficients",
    "GapCoefficients",
    "HexColour",
    "Id",
    "InformationClass",
    "Jurisdiction",
    "Level",
    "LocationType",
    "NeedLookup",
    "PlaceFeature",
    "PriorityCoefficients",
    "ReachSpeed",
    "Rule",
    "RuleEffect",
    "Scoring",
    "Severity",
    "StaleBand",
    "StaleReview",
    "Strict",
    "Template",
    "TemplateFinding",
    "Term",
    "Thresholds",
    "TimeCriticality",
    "Vocabularies",
    "Weight",
    "WeightedTerm",
]


class Term(Strict):
    """One vocabulary entry: a stable id, a label for people and short help text."""

    id: Id
    name: str = Field(min_length=1, max_length=120)
    help: str = Field(default="", max_length=600)


class Severity(Term):
    rank: int = Field(ge=1, le=3, description="1 routine … 3 life-threatening")


class TimeCriticality(Term):
    max_minutes: int | None = Field(description="Longest acceptable wait; null means planned")
    rank: int = Field(ge=1, le=3)


class ReachSpeed(Term):
    """Ids match `models.Reach`; minutes let reach be compared with time-criticality."""

    minutes: int | None = Field(description="Typical time to reach; null means never")


class DataCategory(Term):
    sensitivity: int = Field(ge=1, le=5)
    special_category: bool = Field(default=False, description="Art 9 or Art 10 data")
    severity: Id
    time_criticality: Id
    needed_by: list[Id] = Field(default_factory=list)
    emergency_medication: bool = Field(
        default=False, description="Locking it away is itself a safeguarding gap"
    )
    lock_is_correct: bool = Field(default=False, description="Child protection, controlled drugs")
    child_protection: bool = False


class LocationType(Term):
    prompts: list[str] = Field(min_length=3)


class WeightedTerm(Term):
    weight: Weight = Field(description="Contribution to exposure; higher identifies more")


class Audience(Term):
    breadth: Weight = Field(description="Exposure weight when this audience sees without need")
    need_weight: Weight = Field(description="Availability weight when this audience cannot reach")
    contains: list[Id] = Field(default_factory=list)
    can_need: bool = Field(
        default=True,
        description="False for those who never act on pupil information (visitors, passers-by, "
        "hirers): 'Needed by' does not offer them",
    )
    seen_as: str = Field(
        default="",
        max_length=120,
        description="How reasons name them mid-sentence when the label does not read as people, "
        "e.g. 'passers-by, through a window'",
    )


class Control(Term):
    reduction: Weight = Field(default=0, description="How much exposure this control removes")
    locks_away: bool = False
    applies_to: list[Id] = Field(default_factory=list, description="Categories; empty means any")


class TemplateFinding(Strict):
    categories: list[Id] = Field(min_length=1)
    format: Id
    identifiability: Id
    detail_level: Id
    visible_to: list[Id] = Field(default_factory=list)
    needed_by: list[Id] | None = None
    reach: Id = "immediately"
    controls: list[Id] = Field(default_factory=list)
    evidence: Id = "observed"
    good_practice: bool = False
    notes: str = ""


class Template(Term):
    location_types: list[Id] = Field(default_factory=list, description="Where it is offered first")
    finding: TemplateFinding
    recommends: Id | None = Field(
        default=None, description="The rule whose action comes first for a finding made from it"
    )


# Which vocabulary each of a finding's coded fields draws from, and how a person names one entry.
# The one list: validating a finding, checking a template, and the scorer's errors all read it.
FINDING_VOCABULARIES: dict[str, tuple[str, str]] = {
    "categories": ("data_categories", "data category"),
    "format": ("formats", "format"),
    "identifiability": ("identifiability", "identifiability"),
    "detail_level": ("detail_levels", "detail level"),
    "visible_to": ("audiences", "audience"),
    "needed_by": ("audiences", "audience"),
    "reach": ("reach_speeds", "reach speed"),
    "controls": ("controls", "control"),
    "evidence": ("evidence", "kind of evidence"),
}


class Jurisdiction(Strict):
    primary: str
    notes: dict[str, str] = Field(default_factory=dict)


class Vocabularies(Strict):
    data_categories: list[DataCategory] = Field(min_length=1)
    severities: list[Severity] = Field(min_length=1)
    time_criticalities: list[TimeCriticality] = Field(min_length=1)
    reach_speeds: list[ReachSpeed] = Field(min_length=5)
    location_types: list[LocationType] = Field(min_length=1)
    formats: list[Term] = Field(min_length=1)
    identifiability: list[WeightedTerm] = Field(min_length=1)
    detail_levels: list[WeightedTerm] = Field(min_length=1)
    audiences: list[Audience] = Field(min_length=1)
    controls: list[Control] = Field(default_factory=list)
    evidence: list[Term] = Field(min_length=1)
    templates: list[Template] = Field(default_factory=list)


class Checklist(Strict):
    id: Id
    name: str
    version: int = Field(ge=1)
    locale: str = "en-GB"
    publication_date: date
    provider: str
    description: str = ""
    jurisdiction: Jurisdiction
    objects: Vocabularies
    scoring: Scoring | None = None

    def term(self, vocabulary: str, term_id: str) -> Term | None:
        """Return the entry `term_id` of a vocabulary by its field name, or None.

        Reasons and tables look labels up thousands of times per audit, so each vocabulary is
        indexed by id on first use (the checklist is frozen, so the index never goes stale). The
        index lives outside the model, so it never takes part in comparing two checklists.
        """
        return _term_index(self, vocabulary).get(term_id)

    def label(self, vocabulary: str, term_id: str) -> str:
        entry = self.term(vocabulary, term_id)
        return entry.name if entry else term_id


# Per checklist object (by identity, dropped with it): name -> what was derived from it.
_DERIVED: dict[int, tuple[weakref.ref[Checklist], dict[str, dict[Any, Any]]]] = {}


def derived(checklist: Checklist, name: str) -> dict[Any, Any]:
    """A dict that lives exactly as long as this checklist object, for what is worked out from
    it again and again (indexes by id, label text). A checklist is frozen, so nothing in it
    goes stale, and it lives outside the model, so it never takes part in comparing two."""
    key = id(checklist)
    held = _DERIVED.get(key)
    if held is None or held[0]() is not checklist:

        def forget(_gone: weakref.ref[Checklist]) -> None:
            _DERIVED.pop(key, None)

        held = (weakref.ref(checklist, forget), {})
        _DERIVED[key] = held
    return held[1].setdefault(name, {})


def _term_index(checklist: Checklist, vocabulary: str) -> dict[str, Term]:
    index = derived(checklist, f"terms of {vocabulary}")
    if not index:
        for entry in getattr(checklist.objects, vocabulary):
            index.setdefault(entry.id, entry)
    return index
