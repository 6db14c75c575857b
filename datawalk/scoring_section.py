"""The checklist's `scoring:` section: the level scale, the grids' thresholds, the formulas'
coefficients, review-date bands and the recommendation rules with their guards.

Part of the checklist schema (`datawalk.vocabulary` re-exports every name here); kept apart
because it is the part a consultant argues about, and it changes with each checklist version.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Weight = Annotated[float, Field(ge=0, le=5)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Basic colour names, the ones a badge can be drawn in, so a level's badge is its named colour.
ColourName = Literal["grey", "blue", "green", "yellow", "orange", "red", "violet"]


class Level(Strict):
    """One step of the scale. `colour` names `hexcolor` in words: the one name of that colour in
    Settings, the legends, the badges and the workbook. Checklists before uk_schools v3 gave
    only a RAG band (`rag`), which called a blue swatch "green"; their pinned copies still load
    and show that band as the name until the audit is rescored."""

    id: Id
    name: str
    description: str
    hexcolor: HexColour
    colour: ColourName | None = None
    rag: Literal["green", "amber", "red"] | None = None

    @model_validator(mode="after")
    def _named(self) -> Level:
        if self.colour is None and self.rag is None:
            raise ValueError("a level needs `colour`, the name of its hexcolor (grey, blue, …)")
        return self

    @property
    def colour_name(self) -> str:
        """The colour's name as every view shows it."""
        return self.colour or self.rag or ""


class Thresholds(Strict):
    """A side 'fails' at or above `concern_level` (an index into levels)."""

    concern_level: int = Field(ge=0)
    acceptable_level: int = Field(ge=0)


RuleEffect = Literal[
    "remove",
    "remove_name",
    "move",
    "minimise",
    "secure",
    "add",
    "review",
    "brief",
    "keep",
    "other",
    "cut_content",  # takes detail out of the item itself (never from a child-protection record)
    "show_photo",  # shows pupils' photos on it
    "keep_displayed",  # leaves it on display (dated, with parents told)
]
NEEDED_BY = "needed_by"  # in a rule's reach_after: every audience the finding names as needing it
AS_NOW = "as_now"  # in a rule's reach_after: the step takes it from nobody who reaches it now


class Rule(Strict):
    """A recommendation (or a guard): when it holds, what the step is, and who keeps it after."""

    id: Id
    when: dict[str, Any] = Field(description="Predicates, all of which must hold")
    action: str
    step: str = Field(
        default="",
        max_length=70,
        description="The action plan's short title for this step, e.g. 'move the {item} inside "
        "the staff cupboard'; {item} names the finding ('medical conditions list'), {what} what "
        "it is about ('medical conditions')",
    )
    owner: str
    guard: bool = False
    effect: RuleEffect = Field(
        default="other", description="What the action does; guards suppress effects by this tag"
    )
    blocks: list[RuleEffect] = Field(
        default_factory=list, description="For a guard: effects never recommended where it holds"
    )
    fallback: bool = Field(
        default=False, description="Recommended only when no other (non-fallback) rule matches"
    )
    tags: list[RuleEffect] = Field(
        default_factory=list,
        description="What else the step does (cut_content, show_photo, keep_displayed); guards "
        "block by these as by the effect",
    )
    places: list[Id] = Field(
        default_factory=list,
        description="Place features its text names (scoring.place_features); it is recommended "
        "only at a location type that has them",
    )
    reach_after: list[Id] | None = Field(
        default=None,
        description="Who can still reach the information after this step: audience ids, "
        "`needed_by` for every needer, `as_now` for a step that takes it from nobody. Blocked "
        "where that does not cover the finding's needers. Unset: the needers keep it, except "
        "after a `remove` step, which leaves nobody",
    )
    must_reach: list[Id] = Field(
        default_factory=list,
        description="For a guard: audiences every recommended step must leave able to reach it",
    )


class _Coefficients(Strict):
    """Coefficients of the `scoring:` section: typed here, in the checklist schema, so the
    section is parsed once, when the checklist loads."""


class ExposureCoefficients(_Coefficients):
    """exposure = round(breadth·B + identifiability·I + detail·D + intercept − controls·R).

    B is the breadth of the broadest excess role, I and D the identifiability and detail weights,
    R the summed reductions of the controls that apply. Clamped to floor_with_excess..5 when
    anyone sees it without need, else 0. Non-negative coefficients keep exposure monotone.
    """

    breadth: float = Field(ge=0, le=5)
    identifiability: float = Field(ge=0, le=5)
    detail: float = Field(ge=0, le=5)
    controls: float = Field(ge=0, le=5)
    intercept: float = Field(default=0, ge=-5, le=5)
    floor_with_excess: int = Field(default=1, ge=0, le=5)


