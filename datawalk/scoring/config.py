"""Typed coefficients of a checklist's `scoring:` section, and its cross-checks.

`vocabulary.Scoring` keeps `exposure`, `need`, `gap` and `priority` as free mappings so that the
checklist schema does not depend on the scoring model. This module is where those mappings get
their meaning: it parses them into the models below and reports every problem as a
(yaml path, message) pair that the checklist loader turns into `file:line: message`.

It must not compute scores; `compiled.py` turns a valid section into arrays.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from datawalk.scoring.rules import check_rules
from datawalk.vocabulary import Checklist, Scoring

YamlPath = tuple[str | int, ...]
Problem = tuple[YamlPath, str]

EXPOSURE_ROWS = 6  # exposure 0..5
GAP_ROWS = 6  # availability gap 0..5
GRID_COLUMNS = 5  # sensitivity 1..5 and need 1..5


class _Coefficients(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class ScoringConfig(_Coefficients):
    exposure: ExposureCoefficients
    need: NeedLookup
    gap: GapCoefficients
    priority: PriorityCoefficients


def parse_config(scoring: Scoring) -> tuple[ScoringConfig | None, list[Problem]]:
    """Return the typed coefficients, or None with every problem found in them."""
    sections: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, model in (
        ("exposure", ExposureCoefficients),
        ("need", NeedLookup),
        ("gap", GapCoefficients),
        ("priority", PriorityCoefficients),
    ):
        try:
            sections[name] = model.model_validate(getattr(scoring, name))
        except PydanticValidationError as error:
            problems.extend(
                (("scoring", name, *detail["loc"]), _message(detail, model))
                for detail in error.errors()
            )
    if problems:
        return None, problems
    return ScoringConfig(**sections), []


def _message(detail: Any, model: type[BaseModel]) -> str:
    if detail["type"] == "extra_forbidden":
        return f"unknown coefficient; expected one of {', '.join(model.model_fields)}"
    return str(detail["msg"])


def check_scoring(checklist: Checklist) -> list[Problem]:
    """Return (yaml path, message) for every inconsistency of the scoring section.

    Covers what pydantic alone cannot see: grid shapes, level indexes, thresholds, the need lookup
    against the severity and time-criticality vocabularies, and every rule's predicates and ids.
    """
    scoring = checklist.scoring
    if scoring is None:
        return []
    problems = _check_levels(scoring)
    n_levels = len(scoring.levels)
    problems += _check_grid(scoring.privacy_grid, "privacy_grid", EXPOSURE_ROWS, n_levels)
    problems += _check_grid(scoring.safeguarding_grid, "safeguarding_grid", GAP_ROWS, n_levels)
    problems += _check_thresholds(scoring, n_levels)
    config, config_problems = parse_config(scoring)
    problems += config_problems
    if config is not None:
        problems += _check_need_lookup(config.need, checklist)
    problems += check_rules(scoring.rules, checklist)
    return problems


def _check_levels(scoring: Scoring) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    colours: set[str] = set()
    for index, level in enumerate(scoring.levels):
        if level.id in seen:
            problems.append(
                (("scoring", "levels", index, "id"), f"duplicate level id {level.id!r}")
            )
        seen.add(level.id)
        if level.colour is not None and level.colour in colours:
            problems.append(
                (
                    ("scoring", "levels", index, "colour"),
                    f"colour {level.colour!r} names two levels; give each level its own colour",
                )
            )
        colours.add(level.colour or "")
    return problems


def _check_grid(grid: list[list[int]], name: str, rows: int, n_levels: int) -> list[Problem]:
    path: YamlPath = ("scoring", name)
    axis = "exposure" if name == "privacy_grid" else "availability gap"
    column_axis = "sensitivity" if name == "privacy_grid" else "need"
    problems: list[Problem] = []
    if len(grid) != rows:
        problems.append(
            (path, f"{name} has {len(grid)} rows; expected {rows} ({axis} 0 to {rows - 1})")
        )
    for row_index, row in enumerate(grid):
        if len(row) != GRID_COLUMNS:
            problems.append(
                (
                    (*path, row_index),
                    f"{name} row {row_index} has {len(row)} cells; expected {GRID_COLUMNS} "
                    f"({column_axis} 1 to {GRID_COLUMNS})",
                )
            )
        for column_index, cell in enumerate(row):
            if not 0 <= cell < n_levels:
                problems.append(
                    (
                        (*path, row_index, column_index),
                        f"{name}[{row_index}][{column_index}] refers to level {cell}, but only "
                        f"levels 0 to {n_levels - 1} exist",
                    )
                )
    return problems


def _check_thresholds(scoring: Scoring, n_levels: int) -> list[Problem]:
    thresholds = scoring.thresholds
    problems: list[Problem] = []
    for field in ("concern_level", "acceptable_level"):
        value = getattr(thresholds, field)
        if value >= n_levels:
            problems.append(
                (
                    ("scoring", "thresholds", field),
                    f"{field} refers to level {value}, but only levels 0 to {n_levels - 1} exist",
                )
            )
    if thresholds.acceptable_level >= thresholds.concern_level:
        problems.append(
            (
                ("scoring", "thresholds", "acceptable_level"),
                "acceptable_level must be below concern_level",
            )
        )
    return problems


def _check_need_lookup(need: NeedLookup, checklist: Checklist) -> list[Problem]:
    severities = [term.id for term in checklist.objects.severities]
    criticalities = [term.id for term in checklist.objects.time_criticalities]
    path: YamlPath = ("scoring", "need", "lookup")
    problems: list[Problem] = []
    for severity, row in need.lookup.items():
        if severity not in severities:
            problems.append(((*path, severity), f"unknown severity {severity!r}"))
            continue
        for criticality, value in row.items():
            if criticality not in criticalities:
                problems.append(
                    ((*path, severity, criticality), f"unknown time-criticality {criticality!r}")
                )
            elif not 1 <= value <= GRID_COLUMNS:
                problems.append(
                    ((*path, severity, criticality), f"need must be 1 to 5, got {value}")
                )
    for severity in severities:
        row = need.lookup.get(severity, {})
        gaps = [criticality for criticality in criticalities if criticality not in row]
        if gaps:
            problems.append(
                (
                    (*path, severity) if severity in need.lookup else path,
                    f"need lookup has no value for severity {severity!r} with "
                    f"time-criticality {', '.join(repr(g) for g in gaps)}",
                )
            )
    return problems
