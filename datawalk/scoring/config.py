"""Cross-checks of a checklist's `scoring:` section that its schema alone cannot see.

The coefficients are typed in the checklist schema (`vocabulary.Scoring`) and parsed once, when
the checklist loads; this module checks what spans fields (grid shapes against the levels, the
need lookup against the vocabularies, every rule's predicates and ids) and reports each problem
as a (yaml path, message) pair that the loader turns into `file:line: message`.

It must not compute scores; `compiled.py` turns a valid section into arrays.
"""

from __future__ import annotations

from typing import Any

from datawalk.scoring.rule_checks import check_rules
from datawalk.vocabulary import Checklist, NeedLookup, Scoring

YamlPath = tuple[str | int, ...]
Problem = tuple[YamlPath, str]

EXPOSURE_ROWS = 6  # exposure 0..5
GAP_ROWS = 6  # availability gap 0..5
GRID_COLUMNS = 5  # sensitivity 1..5 and need 1..5


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
    problems += _check_need_lookup(scoring.need, checklist)
    problems += check_rules(scoring.rules, checklist)
    problems += _check_stale_review(scoring, checklist)
    return problems


def stale_review_rows(checklist: Checklist) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The graded review-date bands and weights as Settings and the workbook show them; both
    empty when the checklist does not grade a passed review date (before uk_schools v5)."""
    stale = checklist.scoring.stale_review if checklist.scoring else None
    if stale is None:
        return [], []
    bands = [
        {
            "Review date passed": f"more than {band.after_days} days ago"
            + (f" ({band.name})" if band.name else ""),
            "Gap before weighting": band.gap,
        }
        for band in stale.bands
    ]
    weights = [
        {"Time-criticality": checklist.label("time_criticalities", criticality), "Weight": weight}
        for criticality, weight in stale.weights.items()
    ]
    return bands, weights


def _check_stale_review(scoring: Scoring, checklist: Checklist) -> list[Problem]:
    """Bands in increasing order of days, and a weight 0..1 for every time-criticality."""
    stale = scoring.stale_review
    if stale is None:
        return []
    path: YamlPath = ("scoring", "stale_review")
    problems: list[Problem] = []
    days = [band.after_days for band in stale.bands]
    if days != sorted(set(days)):
        problems.append(((*path, "bands"), "bands must be in increasing order of after_days"))
    criticalities = [term.id for term in checklist.objects.time_criticalities]
    for criticality, weight in stale.weights.items():
        if criticality not in criticalities:
            problems.append(
                ((*path, "weights", criticality), f"unknown time-criticality {criticality!r}")
            )
        elif not 0 <= weight <= 1:
            problems.append(((*path, "weights", criticality), "a weight must be 0 to 1"))
    unweighted = [c for c in criticalities if c not in stale.weights]
    if unweighted:
        problems.append(
            ((*path, "weights"), f"no weight for time-criticality {', '.join(unweighted)}")
        )
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
