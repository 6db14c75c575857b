"""From the frame's arrays to what a person reads: reasons, recommendations, `ScoredFinding`s.

The numbers are all computed once, vectorised, in `frame.py`; this module only picks per row the
few facts a sentence names (the most sensitive category, the first lock, the guards that held
something back) and hands them to `reasons.explain`. Where the model takes a maximum over a
finding's categories, the sentence names the first category in the finding's own order that
reaches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from datawalk.scoring.compiled import NEVER, Compiled
from datawalk.scoring.frame import CONTEXT_COLUMNS, SCORED_COLUMNS, Columns, FrameScores
from datawalk.scoring.matrices import decode_columns, role_names
from datawalk.scoring.reasons import Explanation, explain
from datawalk.scoring.result import Recommendation, ScoredFinding

# The inputs a finding's reasons depend on: equal inputs give equal reasons.
_REASON_INPUTS = SCORED_COLUMNS


def reasons_of(columns: Columns, scores: FrameScores, model: Compiled) -> list[list[str]]:
    """Return each row's reasons, the failing side first (see `reasons.explain`).

    Prose is the dear part of scoring a whole audit, and findings made from one template share
    their inputs, so reasons are written once per distinct set of inputs and shared.
    """
    first_row: dict[tuple[Any, ...], int] = {}
    groups = [first_row.setdefault(key, row) for row, key in enumerate(_reason_keys(columns))]
    unique = sorted(first_row.values())
    written = dict(
        zip(
            unique,
            (explain(model.checklist, e) for e in _explanations(columns, scores, model, unique)),
            strict=True,
        )
    )
    return [written[group] for group in groups]


def _reason_keys(columns: Columns) -> list[tuple[Any, ...]]:
    values = [list(columns[name]) for name in _REASON_INPUTS]
    for name in ("review_date", "need_override"):  # NaT and NaN are never equal to themselves
        position = _REASON_INPUTS.index(name)
        values[position] = [None if v != v else v for v in values[position]]
    n = len(values[0]) if values else 0
    for name in CONTEXT_COLUMNS:  # where a guard holds can depend on the place and the template
        given = columns.get(name)
        values.append([None] * n if given is None else [None if v != v else v for v in given])
    return list(zip(*values, strict=True))


def scored_findings(
    columns: Columns, scores: FrameScores, model: Compiled, explain: bool = True
) -> list[ScoredFinding]:
    """Return one `ScoredFinding` per row, with recommendations, and reasons when `explain`.

    Built without validation: every value comes from the scorer's own arrays, typed above.
    Keeping the action plan in step needs no prose, so it asks for none.
    """
    out = scores.columns
    rules = {compiled.rule.id: compiled.rule for compiled in model.rules}
    reasons = reasons_of(columns, scores, model) if explain else [[] for _ in out["exposure"]]
    return [
        ScoredFinding.model_construct(
            finding_id=str(out["finding_id"][row]),
            reference=out["reference"][row],
            exposure=int(out["exposure"][row]),
            sensitivity=int(out["sensitivity"][row]),
            privacy_level=out["privacy_level"][row],
            need=int(out["need"][row]),
            availability_gap=int(out["availability_gap"][row]),
            safeguarding_level=out["safeguarding_level"][row],
            classification=out["classification"][row],
            priority=float(out["priority"][row]),
            excess=list(out["excess"][row]),
            missing=list(out["missing"][row]),
            reasons=reasons[row],
            recommendations=[
                Recommendation.model_construct(
                    rule_id=rule_id, action=rules[rule_id].action, owner=rules[rule_id].owner
                )
                for rule_id in out["rule_ids"][row]
            ],
            commendation=out["commendation"][row],
        )
        for row in range(len(reasons))
    ]


def _explanations(
    columns: Columns, scores: FrameScores, model: Compiled, rows: Sequence[int] | None = None
) -> list[Explanation]:
    """The facts each reason names, for the given rows (all when None)."""
    out = scores.columns
    needed, visible = scores.needed, scores.visible
    has_needers = np.logical_or.reduce(needed, axis=0)
    given = scores.given
    unseen = decode_columns(needed & ~visible & ~given, lambda sets: role_names(model, sets))
    needers = decode_columns(needed, lambda sets: role_names(model, sets))
    by_default = needed & ~given
    default_needers = decode_columns(by_default, lambda sets: role_names(model, sets))
    any_default = np.logical_or.reduce(by_default, axis=0)
    limit = scores.limit
    guards = [compiled.rule.action for compiled in model.rules]
    noted = scores.rules.noted_guards
    review = np.asarray(columns["review_date"])
    override = np.asarray(columns["need_override"], dtype=float)
    explanations = []
    for row in range(len(has_needers)) if rows is None else rows:
        categories: Sequence[str] = columns["categories"][row]
        controls: Sequence[str] = tuple(columns["controls"][row] or ())
        explanations.append(
            Explanation(
                excess=list(out["excess"][row]),
                anonymous=bool(scores.anonymous[row]),
                identifiability=str(columns["identifiability"][row]),
                detail_level=str(columns["detail_level"][row]),
                applied_controls=_applied_controls(model, categories, controls),
                exposure=int(out["exposure"][row]),
                sensitivity=int(out["sensitivity"][row]),
                sensitive_category=_first_max(model, model.sensitivity, categories),
                privacy=int(out["privacy_level_index"][row]),
                need=int(out["need"][row]),
                need_category=None
                if not np.isnan(override[row])
                else _first_max(model, model.category_need, categories),
                unseen=list(unseen[row]),
                needers=list(needers[row]),
                too_slow=bool(scores.too_slow[row] and any_default[row]),
                reach=str(columns["reach"][row]),
                limit_category=_first_max(model, -model.limit_minutes, categories),
                overdue=bool(scores.overdue[row] and has_needers[row]),
                review_date=_date(review[row]),
                locked_control=_first_lock(model, controls)
                if scores.locked_emergency[row] and has_needers[row]
                else None,
                gap=int(out["availability_gap"][row]),
                safeguarding=int(out["safeguarding_level_index"][row]),
                classification=str(out["classification"][row]),
                good_practice=bool(columns["good_practice"][row]),
                guard_notes=[guards[g] for g in np.flatnonzero(noted[:, row])],
                default_needers=list(default_needers[row]),
                slow_given=_slow_given(model, columns["needed_reach"][row], float(limit[row])),
                stale_days=int(scores.stale_days[row]) if model.stale_after_days is not None else 0,
                stale_band=_stale_band(model, int(scores.stale_days[row])),
            )
        )
    return explanations


def _slow_given(model: Compiled, pairs: Any, limit: float) -> list[tuple[str, str]]:
    """The reaches given per audience that are slower than the time allowed, in needer order."""
    slow = []
    for audience, reach in pairs or ():
        minutes = float(model.reach_minutes[model.reaches.index(reach)])
        if minutes == NEVER or minutes > limit:
            slow.append((audience, reach))
    return sorted(slow, key=lambda pair: model.audiences.index(pair[0]))


def _stale_band(model: Compiled, days: int) -> str:
    """The name of the band a review date passed `days` ago falls in ('' when none is named)."""
    stale = model.checklist.scoring.stale_review if model.checklist.scoring else None
    if stale is None or days <= 0:
        return ""
    passed = [band for band in stale.bands if days > band.after_days]
    return passed[-1].name if passed else ""


def _first_max(model: Compiled, values: np.ndarray, categories: Sequence[str]) -> str:
    """The first of the finding's categories with the largest value (ties keep its order)."""
    return max(categories, key=lambda c: values[model.categories.index(c)])


def _applied_controls(
    model: Compiled, categories: Sequence[str], controls: Sequence[str]
) -> list[str]:
    """The finding's controls that apply to one of its categories and reduce exposure."""
    positions = [model.categories.index(c) for c in categories]
    applied = []
    for control in controls:
        index = model.controls.index(control)
        if model.reduction[index] > 0 and model.applies[index, positions].any():
            applied.append(control)
    return applied


def _first_lock(model: Compiled, controls: Sequence[str]) -> str | None:
    return next((c for c in controls if model.locks_away[model.controls.index(c)]), None)


def _date(value: Any) -> date | None:
    if value is None or np.isnat(np.datetime64(value, "ns")):
        return None
    return np.datetime64(value, "D").astype(date)
