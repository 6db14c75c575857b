"""The reference scorer's small lookups and formulas on the compiled tables: a category's rank
or time limit, the levels' class, the availability gap, review-date bands. Plain Python, one
finding at a time, like `reference_scorer.py`, which uses them.
"""

from __future__ import annotations

from collections.abc import Iterable

from datawalk.scoring.compiled import NEVER, SCALE, Compiled, scaled
from datawalk.scoring.result import BOTH, OVER_EXPOSED, PROPORTIONATE, UNDER_AVAILABLE

HALF = SCALE * SCALE // 2


def position(model: Compiled, pair: tuple[str, str]) -> int:
    return model.audiences.index(pair[0])


def slower(model: Compiled, reach: str, limit: float) -> bool:
    minutes = float(model.reach_minutes[model.reaches.index(reach)])
    return minutes == NEVER or minutes > limit


def band_name(model: Compiled, days: int) -> str:
    stale = model.checklist.scoring.stale_review if model.checklist.scoring else None
    if stale is None or days <= 0:
        return ""
    names = [band.name for band in stale.bands if days > band.after_days]
    return names[-1] if names else ""


def classify(model: Compiled, privacy: int, safeguarding: int) -> str:
    """Return the classification: a side fails at or above the concern level."""
    exposed = privacy >= model.concern_level
    unavailable = safeguarding >= model.concern_level
    if exposed and unavailable:
        return BOTH
    if exposed:
        return OVER_EXPOSED
    return UNDER_AVAILABLE if unavailable else PROPORTIONATE


def gap(model: Compiled, missing: frozenset[str]) -> int:
    if not missing:
        return 0
    coefficients = model.config.gap
    weight = {a: int(w) for a, w in zip(model.audiences, model.need_weight, strict=True)}
    top = max(weight[r] for r in model.closure(missing))
    leaf_weights = [weight[leaf] for leaf in missing]
    raw = scaled(coefficients.top) * top + scaled(coefficients.others) * (
        sum(leaf_weights) - max(leaf_weights)
    )
    return clamp((raw + HALF) // (SCALE * SCALE), coefficients.floor_with_missing)


def clamp(value: int, low: int) -> int:
    return max(low, min(5, int(value)))


def leaves(model: Compiled, audiences: Iterable[str]) -> frozenset[str]:
    return frozenset().union(*(model.audience_leaves[a] for a in audiences))


def rank(model: Compiled, table: str, category: str) -> int:
    return int(getattr(model, table)[model.categories.index(category)])


def limit(model: Compiled, category: str) -> float:
    return float(model.limit_minutes[model.categories.index(category)])
