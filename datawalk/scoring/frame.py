"""The two-sided model over a whole DataFrame of findings, vectorised with numpy.

Each audience, category and control set becomes a boolean matrix (vocabulary × findings, see
`matrices.py`); containment, weights, grids and rules are whole-array operations, so nothing on
the hot path loops over findings in Python. Reasons are the exception: they are prose, built per
row by the single-finding code, and only when asked (explain=True).

`finding.py` is the reference; a property test holds this module to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from datawalk.errors import ValidationError
from datawalk.models import Finding
from datawalk.scoring.compiled import SCALE, Compiled, compile_checklist, scaled
from datawalk.scoring.finding import HALF, FindingInput, resolve_today, score_input
from datawalk.scoring.matrices import (
    any_of,
    covered,
    decode_columns,
    encode_ids,
    encode_sets,
    masked_max,
    masked_min,
    masked_sum,
    names_of,
    role_names,
    to_leaves,
)
from datawalk.scoring.result import BOTH, CLASSIFICATIONS, OVER_EXPOSED, UNDER_AVAILABLE
from datawalk.scoring.rules import FrameFacts, rule_matrix
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
    "controls",
    "review_date",
    "need_override",
    "good_practice",
    "good_practice_note",
)
SET_COLUMNS = ("categories", "visible_to", "needed_by", "controls")


def findings_to_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Return one row per finding with the columns scoring reads; sets become tuples."""
    rows = [
        {
            "finding_id": f.id,
            "reference": f.reference,
            "audit_id": f.audit_id,
            "location_id": f.location_id,
            "categories": tuple(f.categories),
            "format": f.format,
            "identifiability": f.identifiability,
            "detail_level": f.detail_level,
            "visible_to": tuple(f.visible_to),
            "needed_by": tuple(f.needed_by),
            "reach": str(f.reach),
            "controls": tuple(f.controls),
            "review_date": f.review_date,
            "need_override": f.need_override,
            "good_practice": f.good_practice,
            "good_practice_note": f.good_practice_note,
        }
        for f in findings
    ]
    frame = pd.DataFrame(rows, columns=list(INPUT_COLUMNS))
    frame["review_date"] = pd.to_datetime(frame["review_date"])
    frame["need_override"] = frame["need_override"].astype("Int64")
    frame["good_practice"] = frame["good_practice"].astype(bool)
    return frame


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
    missing_columns = [c for c in INPUT_COLUMNS[4:15] if c not in frame.columns]
    if missing_columns:
        raise ValidationError(f"findings frame lacks {', '.join(missing_columns)}")
    model = compile_checklist(checklist)
    day = resolve_today(today)
    scores = _score_arrays(frame, model, day)
    result = pd.DataFrame(scores, index=frame.index)
    if explain:
        result["reasons"] = [score_input(item, model, day).reasons for item in _inputs(frame)]
    return result


def _score_arrays(frame: pd.DataFrame, model: Compiled, today: date) -> dict[str, object]:
    n = len(frame)
    cats = encode_sets(frame["categories"], model.categories, "categories")
    if n and not cats.any(axis=0).all():
        raise ValidationError("a finding needs at least one data category", field="categories")
    visible = to_leaves(model, encode_sets(frame["visible_to"], model.audiences, "visible_to"))
    needed = to_leaves(model, encode_sets(frame["needed_by"], model.audiences, "needed_by"))
    controls = encode_sets(frame["controls"], model.controls, "controls")
    reach = encode_ids(frame["reach"], model.reaches, "reach")
    identifiability = encode_ids(frame["identifiability"], model.identifiability, "identifiability")
    detail = encode_ids(frame["detail_level"], model.detail_levels, "detail_level")
    formats = encode_ids(frame["format"], model.formats, "format")

    excess = visible & ~needed & (model.identifiability_weight[identifiability] > 0)
    reach_minutes = model.reach_minutes[reach]
    limit = masked_min(cats, model.limit_minutes, np.inf)
    too_slow = np.isinf(reach_minutes) | (reach_minutes > limit)
    review = pd.to_datetime(frame["review_date"]).to_numpy(dtype="datetime64[ns]")
    overdue = review < np.datetime64(today, "ns")
    locked = any_of(controls, model.locks_away) & any_of(cats, model.emergency)
    missing = needed & (~visible | (too_slow | overdue | locked))

    applied = controls & _applies(model, cats)
    exposure = _exposure(model, excess, applied, identifiability, detail)
    sensitivity = masked_max(cats, model.sensitivity, 1)
    need = masked_max(cats, model.category_need, 1)
    override = frame["need_override"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    need = np.where(np.isnan(override), need, np.nan_to_num(override)).astype(np.int64)
    gap = _gap(model, missing)

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
    priority = _priority(model, privacy, safeguarding, exposure, sensitivity, gap, need, exposed_cp)
    good_practice = frame["good_practice"].fillna(False).to_numpy(dtype=bool)
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
    )
    commended = good_practice & (np.maximum(privacy, safeguarding) <= model.acceptable_level)
    chosen = rule_matrix(model.rules, facts) & ~commended
    level_ids = np.array([level.id for level in model.levels], dtype=object)
    rule_ids = tuple(r.rule.id for r in model.rules)
    return {
        "finding_id": frame["finding_id"].to_numpy() if "finding_id" in frame else None,
        "reference": frame["reference"].to_numpy() if "reference" in frame else None,
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
        "rule_ids": decode_columns(chosen, lambda sets: names_of(rule_ids, sets)),
        "commendation": _commendations(frame, model, commended),
    }


