"""Scoring Finding models: a list of findings, or one, is scored as a frame of that many rows.

There is one scorer (`frame.py`); this module only feeds it Finding models without pandas and
turns its arrays into `ScoredFinding`s with reasons and recommendations. The reference date
(`today`) is always passed in: callers pass the audit's walk date; only when nothing is known is
it today.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from datawalk.models import Finding
from datawalk.scoring.compiled import compile_checklist
from datawalk.scoring.explained import scored_findings
from datawalk.scoring.frame import finding_columns, resolve_today, score_columns
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
    scores = score_columns(columns, model, resolve_today(today))
    return scored_findings(columns, scores, model, explain)
