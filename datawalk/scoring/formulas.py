"""The checklist's three formulas, on whole arrays: exposure, the availability gap and priority.

Each weighs matrices from `frame.py` by the coefficients in the checklist's `scoring:` section, on
integers scaled by `SCALE`, so rounding is exact and the same for one finding and a whole audit.
"""

from __future__ import annotations

import numpy as np

from datawalk.scoring.compiled import HALF, SCALE, Compiled, scaled
from datawalk.scoring.matrices import covered, masked_max, masked_sum


def exposure_values(
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


def gap_values(model: Compiled, missing: np.ndarray) -> np.ndarray:
    coefficients = model.config.gap
    leaf_weights = model.need_weight[model.leaf_audience]
    top = masked_max(covered(model, missing), model.need_weight, 0)
    others = masked_sum(missing, leaf_weights) - masked_max(missing, leaf_weights, 0)
    raw = scaled(coefficients.top) * top + scaled(coefficients.others) * others
    value = np.clip((raw + HALF) // (SCALE * SCALE), coefficients.floor_with_missing, 5)
    return np.where(missing.any(axis=0), value, 0).astype(np.int64)


def priority_values(
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
