"""The two-sided model, vectorised with numpy: the one scorer, for a whole audit or one finding.

Each audience, category and control set becomes a boolean matrix (vocabulary × findings, see
`matrices.py`); containment, weights, grids and rules are whole-array operations, so nothing on
the hot path loops over findings in Python. One finding is scored as a frame of one row.

Input comes as columns: a DataFrame from `findings_to_frame`, or `finding_columns` straight from
Finding models (no pandas on the walk page's one-row path). Arithmetic is on integers scaled by
`SCALE` (see `compiled.py`), so rounding is exact. The reference date (`today`) is always passed
in: scoring an old walk must not change because the calendar moved.

A plain-Python reference scorer lives in the tests; a property test holds this module to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from datawalk.errors import ValidationError
from datawalk.models import Finding
from datawalk.scoring.availability import graded_stale_gap, leaf_reach
from datawalk.scoring.compiled import SCALE, Compiled, compile_checklist
from datawalk.scoring.formulas import exposure_values, gap_values, priority_values
from datawalk.scoring.matrices import (
    any_of,
    decode_columns,
    encode_ids,
    encode_sets,
    masked_max,
    masked_min,
    names_of,
    role_names,
    to_leaves,
)
from datawalk.scoring.result import BOTH, CLASSIFICATIONS, OVER_EXPOSED, UNDER_AVAILABLE
from datawalk.scoring.rule_choice import RuleChoice, first_rules, rule_matrix
from datawalk.scoring.rules import FrameFacts
from datawalk.vocabulary import Checklist

INPUT_COLUMNS = (
    "finding_id",
    "reference",
    "audit_id",
    "location_id",
    "categories",
    "format",
    "identifiability",
    "detail_level",
    "visible_to",
    "needed_by",
    "reach",
    "needed_reach",
    "controls",
    "review_date",
    "need_override",
    "good_practice",
    "good_practice_note",
)
SCORED_COLUMNS = INPUT_COLUMNS[4:16]
SET_COLUMNS = ("categories", "visible_to", "needed_by", "controls")
# Optional in a frame: a frame without it scores every needer at its default reach.
OPTIONAL_COLUMNS = ("needed_reach",)
Columns = Mapping[str, Any]
# Optional context, read by recommendation rules only: the type of the finding's location (from
# `places`, location id -> type) and the quick template it was made from.
CONTEXT_COLUMNS = ("location_type", "template_id")


def resolve_today(today: date | None) -> date:
    """Return the reference date: the one given (the walk date), else the calendar's today."""
    return today if today is not None else date.today()


def finding_columns(
    findings: Sequence[Finding], places: Mapping[str, str] | None = None
) -> dict[str, np.ndarray]:
    """Return the scoring input as numpy columns, one entry per finding, without pandas.

    `places` maps location ids to location types, so advice can fit the place; without it,
    rules that name a place feature hold nowhere.
    """
    n = len(findings)
    columns: dict[str, np.ndarray] = {}
    where = places or {}
    columns["location_type"] = np.array([where.get(f.location_id) for f in findings], object)
    columns["template_id"] = np.array([f.template_id for f in findings], dtype=object)
    for name in INPUT_COLUMNS:
        column = np.empty(n, dtype=object)
        for row, finding in enumerate(findings):
            value = getattr(finding, "id" if name == "finding_id" else name)
            column[row] = tuple(value) if name in SET_COLUMNS else value
        columns[name] = column
    columns["reach"] = np.array([str(f.reach) for f in findings], dtype=object)
    for row, finding in enumerate(findings):
        columns["needed_reach"][row] = given_reach_pairs(finding.needed_reach)
    columns["review_date"] = np.array(
        [
            np.datetime64(f.review_date, "ns") if f.review_date else np.datetime64("NaT", "ns")
            for f in findings
        ],
        dtype="datetime64[ns]",
    )
    columns["need_override"] = np.array(
        [np.nan if f.need_override is None else f.need_override for f in findings], dtype=float
    )
    columns["good_practice"] = np.array([f.good_practice for f in findings], dtype=bool)
    return columns


