"""Checks a schema cannot make: links between records, picture bytes, the pinned checklist's
vocabulary, and photos that never went through the redaction intake.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from datawalk.checklist import checklist_from_pin
from datawalk.errors import ChecklistError, InterchangeError, PrivacyError, ValidationError
from datawalk.interchange.decoding import REPORTED_PROBLEMS, join, short
from datawalk.models import AuditDocument, Photo
from datawalk.validation import validate_finding, validate_location
from datawalk.vocabulary import Checklist


def reference_problems(doc: AuditDocument) -> Iterator[str]:
    """Yield every broken link between records; the schema alone cannot see these."""
    audit_id = doc.audit.id
    floor_ids = {floor.id for floor in doc.audit.site.floors}
    location_ids = {location.id for location in doc.locations}
    finding_ids = {finding.id for finding in doc.findings}
    yield from _duplicates("locations", [item.id for item in doc.locations], "id")
    yield from _duplicates("findings", [item.id for item in doc.findings], "id")
    yield from _duplicates("actions", [item.id for item in doc.actions], "id")
    yield from _duplicates("trail", [item.id for item in doc.trail], "id")
    photo_ids = [photo.id for _, photo in _all_photos(doc)]
    yield from _duplicates("photos", photo_ids, "id")
    references = [item.reference for item in doc.findings if item.reference]
    yield from _duplicates("findings", references, "reference")
    for section, records in (
        ("locations", doc.locations),
        ("findings", doc.findings),
        ("actions", doc.actions),
        ("trail", doc.trail),
    ):
        for index, record in enumerate(records):
            if record.audit_id != audit_id:
                yield f"{section}[{index}].audit_id {short(record.audit_id)} is not audit.id"
    for index, location in enumerate(doc.locations):
        if location.floor_id is not None and location.floor_id not in floor_ids:
            floor = short(location.floor_id)
            yield f"locations[{index}].floor_id {floor} is not a floor of the site"
    for index, finding in enumerate(doc.findings):
        if finding.location_id not in location_ids:
            yield f"findings[{index}].location_id {short(finding.location_id)} is not a location"
    for index, action in enumerate(doc.actions):
        for position, finding_id in enumerate(action.finding_ids):
            if finding_id not in finding_ids:
                where = f"actions[{index}].finding_ids[{position}]"
                yield f"{where} {short(finding_id)} is not a finding"


def _duplicates(section: str, values: list[str], field: str) -> Iterator[str]:
    for value, count in Counter(values).items():
        if count > 1:
            yield f"{section}: {field} {short(value)} appears {count} times"


def raise_problems(prefix: str, problems: Iterable[str]) -> None:
    found = list(problems)
    if found:
        raise InterchangeError(f"{prefix}: {join(found[:REPORTED_PROBLEMS], len(found))}")


# --- pictures -------------------------------------------------------------------------------

_SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


def image_problems(doc: AuditDocument) -> Iterator[str]:
    """Yield pictures whose bytes do not start as their media type says (base64 of anything)."""
    for index, floor in enumerate(doc.audit.site.floors):
        if floor.plan and not floor.plan.data.startswith(_SIGNATURES[floor.plan.media_type]):
            yield f"audit.site.floors[{index}].plan.data is not a {floor.plan.media_type} image"
    for where, photo in _all_photos(doc):
        if not photo.data.startswith(_SIGNATURES[photo.media_type]):
            yield f"{where}.data is not a {photo.media_type} image"


def _all_photos(doc: AuditDocument) -> Iterator[tuple[str, Photo]]:
    """Every photo in the file with where it is: findings' and resolved findings' evidence."""
    for index, finding in enumerate(doc.findings):
        for position, photo in enumerate(finding.photos):
            yield f"findings[{index}].photos[{position}]", photo
    for index, item in enumerate(doc.rewalk.items if doc.rewalk else []):
        for position, photo in enumerate(item.photos):
            yield f"rewalk.items[{index}].photos[{position}]", photo


PhotoProgress = Callable[[int, int], None]
"""Called with (photos done, photos in all) as an import re-redacts, which takes seconds each."""


def reintake_photos(doc: AuditDocument, progress: PhotoProgress | None = None) -> AuditDocument:
    """Send every photo in the file through the intake again and flag it for review.

    The file's redaction record is never trusted: an empty or forged one would store a face or
    GPS metadata as it came. So no import path stores a photo a person here has not checked.
    """
    located = list(_all_photos(doc))
    if not located:
        return doc
    # Imported here, not at the top: the intake loads OpenCV, which most commands never need.
    from datawalk.privacy import reintake_photo

    again: dict[str, Photo] = {}
    for done, (where, photo) in enumerate(located, start=1):
        try:
            again[where] = reintake_photo(photo)
        except PrivacyError as exc:
            raise InterchangeError(f"{where}: {exc}") from None
        if progress is not None:
            progress(done, len(located))
    findings = [
        finding.model_copy(
            update={
                "photos": [again[f"findings[{i}].photos[{p}]"] for p in range(len(finding.photos))]
            }
        )
        for i, finding in enumerate(doc.findings)
    ]
    rewalk = doc.rewalk
    if rewalk is not None:
        items = [
            item.model_copy(
                update={
                    "photos": [
                        again[f"rewalk.items[{i}].photos[{p}]"] for p in range(len(item.photos))
                    ]
                }
            )
            for i, item in enumerate(rewalk.items)
        ]
        rewalk = rewalk.model_copy(update={"items": items})
    return doc.model_copy(update={"findings": findings, "rewalk": rewalk})


# --- the pinned checklist -------------------------------------------------------------------


def check_pinned_checklist(doc: AuditDocument) -> Checklist:
    """Return the audit's pinned checklist after checking it is intact and that every vocabulary
    id in the walk exists in it; an old audit is judged by the checklist it was made with."""
    try:
        checklist = checklist_from_pin(doc.audit.checklist)
    except ChecklistError as exc:
        raise InterchangeError(
            f"the audit's checklist copy is unusable: {exc.problems[0]}"
        ) from None
    problems: list[str] = []
    for section, records, validate in (
        ("locations", doc.locations, validate_location),
        ("findings", doc.findings, validate_finding),
    ):
        for index, record in enumerate(records):
            try:
                validate(record, checklist)
            except ValidationError as exc:
                where = f"{section}[{index}]" + (f".{exc.field}" if exc.field else "")
                problems.append(f"{where}: {exc}")
    raise_problems("does not match its checklist", problems)
    return checklist