def _applies(model: Compiled, cats: np.ndarray) -> np.ndarray:
    """Return controls × n: whether each control applies to any of a finding's categories."""
    out = np.ones((len(model.controls), cats.shape[1]), dtype=bool)
    for row, categories in enumerate(model.applies):
        if not categories.all():
            out[row] = any_of(cats, categories)
    return out


def _exposure(
    model: Compiled,
    excess: np.ndarray,
    applied: np.ndarray,
    identifiability: np.ndarray,
    detail: np.ndarray,
) -> np.ndarray:
    coefficients = model.config.exposure
    raw = (
        scaled(coefficients.breadth) * masked_max(covered(model, excess), model.breadth, 0)
        + scaled(coefficients.identifiability) * model.identifiability_weight[identifiability]
        + scaled(coefficients.detail) * model.detail_weight[detail]
        + scaled(coefficients.intercept) * SCALE
        - scaled(coefficients.controls) * masked_sum(applied, model.reduction)
    )
    value = np.clip((raw + HALF) // (SCALE * SCALE), coefficients.floor_with_excess, 5)
    return np.where(excess.any(axis=0), value, 0).astype(np.int64)


def _gap(model: Compiled, missing: np.ndarray) -> np.ndarray:
    coefficients = model.config.gap
    leaf_weights = model.need_weight[model.leaf_audience]
    top = masked_max(covered(model, missing), model.need_weight, 0)
    others = masked_sum(missing, leaf_weights) - masked_max(missing, leaf_weights, 0)
    raw = scaled(coefficients.top) * top + scaled(coefficients.others) * others
    value = np.clip((raw + HALF) // (SCALE * SCALE), coefficients.floor_with_missing, 5)
    return np.where(missing.any(axis=0), value, 0).astype(np.int64)


def _priority(
    model: Compiled,
    privacy: np.ndarray,
    safeguarding: np.ndarray,
    exposure: np.ndarray,
    sensitivity: np.ndarray,
    gap: np.ndarray,
    need: np.ndarray,
    exposed_cp: np.ndarray,
) -> np.ndarray:
    p = model.config.priority
    urgent = (need >= p.urgent_need) & (safeguarding >= model.concern_level)
    return (
        scaled(p.privacy_level) * privacy
        + scaled(p.safeguarding_level) * safeguarding
        + scaled(p.exposure) * exposure
        + scaled(p.sensitivity) * sensitivity
        + scaled(p.gap) * gap
        + scaled(p.need) * need
        + scaled(p.life_threatening_gap) * urgent
        + scaled(p.child_protection_exposure) * exposed_cp
    ).astype(np.int64)


def _commendations(frame: pd.DataFrame, model: Compiled, commended: np.ndarray) -> np.ndarray:
    scoring = model.checklist.scoring
    text = scoring.commendation if scoring and scoring.commendation else "Good practice."
    out = np.full(len(frame), "", dtype=object)
    if not commended.any():
        return out
    notes = frame.get("good_practice_note", pd.Series("", index=frame.index))[commended]
    notes = notes.fillna("").astype(str).str.strip()
    out[commended] = np.where(notes != "", text + " " + notes, text)
    return out


def _inputs(frame: pd.DataFrame) -> Iterable[FindingInput]:
    """Yield each row as the single-finding input (used only to write reasons)."""
    for row in frame.itertuples(index=False):
        review = getattr(row, "review_date", None)
        override = getattr(row, "need_override", None)
        yield FindingInput(
            finding_id=str(getattr(row, "finding_id", "")),
            reference=getattr(row, "reference", None),
            categories=tuple(row.categories),
            format=row.format,
            identifiability=row.identifiability,
            detail_level=row.detail_level,
            visible_to=tuple(row.visible_to),
            needed_by=tuple(row.needed_by),
            reach=str(row.reach),
            controls=tuple(row.controls),
            review_date=None if pd.isna(review) else pd.Timestamp(review).date(),
            need_override=None if pd.isna(override) else int(override),
            good_practice=bool(row.good_practice),
            good_practice_note=str(getattr(row, "good_practice_note", "") or ""),
        )
