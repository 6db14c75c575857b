"""Scoring at the level of a whole audit: its pinned checklist, its walk date, and rescoring.

An audit is always scored with the checklist copy it pinned and as of its walk date, so a saved
walk reads the same next year. "Rescore with checklist vN" is an explicit step; `rescore_diff`
says beforehand how many findings would change level.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from datawalk.errors import ValidationError
from datawalk.models import Audit, AuditDocument, Finding
from datawalk.scoring.finding import score_findings
from datawalk.scoring.frame import findings_to_frame, score_frame
from datawalk.scoring.result import ScoredFinding
from datawalk.vocabulary import Checklist, Level


def walk_date(audit: Audit) -> date:
    """Return the date an audit is scored as of: the day of its walk."""
    return audit.walk_at.date()


def score_document(
    document: AuditDocument, checklist: Checklist | None = None
) -> list[ScoredFinding]:
    """Return the scores of every finding in an audit document, as of its walk date.

    Uses the checklist the audit pinned unless another is given. Scores stored in the document
    are ignored: they are recomputed, never trusted from a file.
    """
    if checklist is None:
        from datawalk.checklist import checklist_from_pin  # the checklist package owns pins

        checklist = checklist_from_pin(document.audit.checklist)
    places = {location.id: location.location_type for location in document.locations}
    return score_findings(
        document.findings, checklist, today=walk_date(document.audit), places=places
    )


def rescore_diff(
    findings: Iterable[Finding],
    old_checklist: Checklist,
    new_checklist: Checklist,
    today: date | None = None,
) -> int:
    """Return how many findings would change privacy or safeguarding level under a new checklist.

    Raises:
        ValidationError: a finding uses an id that one of the checklists does not define.
    """
    frame = findings_to_frame(findings)
    if frame.empty:
        return 0
    old = score_frame(frame, old_checklist, today)
    new = score_frame(frame, new_checklist, today)
    changed = (old["privacy_level"] != new["privacy_level"]) | (
        old["safeguarding_level"] != new["safeguarding_level"]
    )
    return int(changed.sum())


def level_by_id(checklist: Checklist, level_id: str) -> Level:
    """Return the level with this id (for its name, colour and RAG).

    Raises:
        ValidationError: the checklist has no scoring section or no such level.
    """
    levels = checklist.scoring.levels if checklist.scoring else []
    for level in levels:
        if level.id == level_id:
            return level
    raise ValidationError(f"unknown risk level {level_id!r} in {checklist.id}", field="level")
