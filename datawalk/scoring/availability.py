"""The safeguarding side's two inputs beyond who can see it: how fast each needer reaches the
information (reach per audience) and how much a passed review date weakens it (graded by the
checklist). Kept apart from `frame.py` so the scorer's main pass stays readable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from datawalk.scoring.compiled import HALF, SCALE, Compiled
from datawalk.scoring.matrices import encode_ids, masked_max


def leaf_reach(
    model: Compiled, pairs: Sequence[Any], visible: np.ndarray, reach: np.ndarray, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return leaves × n minutes to reach, and leaves × n whether a reach was given for the leaf.

    By default a leaf role that can see it reaches it at the finding's reach, and any other not
    at all. A reach given for a needer overrides that for its leaves; where a group and a role
    inside it both have one, the narrower (the role) wins.

    Raises:
        ValidationError: a pair names an audience or reach the checklist does not define.
    """
    minutes = np.where(visible, reach[None, :], np.inf)
    given = np.zeros_like(visible)
    rows = [p if isinstance(p, (list, tuple)) else () for p in pairs]
    if not any(rows):
        return minutes, given
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = [pair for row in rows for pair in row]
    audiences = encode_ids([a for a, _ in flat], model.audiences, "needed_by", source)
    speeds = encode_ids([r for _, r in flat], model.reaches, "reach", source)
    codes = np.full((len(model.audiences), len(rows)), -1, dtype=np.int64)
    codes[audiences, np.repeat(np.arange(len(rows)), lengths)] = speeds
    size = [len(model.audience_leaves[a]) for a in model.audiences]
    for leaf, sources in enumerate(model.leaf_sources):
        for audience in sorted(sources, key=lambda a: -size[a]):  # broadest first
            has = codes[audience] >= 0
            if has.any():
                minutes[leaf] = np.where(has, model.reach_minutes[codes[audience]], minutes[leaf])
                given[leaf] |= has
    return minutes, given


def graded_stale_gap(
    model: Compiled, cats: np.ndarray, days: np.ndarray, overdue: np.ndarray
) -> np.ndarray:
    """Return n: the gap a passed review date makes by itself, graded by how long ago it passed
    and weighted by the most time-critical category (0 when the checklist does not grade)."""
    if model.stale_after_days is None or model.stale_band_gap is None or model.stale_weight is None:
        return np.zeros(len(days), dtype=np.int64)
    band = np.searchsorted(model.stale_after_days, days, side="left") - 1
    band_gap = np.where(band >= 0, model.stale_band_gap[np.clip(band, 0, None)], 0)
    weight = masked_max(cats, model.stale_weight, 0)
    value = (band_gap * weight + HALF) // (SCALE * SCALE)
    return np.where(overdue, np.clip(value, 0, 5), 0).astype(np.int64)
