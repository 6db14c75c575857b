"""Scoring Finding models: a list of findings, or one, is scored as a frame of that many rows.

There is one scorer (`frame.py`); this module only feeds it Finding models without pandas and
turns its arrays into `ScoredFinding`s with reasons and recommendations. A finding scored alone
is remembered by the values scoring reads, so the same values scored again (the walk form's
draft, then its save) reuse that score under their own id. The reference date
(`today`) is always passed in: callers pass the audit's walk date; only when nothing is known is
it today.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np

from datawalk.models import Finding
from datawalk.scoring.compiled import Compiled, compile_checklist
from datawalk.scoring.explained import scored_findings
from datawalk.scoring.frame import Columns, finding_columns, resolve_today, score_columns
from datawalk.scoring.result import ScoredFinding
from datawalk.vocabulary import Checklist


def score_finding(
    finding: Finding,
    checklist: Checklist,
    today: date | None = None,
    *,
    location_type: str | None = None,
) -> ScoredFinding:
    """Return both sides of one finding with reasons and recommendations.

    Raises:
        ValidationError: the finding uses an id the checklist does not define.
        ChecklistError: the checklist has no valid scoring section.
    """
    places = {finding.location_id: location_type} if location_type else None
    return score_findings([finding], checklist, today, places=places)[0]


def score_findings(
    findings: Iterable[Finding],
    checklist: Checklist,
    today: date | None = None,
    *,
    explain: bool = True,
    places: Mapping[str, str] | None = None,
) -> list[ScoredFinding]:
    """Return one ScoredFinding per finding, in the same order; without reasons unless
    `explain` (the prose is most of the cost of scoring a whole audit). `places` (location id ->
    location type) lets advice fit the place: a hatch only at the servery."""
    items = list(findings)
    if not items:
        return []
    model = compile_checklist(checklist)
    columns = finding_columns(items, places)
    day = resolve_today(today)
    if len(items) == 1:
        return [_one_scored(columns, model, day, explain)]
    return scored_findings(columns, score_columns(columns, model, day), model, explain)


# The last findings scored one at a time, by everything scoring reads but the finding's id and
# reference: the walk form scores a draft as it is filled in, and saving it scores the same
# values again, under the saved finding's id.
_ONE: dict[tuple[Any, ...], tuple[Compiled, ScoredFinding, bool]] = {}
_ONE_SIZE = 64
_STAMPS = ("finding_id", "reference")


def _one_scored(columns: Columns, model: Compiled, day: date, explain: bool) -> ScoredFinding:
    """One finding's score, reused when the same values were scored last (a score with reasons
    serves a request without; the model is kept in the entry so that its id stays its own)."""
    key = (
        id(model),
        day,
        *(_plain(column[0]) for name, column in columns.items() if name not in _STAMPS),
    )
    known = _ONE.get(key)
    if known is None or (explain and not known[2]):
        scored = scored_findings(columns, score_columns(columns, model, day), model, explain)[0]
        if len(_ONE) >= _ONE_SIZE:
            _ONE.clear()  # one call, safe beside other sessions' threads
        known = _ONE[key] = (model, scored, explain)
    stamps = {name: _plain(columns[name][0]) for name in _STAMPS}
    return known[1].model_copy(update=stamps if explain else {**stamps, "reasons": []})


def _plain(value: Any) -> Any:
    """A column's cell as a key: numpy scalars as Python values, a missing number as None."""
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value
