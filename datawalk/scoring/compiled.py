"""A checklist's vocabularies and scoring section turned into lookup tables, once per checklist.

Both scoring paths read from here: the single-finding path through the dicts, the DataFrame path
through the numpy arrays, so the two cannot disagree about a weight. Weights and coefficients are
held as integers scaled by `SCALE` so that both paths do exact integer arithmetic and round the
same way (floats summed in a different order could differ in the last bit and flip a rounding).

Containment comes from `datawalk.checklist.leaf_audiences` (`expand_audiences` cut to leaves):
arithmetic is on leaf roles (audiences that contain no others), and a group counts as covered by
a set of roles exactly when all its leaves are in it.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from datawalk.checklist import leaf_audiences
from datawalk.errors import ChecklistError
from datawalk.scoring.config import check_scoring
from datawalk.scoring.rule_choice import guard_blocks
from datawalk.scoring.rules import CompiledRule, compile_rules, template_rules
from datawalk.vocabulary import Checklist, Level, Scoring

SCALE = 1000
# Half of one unit of a product of two scaled values: added before dividing, to round half up.
HALF = SCALE * SCALE // 2
NEVER = math.inf  # reach "not at all", or a category with no time limit

_CACHE: dict[int, tuple[Checklist, Compiled]] = {}
_CACHE_SIZE = 16
_LOCK = threading.Lock()


def _no_templates() -> np.ndarray:
    return np.array([-1], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Compiled:
    checklist: Checklist
    config: Scoring  # the typed coefficients: exposure, need, gap, priority
    levels: tuple[Level, ...]
    categories: tuple[str, ...]
    audiences: tuple[str, ...]
    leaves: tuple[str, ...]
    controls: tuple[str, ...]
    formats: tuple[str, ...]
    identifiability: tuple[str, ...]
    detail_levels: tuple[str, ...]
    reaches: tuple[str, ...]
    audience_leaves: dict[str, frozenset[str]]
    leaf_sources: tuple[np.ndarray, ...]  # per leaf: the audiences that contain it
    audience_leaf_indexes: tuple[np.ndarray, ...]  # per audience: its leaves' positions
    leaf_audience: np.ndarray  # per leaf: its position among the audiences
    strict_subset: np.ndarray  # audiences × audiences: row's leaves ⊊ column's leaves
    breadth: np.ndarray  # audiences, scaled
    need_weight: np.ndarray  # audiences, scaled
    sensitivity: np.ndarray  # categories
    category_need: np.ndarray  # categories, 1..5
    limit_minutes: np.ndarray  # categories, float, NEVER when planned
    emergency: np.ndarray  # categories, bool
    child_protection: np.ndarray  # categories, bool
    reduction: np.ndarray  # controls, scaled
    locks_away: np.ndarray  # controls, bool
    applies: np.ndarray  # controls × categories, bool
    identifiability_weight: np.ndarray  # identifiability, scaled
    detail_weight: np.ndarray  # detail levels, scaled
    reach_minutes: np.ndarray  # reaches, float, NEVER for "not at all"
    privacy_grid: np.ndarray  # 6 × 5 level indexes
    safeguarding_grid: np.ndarray  # 6 × 5 level indexes
    rules: tuple[CompiledRule, ...]
    concern_level: int
    acceptable_level: int
    location_types: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    # Per template, and one more for none: the row of the rule it recommends, or -1.
    template_rule: np.ndarray = field(default_factory=_no_templates)
    medication_format: np.ndarray | None = None  # formats, bool; None: every format
    # A passed review date as a graded gap (None: every needer counts as missing, as before v5).
    stale_after_days: np.ndarray | None = None  # bands, int days, increasing
    stale_band_gap: np.ndarray | None = None  # bands, gap 0..5, scaled
    stale_weight: np.ndarray | None = None  # categories, scaled weight of their criticality

    @cached_property
    def guard_blocks(self) -> np.ndarray:
        """Rules × rules: whether a guard blocks a rule where it holds (see `rule_matrix`)."""
        return guard_blocks(self.rules)

    @cached_property
    def leaf_sources_mask(self) -> np.ndarray:
        """Leaves × audiences: whether the audience contains the leaf."""
        out = np.zeros((len(self.leaves), len(self.audiences)), dtype=bool)
        for row, sources in enumerate(self.leaf_sources):
            out[row, sources] = True
        return out

    @cached_property
    def audience_members_mask(self) -> np.ndarray:
        """Audiences × leaves: whether the leaf belongs to the audience."""
        return np.ascontiguousarray(self.leaf_sources_mask.T)

    @cached_property
    def has_members(self) -> np.ndarray:
        """Per audience, whether it holds any leaf at all."""
        return np.logical_or.reduce(self.audience_members_mask, axis=1)

    @cached_property
    def inside_of(self) -> tuple[tuple[int, np.ndarray], ...]:
        """Per audience that sits inside larger ones: its row and theirs (for folding roles)."""
        return tuple(
            (row, np.flatnonzero(larger))
            for row, larger in enumerate(self.strict_subset)
            if larger.any()
        )

    def index(self, vocabulary: str, term_id: str) -> int:
        return getattr(self, vocabulary).index(term_id)

    def closure(self, leaves: frozenset[str]) -> frozenset[str]:
        """Return the roles a set of leaf roles covers: those leaves and every whole group."""
        return frozenset(
            audience
            for audience, members in self.audience_leaves.items()
            if members and members <= leaves
        )

    def compress(self, roles: frozenset[str]) -> list[str]:
        """Return covered roles with members of a covered group folded into it, in YAML order."""
        kept = [
            role
            for role in roles
            if not any(
                other != role and self.audience_leaves[role] < self.audience_leaves[other]
                for other in roles
            )
        ]
        return sorted(kept, key=self.audiences.index)


def compile_checklist(checklist: Checklist) -> Compiled:
    """Return the compiled tables for a checklist, cached per checklist object.

    Raises:
        ChecklistError: the checklist has no scoring section, or it is inconsistent.
    """
    key = id(checklist)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] is checklist:
        return hit[1]
    compiled = _compile(checklist)
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (checklist, compiled)
    return compiled


def _compile(checklist: Checklist) -> Compiled:
    scoring = checklist.scoring
    if scoring is None:
        raise ChecklistError([f"checklist {checklist.id!r} has no scoring section"])
    config = scoring
    problems = check_scoring(checklist)
    if problems:
        raise ChecklistError([f"{checklist.id}: {'.'.join(map(str, p))}: {m}" for p, m in problems])
    objects = checklist.objects
    audiences = tuple(a.id for a in objects.audiences)
    leaves = tuple(a.id for a in objects.audiences if not a.contains)
    audience_leaves = {a: leaf_audiences(checklist, [a]) for a in audiences}
    categories = objects.data_categories
    severity_of = {s.id: s for s in objects.severities}
    criticality_of = {t.id: t for t in objects.time_criticalities}
    controls = objects.controls
    category_ids = [c.id for c in categories]
    rules = compile_rules(scoring.rules, checklist, audience_leaves)
    return Compiled(
        checklist=checklist,
        config=config,
        levels=tuple(scoring.levels),
        categories=tuple(category_ids),
        audiences=audiences,
        leaves=leaves,
        controls=tuple(c.id for c in controls),
        formats=tuple(f.id for f in objects.formats),
        identifiability=tuple(t.id for t in objects.identifiability),
        detail_levels=tuple(t.id for t in objects.detail_levels),
        reaches=tuple(r.id for r in objects.reach_speeds),
        audience_leaves=audience_leaves,
        leaf_sources=tuple(
            np.array([i for i, a in enumerate(audiences) if leaf in audience_leaves[a]], np.int64)
            for leaf in leaves
        ),
        audience_leaf_indexes=tuple(
            np.array(sorted(leaves.index(leaf) for leaf in audience_leaves[a]), np.int64)
            for a in audiences
        ),
        leaf_audience=np.array([audiences.index(leaf) for leaf in leaves], dtype=np.int64),
        strict_subset=np.array(
            [[audience_leaves[r] < audience_leaves[g] for g in audiences] for r in audiences],
            dtype=bool,
        ).reshape(len(audiences), len(audiences)),
        breadth=_scaled([a.breadth for a in objects.audiences]),
        need_weight=_scaled([a.need_weight for a in objects.audiences]),
        sensitivity=np.array([c.sensitivity for c in categories], dtype=np.int64),
        category_need=np.array(
            [
                config.need.lookup[severity_of[c.severity].id][
                    criticality_of[c.time_criticality].id
                ]
                for c in categories
            ],
            dtype=np.int64,
        ),
        limit_minutes=np.array(
            [_minutes(criticality_of[c.time_criticality].max_minutes) for c in categories]
        ),
        emergency=np.array([c.emergency_medication for c in categories], dtype=bool),
        child_protection=np.array([c.child_protection for c in categories], dtype=bool),
        reduction=_scaled([c.reduction for c in controls]),
        locks_away=np.array([c.locks_away for c in controls], dtype=bool),
        applies=np.array(
            [[not c.applies_to or cat in c.applies_to for cat in category_ids] for c in controls],
            dtype=bool,
        ).reshape(len(controls), len(category_ids)),
        identifiability_weight=_scaled([t.weight for t in objects.identifiability]),
        detail_weight=_scaled([t.weight for t in objects.detail_levels]),
        reach_minutes=np.array([_minutes(r.minutes) for r in objects.reach_speeds]),
        privacy_grid=np.array(scoring.privacy_grid, dtype=np.int64),
        safeguarding_grid=np.array(scoring.safeguarding_grid, dtype=np.int64),
        rules=rules,
        concern_level=scoring.thresholds.concern_level,
        acceptable_level=scoring.thresholds.acceptable_level,
        location_types=tuple(t.id for t in objects.location_types),
        templates=tuple(t.id for t in objects.templates),
        template_rule=template_rules(checklist, rules),
        medication_format=None
        if scoring.medication_formats is None
        else np.array([f.id in scoring.medication_formats for f in objects.formats], dtype=bool),
        **_stale_tables(checklist),
    )


def _stale_tables(checklist: Checklist) -> dict[str, np.ndarray]:
    """The graded review-date tables, or none when the checklist predates them."""
    stale = checklist.scoring.stale_review if checklist.scoring else None
    if stale is None:
        return {}
    return {
        "stale_after_days": np.array([b.after_days for b in stale.bands], dtype=np.int64),
        "stale_band_gap": _scaled([b.gap for b in stale.bands]),
        "stale_weight": _scaled(
            [stale.weights[c.time_criticality] for c in checklist.objects.data_categories]
        ),
    }


def scaled(value: float) -> int:
    """Return a weight or coefficient as an exact integer in thousandths."""
    return round(value * SCALE)


def _scaled(values: list[float]) -> np.ndarray:
    return np.array([scaled(v) for v in values], dtype=np.int64)


def _minutes(value: int | None) -> float:
    return NEVER if value is None else float(value)
