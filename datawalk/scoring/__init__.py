"""The two-sided model: exposure (who sees it without need) against safeguarding availability
(who needs it but cannot reach it in time), each mapped through a checklist grid to a level,
with plain-English reasons and declarative recommendations.

Every number comes from the checklist's `scoring:` section; this package holds only the
arithmetic. Modules: `frame` (the one scorer, vectorised; one finding is a frame of one row),
`finding` (Finding models in, `ScoredFinding`s out), `explained` (reasons and recommendations
from the frame's arrays), `rules` (predicates and guards), `reasons` (prose), `config`
(coefficients and cross-checks), `compiled` (lookup tables), `audit` (pinned checklist, walk
date, rescoring). Its benchmark is `benchmarks/scoring.py`.
"""

from __future__ import annotations

from datawalk.scoring.audit import level_by_id, rescore_diff, score_document, walk_date
from datawalk.scoring.config import check_scoring
from datawalk.scoring.finding import score_finding, score_findings
from datawalk.scoring.frame import findings_to_frame, score_frame
from datawalk.scoring.result import (
    CLASSIFICATION_NAMES,
    CLASSIFICATIONS,
    Recommendation,
    ScoredFinding,
)
from datawalk.scoring.rules import PREDICATES

__all__ = [
    "CLASSIFICATIONS",
    "CLASSIFICATION_NAMES",
    "PREDICATES",
    "Recommendation",
    "ScoredFinding",
    "check_scoring",
    "findings_to_frame",
    "level_by_id",
    "rescore_diff",
    "score_document",
    "score_finding",
    "score_findings",
    "score_frame",
    "walk_date",
]