def given_reach_pairs(given: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """A finding's per-audience reach as sorted (audience, reach) pairs: hashable, canonical."""
    return tuple(sorted((audience, str(reach)) for audience, reach in given.items()))


def findings_to_frame(
    findings: Iterable[Finding], places: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Return one row per finding with the columns scoring reads; sets become tuples."""
    columns = finding_columns(list(findings), places)
    frame = pd.DataFrame({name: columns[name] for name in (*INPUT_COLUMNS, *CONTEXT_COLUMNS)})
    frame["need_override"] = frame["need_override"].astype("Int64")
    return frame


@dataclass(frozen=True)
class FrameScores:
    """Every array the model computes for n findings: the scores, and what reasons are built
    from (leaf-role matrices, the rules chosen and the guards that held something back)."""

    columns: dict[str, Any]
    visible: np.ndarray
    needed: np.ndarray
    too_slow: np.ndarray  # n: the finding's own reach is slower than its categories allow
    given: np.ndarray  # leaves × n: the leaf's reach was given per audience, not defaulted
    limit: np.ndarray  # n: minutes allowed by the most time-critical category
    overdue: np.ndarray
    stale_days: np.ndarray  # n: days since the review date passed (0 when it has not)
    stale_gap: np.ndarray  # n: the graded gap of a passed review date (0 before v5)
    locked_emergency: np.ndarray
    anonymous: np.ndarray
    rules: RuleChoice


def score_frame(
    frame: pd.DataFrame, checklist: Checklist, today: date | None = None, explain: bool = False
) -> pd.DataFrame:
    """Return the scores of every row of a findings frame, indexed like the input.

    Columns: finding_id, reference, exposure, sensitivity, privacy_level, privacy_level_index,
    need, availability_gap, safeguarding_level, safeguarding_level_index, classification,
    priority, excess, missing, rule_ids, commendation (and reasons when explain=True).

    Raises:
        ValidationError: a row uses an id the checklist does not define, or a column is missing.
        ChecklistError: the checklist has no valid scoring section.
    """
    missing_columns = [
        c for c in SCORED_COLUMNS if c not in frame.columns and c not in OPTIONAL_COLUMNS
    ]
    if missing_columns:
        raise ValidationError(f"findings frame lacks {', '.join(missing_columns)}")
    columns = {
        name: frame[name].to_numpy()
        for name in (*INPUT_COLUMNS, *CONTEXT_COLUMNS)
        if name in frame.columns
    }
    if "needed_reach" not in columns:
        columns["needed_reach"] = np.full(len(frame), None, dtype=object)
    columns["review_date"] = pd.to_datetime(frame["review_date"]).to_numpy(dtype="datetime64[ns]")
    columns["need_override"] = (
        frame["need_override"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    )
    columns["good_practice"] = frame["good_practice"].fillna(False).to_numpy(dtype=bool)
    model = compile_checklist(checklist)
    day = resolve_today(today)
    scores = score_columns(columns, model, day)
    result = pd.DataFrame(scores.columns, index=frame.index)
    if explain:
        from datawalk.scoring.explained import reasons_of  # prose only when someone reads it

        result["reasons"] = reasons_of(columns, scores, model)
    return result


def score_columns(columns: Columns, model: Compiled, today: date) -> FrameScores:
    """Score n findings given as columns (see `finding_columns`); the arrays behind every figure.

    Raises:
        ValidationError: a row uses an id the checklist does not define.
    """
    n = len(columns["format"])
    name = f"{model.checklist.id} v{model.checklist.version}"
    cats = encode_sets(columns["categories"], model.categories, "categories", name)
    if n and not cats.any(axis=0).all():
        raise ValidationError("a finding needs at least one data category", field="categories")
    visible = to_leaves(
        model, encode_sets(columns["visible_to"], model.audiences, "visible_to", name)
    )
    needed = to_leaves(model, encode_sets(columns["needed_by"], model.audiences, "needed_by", name))
    controls = encode_sets(columns["controls"], model.controls, "controls", name)
    reach = encode_ids(columns["reach"], model.reaches, "reach", name)
    identifiability = encode_ids(
        columns["identifiability"], model.identifiability, "identifiability", name
    )
    detail = encode_ids(columns["detail_level"], model.detail_levels, "detail_level", name)
    formats = encode_ids(columns["format"], model.formats, "format", name)

    named = model.identifiability_weight[identifiability] > 0
    excess = visible & ~needed & named
    reach_minutes = model.reach_minutes[reach]
    limit = masked_min(cats, model.limit_minutes, np.inf)
    too_slow = np.isinf(reach_minutes) | (reach_minutes > limit)
    leaf_minutes, given = leaf_reach(model, columns["needed_reach"], visible, reach_minutes, name)
    leaf_slow = np.isinf(leaf_minutes) | (leaf_minutes > limit)
    review = np.asarray(columns["review_date"])
    overdue = review < np.datetime64(today, "ns")
    stale_days = np.where(overdue, (np.datetime64(today, "D") - review.astype("datetime64[D]")), 0)
    stale_days = stale_days.astype(np.int64)
    stale_gap = graded_stale_gap(model, cats, stale_days, overdue)
    # Before graded review dates (v5), a passed one counted every needer as missing.
    overdue_misses = overdue if model.stale_after_days is None else np.zeros_like(overdue)
    locked = any_of(controls, model.locks_away) & any_of(cats, model.emergency)
    if model.medication_format is not None:  # the item is the medication: a kit, box or label
        locked &= model.medication_format[formats]
    missing = needed & (leaf_slow | overdue_misses | locked)

    applied = controls & _applies(model, cats)
    exposure = exposure_values(model, excess, applied, identifiability, detail)
    sensitivity = masked_max(cats, model.sensitivity, 1)
    need = masked_max(cats, model.category_need, 1)
    override = np.asarray(columns["need_override"], dtype=float)
    need = np.where(np.isnan(override), need, np.nan_to_num(override)).astype(np.int64)
    has_needers = np.logical_or.reduce(needed, axis=0)
    gap = np.maximum(gap_values(model, missing), np.where(has_needers, stale_gap, 0))

    privacy = model.privacy_grid[exposure, sensitivity - 1]
    safeguarding = model.safeguarding_grid[gap, need - 1]
    exposed = privacy >= model.concern_level
    unavailable = safeguarding >= model.concern_level
    classification = np.select(
        [exposed & unavailable, exposed, unavailable],
        [CLASSIFICATIONS.index(c) for c in (BOTH, OVER_EXPOSED, UNDER_AVAILABLE)],
        default=CLASSIFICATIONS.index("proportionate"),
    )
    exposed_cp = any_of(cats, model.child_protection) & exposed
    priority = priority_values(
        model, privacy, safeguarding, exposure, sensitivity, gap, need, exposed_cp
    )
    good_practice = np.asarray(columns["good_practice"], dtype=bool)
    facts = FrameFacts(
        categories=cats,
        format=formats,
        identifiability=identifiability,
        detail_level=detail,
        controls=controls,
        excess=excess,
        missing=missing,
        needed=needed,
        reach_minutes=reach_minutes,
        overdue=overdue,
        classification=classification,
        good_practice=good_practice,
        child_protection=any_of(cats, model.child_protection),
        location_type=_context_codes(columns, "location_type", model.location_types, n),
        template=_context_codes(columns, "template_id", model.templates, n),
    )
    commended = good_practice & (np.maximum(privacy, safeguarding) <= model.acceptable_level)
    choice = rule_matrix(model.rules, facts, model.template_rule, model.guard_blocks)
    choice = RuleChoice(chosen=choice.chosen & ~commended, noted_guards=choice.noted_guards)
    level_ids = np.array([level.id for level in model.levels], dtype=object)
    rule_ids = tuple(r.rule.id for r in model.rules)
    scores = {
        "finding_id": columns.get("finding_id"),
        "reference": columns.get("reference"),
        "exposure": exposure,
        "sensitivity": sensitivity,
        "privacy_level": level_ids[privacy],
        "privacy_level_index": privacy,
        "need": need,
        "availability_gap": gap,
        "safeguarding_level": level_ids[safeguarding],
        "safeguarding_level_index": safeguarding,
        "classification": np.array(CLASSIFICATIONS, dtype=object)[classification],
        "priority": priority / SCALE,
        "excess": decode_columns(excess, lambda sets: role_names(model, sets)),
        "missing": decode_columns(missing, lambda sets: role_names(model, sets)),
        "rule_ids": _first_rule_first(
            decode_columns(choice.chosen, lambda sets: names_of(rule_ids, sets)),
            first_rules(model.template_rule, facts, choice.chosen),
            rule_ids,
        ),
        "commendation": _commendations(columns, model, commended),
    }
    return FrameScores(
        columns=scores,
        visible=visible,
        needed=needed,
        too_slow=too_slow,
        given=given,
        limit=limit,
        overdue=overdue,
        stale_days=stale_days,
        stale_gap=stale_gap,
        locked_emergency=locked,
        anonymous=~named & (visible & ~needed).any(axis=0),
        rules=choice,
    )


def _context_codes(columns: Columns, name: str, vocabulary: tuple[str, ...], n: int) -> np.ndarray:
    """Codes of an optional context column; UNKNOWN (-1) where absent, empty or not defined."""
    values = columns.get(name)
    if values is None:
        return np.full(n, -1, dtype=np.int64)
    where = {term: position for position, term in enumerate(vocabulary)}
    return np.fromiter((where.get(v, -1) for v in values), dtype=np.int64, count=n)


def _first_rule_first(ids: np.ndarray, first: np.ndarray, rule_ids: tuple[str, ...]) -> np.ndarray:
    """Put a finding's template rule first among its recommendations (a quick template carries
    its own recommended action)."""
    for row in np.flatnonzero(first >= 0):
        rule = rule_ids[first[row]]
        ids[row] = (rule, *(r for r in ids[row] if r != rule))
    return ids


def _applies(model: Compiled, cats: np.ndarray) -> np.ndarray:
    """Return controls × n: whether each control applies to any of a finding's categories."""
    out = np.ones((len(model.controls), cats.shape[1]), dtype=bool)
    for row, categories in enumerate(model.applies):
        if not categories.all():
            out[row] = any_of(cats, categories)
    return out


def _commendations(columns: Columns, model: Compiled, commended: np.ndarray) -> np.ndarray:
    scoring = model.checklist.scoring
    text = scoring.commendation if scoring and scoring.commendation else "Good practice."
    out = np.full(len(commended), "", dtype=object)
    notes = columns.get("good_practice_note")
    for row in np.flatnonzero(commended):
        note = notes[row] if notes is not None else ""
        note = note.strip() if isinstance(note, str) else ""
        out[row] = f"{text} {note}" if note else text
    return out
