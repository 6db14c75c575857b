"""The save-time rule for every free-text field: no pupil identifier is stored unnoticed.

Each page that saves free text (finding notes, photo captions, location names, scope and
limitations …) hands its fields here before calling the store. A field with a possible
identifier is refused, at that field, unless the consultant explicitly confirmed keeping it; what
they kept is returned by kind (never the text) so the caller can record the decision in the audit
trail. Pure core: no streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from datawalk.errors import ValidationError
from datawalk.privacy.identifiers import KIND_LABELS, REDACTION, MatchKind, scan_text

if TYPE_CHECKING:
    from datawalk.drafts import Draft
    from datawalk.models import Finding

# The trail key under which kept identifiers are recorded (see `Store.record_kept_identifiers`).
KEPT_IDENTIFIERS = "pupil_identifiers_kept"


@dataclass(frozen=True)
class TextField:
    """One free-text value to check: the field id errors are shown at, and its label."""

    field: str
    label: str
    text: str


def identifier_kinds(text: str, walk_date: date | None = None) -> list[str]:
    """Return the kinds of possible pupil identifier in `text`, sorted, each once."""
    if not text.strip():
        return []
    return sorted({match.kind.value for match in scan_text(text, walk_date=walk_date)})


def describe_kinds(kinds: Collection[str]) -> str:
    """Return the kinds in words ("email address, possible name") for a warning."""
    return ", ".join(KIND_LABELS[MatchKind(kind)] for kind in kinds)


def check_free_text(
    fields: Collection[TextField],
    walk_date: date | None = None,
    confirmed: Collection[str] = (),
) -> dict[str, list[str]]:
    """Return {field: kinds} of identifiers the consultant confirmed keeping, for the trail.

    `confirmed` holds the fields whose "save anyway" was ticked.

    Raises:
        ValidationError: at the first field holding a possible identifier that was not confirmed;
            nothing must be saved.
    """
    kept: dict[str, list[str]] = {}
    for item in fields:
        kinds = identifier_kinds(item.text, walk_date)
        if not kinds:
            continue
        if item.field not in confirmed:
            raise ValidationError(
                f"{item.label} may contain a pupil identifier ({describe_kinds(kinds)}). "
                f"Remove it (or write {REDACTION}), or tick 'Save anyway' if it is not one.",
                field=item.field,
            )
        kept[item.field] = kinds
    return kept


def kept_changes(kept: Mapping[str, list[str]]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """Return the trail `changes` entry recording identifiers kept, by field and kind only."""
    return {KEPT_IDENTIFIERS: {"new": {field: list(kinds) for field, kinds in kept.items()}}}


FINDING_TEXT_LABELS = {
    "title": "Title",
    "notes": "Notes",
    "good_practice_note": "Good practice note",
}


def caption_field(photo_id: str) -> str:
    """The field a photo's caption is checked and recorded under (`caption_<photo id>`)."""
    return f"caption_{photo_id}"


def finding_text_fields(finding: Finding | Draft) -> list[TextField]:
    """Every free-text field of a finding (or the draft of one): the title, notes, good-practice
    note and each photo caption, labelled as the walk page shows them."""
    fields = [
        TextField(field, label, getattr(finding, field))
        for field, label in FINDING_TEXT_LABELS.items()
    ]
    fields += [
        TextField(caption_field(photo.id), f"Photo {number} caption", photo.caption)
        for number, photo in enumerate(finding.photos, start=1)
    ]
    return fields
