"""Rescoring an audit with another copy of its checklist: never implicit, always previewed.

An audit is scored with the checklist copy it pinned, so a saved walk reads the same next year.
When the library holds a newer version (or the same version with other content, an edit someone
forgot to version), the consultant may rescore: first they see how many findings would change
level and a few examples, then they apply it (`datawalk.services.rescoring`), which re-pins the
audit and is recorded in the trail. An older version is refused, and so is a checklist the audit's
findings or locations do not fit. This module only reads: the checks and the preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from datawalk.checklist import checklist_from_pin, pin_checklist
from datawalk.checklist.versions import VersionStep, version_step
from datawalk.errors import ValidationError
from datawalk.models import Audit, Finding, Location, PinnedChecklist
from datawalk.scoring import level_by_id, rescore_diff, score_findings, walk_date
from datawalk.validation import validate_finding, validate_location
from datawalk.vocabulary import Checklist

if TYPE_CHECKING:
    from datawalk.services.workspace import Reads
    from datawalk.store import Store

EXAMPLES = 3


@dataclass(frozen=True)
class LevelChange:
    """One finding whose level would change: level names before and after."""

    reference: str
    privacy_before: str
    privacy_after: str
    safeguarding_before: str
    safeguarding_after: str


@dataclass(frozen=True)
class RescorePreview:
    """What rescoring would do: how many findings change level, out of how many, and examples."""

    checklist_id: str
    from_version: int
    to_version: int
    to_hash: str
    count_changing: int
    total: int
    examples: list[LevelChange]


def rescore_candidates(audit: Audit, library: Iterable[Checklist]) -> list[Checklist]:
    """Return the library's copies of the audit's checklist whose content differs from the pin,
    newest version first (older ones included, so the page can say why they are refused)."""
    pin = audit.checklist
    found = [
        checklist
        for checklist in library
        if checklist.id == pin.id
        and version_step(pin, pin_checklist(checklist)) is not VersionStep.SAME
    ]
    return sorted(found, key=lambda checklist: checklist.version, reverse=True)


def check_rescore(audit: Audit, checklist: Checklist) -> PinnedChecklist:
    """Return the pin `checklist` would become, if it may rescore `audit`.

    Raises:
        ValidationError: another checklist, an older version, or the very copy already pinned.
    """
    pin, new = audit.checklist, pin_checklist(checklist)
    if new.id != pin.id:
        raise ValidationError(
            f"This audit was made with checklist {pin.id!r}; {new.id!r} cannot rescore it.",
            field="checklist",
        )
    step = version_step(pin, new)
    if step is VersionStep.OLDER:
        raise ValidationError(
            f"Checklist version {new.version} is older than version {pin.version}, which this "
            "audit is scored with. DataWalk never rescores with an older checklist.",
            field="checklist",
        )
    if step is VersionStep.SAME:
        raise ValidationError(
            f"This audit is already scored with this copy of checklist version {pin.version}.",
            field="checklist",
        )
    return new


def rescore_preview(
    store: Store | Reads, audit_id: str, checklist: Checklist, examples: int = EXAMPLES
) -> RescorePreview:
    """Return how many findings would change privacy or safeguarding level, with examples.

    Nothing is written.

    Raises:
        ValidationError: `check_rescore` refuses, or a finding or location does not fit the new
            checklist (e.g. it uses a category the new version removed).
        NotFoundError: no audit has this id.
    """
    audit = store.get_audit(audit_id)
    new_pin = check_rescore(audit, checklist)
    findings = store.findings_for_scoring(audit_id)
    require_fit(checklist, findings, store.list_locations(audit_id))
    current = checklist_from_pin(audit.checklist)
    day = walk_date(audit)
    return RescorePreview(
        checklist_id=new_pin.id,
        from_version=audit.checklist.version,
        to_version=new_pin.version,
        to_hash=new_pin.content_hash,
        count_changing=rescore_diff(findings, current, checklist, today=day),
        total=len(findings),
        examples=_examples(findings, current, checklist, day, examples),
    )


def require_fit(
    checklist: Checklist, findings: Iterable[Finding], locations: Iterable[Location]
) -> None:
    """Every id the audit uses must exist in the new checklist, or its scores would be guesses.

    Raises:
        ValidationError: a location or finding uses an id the checklist does not define.
    """
    for location in locations:
        try:
            validate_location(location, checklist)
        except ValidationError as exc:
            raise _misfit(checklist, f"location {location.name!r}", exc) from exc
    for finding in findings:
        try:
            validate_finding(finding, checklist)
        except ValidationError as exc:
            raise _misfit(checklist, f"finding {finding.reference or finding.id}", exc) from exc


def _misfit(checklist: Checklist, what: str, exc: ValidationError) -> ValidationError:
    return ValidationError(
        f"Checklist version {checklist.version} cannot score this audit: {what}: {exc} "
        "Nothing was changed.",
        field="checklist",
    )


def _examples(
    findings: list[Finding], current: Checklist, new: Checklist, day: date, limit: int
) -> list[LevelChange]:
    if limit <= 0 or not findings:
        return []
    before = score_findings(findings, current, today=day)
    after = score_findings(findings, new, today=day)
    changes = []
    for finding, old, now in zip(findings, before, after, strict=True):
        levels = (old.privacy_level, old.safeguarding_level)
        if levels == (now.privacy_level, now.safeguarding_level):
            continue
        changes.append(
            LevelChange(
                reference=finding.reference or finding.id,
                privacy_before=level_by_id(current, old.privacy_level).name,
                privacy_after=level_by_id(new, now.privacy_level).name,
                safeguarding_before=level_by_id(current, old.safeguarding_level).name,
                safeguarding_after=level_by_id(new, now.safeguarding_level).name,
            )
        )
        if len(changes) == limit:
            break
    return changes