class NeedLookup(_Coefficients):
    """need of a category = lookup[severity][time_criticality], 1..5; a finding takes the max."""

    lookup: dict[str, dict[str, int]]


class GapCoefficients(_Coefficients):
    """gap = round(top·M + others·(S − L)), clamped to floor_with_missing..5 when anyone is missing.

    M is the largest need weight among missing roles (groups count when wholly missing), S the
    sum and L the largest need weight over the missing leaf roles; others ≥ 0 keeps it monotone.
    """

    top: float = Field(ge=0, le=5)
    others: float = Field(ge=0, le=5)
    floor_with_missing: int = Field(default=1, ge=0, le=5)


class DueBand(_Coefficients):
    """Days from the walk to fix an action whose priority reaches `min_priority` (see actions)."""

    min_priority: float
    days: int = Field(ge=0)


class PriorityCoefficients(_Coefficients):
    """priority = Σ coefficient × term, plus the two boosts that put the worst cases first."""

    privacy_level: float = Field(ge=0)
    safeguarding_level: float = Field(ge=0)
    exposure: float = Field(default=0, ge=0)
    sensitivity: float = Field(default=0, ge=0)
    gap: float = Field(default=0, ge=0)
    need: float = Field(default=0, ge=0)
    life_threatening_gap: float = Field(
        ge=0, description="Added when a need ≥ urgent_need has a safeguarding level of concern"
    )
    child_protection_exposure: float = Field(
        ge=0, description="Added when child-protection data has a privacy level of concern"
    )
    urgent_need: int = Field(default=5, ge=1, le=5)
    due_days: list[DueBand] | None = Field(
        default=None, description="Action-plan due dates by priority band, read by datawalk.actions"
    )


class InformationClass(Strict):
    """A kind of information rules and guards can name (child protection, medical, …): a
    finding is of the class when any of its categories is."""

    id: Id
    name: str
    categories: list[Id] = Field(min_length=1)


class PlaceFeature(Strict):
    """Something a rule's text may name (a hatch, a cover pack, a trip bag): the location types
    that have it, the formats that are it (a finding about a cover pack has one wherever it is),
    and the words that name it in a rule's text."""

    id: Id
    name: str
    words: list[str] = Field(min_length=1)
    location_types: list[Id] = Field(min_length=1)
    formats: list[Id] = Field(
        default_factory=list, description="Formats that are the feature itself (a cover pack)"
    )


class StaleBand(_Coefficients):
    """A review date passed more than `after_days` ago gives this gap before weighting."""

    after_days: int = Field(ge=0)
    gap: float = Field(ge=0, le=5)
    name: str = Field(default="", max_length=60, description="e.g. 'over a term', for reasons")


class StaleReview(_Coefficients):
    """A passed review date as a graded gap, smaller than absence (checklists from uk_schools v5).

    stale gap = round(gap of the last band passed × the largest weight of the finding's
    categories' time-criticalities); the availability gap is the larger of it and the gap of
    the needers who cannot reach it. Without this section a passed review date counts every
    needer as missing, as checklists before it scored.
    """

    bands: list[StaleBand] = Field(min_length=1)
    weights: dict[str, float] = Field(description="time-criticality id -> weight 0..1")


class Scoring(Strict):
    levels: list[Level] = Field(min_length=2)
    privacy_grid: list[list[int]] = Field(description="grid[exposure 0..5][sensitivity 1..5]")
    safeguarding_grid: list[list[int]] = Field(description="grid[gap 0..5][need 1..5]")
    thresholds: Thresholds
    exposure: ExposureCoefficients
    need: NeedLookup
    gap: GapCoefficients
    priority: PriorityCoefficients
    rules: list[Rule] = Field(default_factory=list)
    commendation: str = ""
    stale_review: StaleReview | None = None
    information_classes: list[InformationClass] = Field(default_factory=list)
    place_features: list[PlaceFeature] = Field(default_factory=list)
    medication_formats: list[Id] | None = Field(
        default=None,
        description="Formats that are the medication itself (a kit, a box, a label): only there "
        "does a lock keep emergency medication away. Unset: any format, as before uk_schools v5",
    )
