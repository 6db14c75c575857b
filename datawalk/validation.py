"""Check findings and locations against the vocabulary of a checklist (normally the audit's pinned
copy), because models store vocabulary ids as plain strings and the vocabulary is data.

Pydantic already checks shapes; this module checks meaning: every id exists, and a control that
is limited to some categories is used only with them. It raises one `ValidationError` naming the
field, so a form can show the message next to it. It must not import streamlit or touch storage.
"""

from __future__ import annotations

from datawalk.errors import ValidationError
from datawalk.models import Finding, Location
from datawalk.vocabulary import FINDING_VOCABULARIES, Checklist


def validate_finding(finding: Finding, checklist: Checklist) -> None:
    """Raises ValidationError for the first id or control the checklist does not allow."""
    for field, (vocabulary, noun) in FINDING_VOCABULARIES.items():
        value = getattr(finding, field)
        _require_known(
            checklist, vocabulary, noun, field, [value] if isinstance(value, str) else value
        )
    if finding.template_id is not None and checklist.term("templates", finding.template_id) is None:
        raise ValidationError(
            f"Unknown quick template '{finding.template_id}'.", field="template_id"
        )
    _require_applicable_controls(finding, checklist)


def validate_location(location: Location, checklist: Checklist) -> None:
    """Raises ValidationError if the location type is not in the checklist."""
    _require_known(
        checklist, "location_types", "location type", "location_type", [location.location_type]
    )


def _require_known(
    checklist: Checklist, vocabulary: str, noun: str, field: str, values: list[str]
) -> None:
    known = {entry.id for entry in getattr(checklist.objects, vocabulary)}
    unknown = [value for value in values if value not in known]
    if unknown:
        raise ValidationError(
            f"Unknown {noun} '{unknown[0]}': checklist {checklist.id} v{checklist.version} "
            "does not define it.",
            field=field,
        )


def _require_applicable_controls(finding: Finding, checklist: Checklist) -> None:
    """A control limited to some categories (e.g. 'out of reach, unlocked' for medicines) must
    share at least one category with the finding, or its exposure reduction would be unearned."""
    for control in checklist.objects.controls:
        applicable = not control.applies_to or set(control.applies_to) & set(finding.categories)
        if control.id in finding.controls and not applicable:
            raise ValidationError(
                f"Control '{control.name}' applies only to "
                + ", ".join(checklist.label("data_categories", c) for c in control.applies_to)
                + ".",
                field="controls",
            )
