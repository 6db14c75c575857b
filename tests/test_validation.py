"""Findings and locations are checked against the checklist's vocabulary, naming the bad field."""

from __future__ import annotations

import pytest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, finding_from_template, load_checklist
from datawalk.errors import ValidationError
from datawalk.models import Finding, Location
from datawalk.validation import validate_finding, validate_location

UK = load_checklist(DEFAULT_CHECKLIST_PATH)


def _finding(**changes) -> Finding:
    """A valid finding from the first template, with `changes` applied."""
    finding = finding_from_template(UK, UK.objects.templates[0].id, "audit-0001", "location-01")
    return finding.model_copy(update=changes)


def test_template_finding_is_valid() -> None:
    validate_finding(_finding(), UK)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("categories", ["anaphylaxis_aai", "horoscope"]),
        ("format", "smoke_signal"),
        ("identifiability", "shoe_size"),
        ("detail_level", "everything"),
        ("visible_to", ["pupils", "aliens"]),
        ("needed_by", ["head_of_mars"]),
        ("controls", ["moat"]),
        ("evidence", "rumour"),
        ("template_id", "no_such_template"),
    ],
)
def test_unknown_id_names_its_field(field: str, value) -> None:
    with pytest.raises(ValidationError) as info:
        validate_finding(_finding(**{field: value}), UK)
    assert info.value.field == field
    bad = value[-1] if isinstance(value, list) else value
    assert bad in str(info.value)


def test_reach_must_be_a_reach_speed_of_the_checklist() -> None:
    speeds = UK.objects.model_copy(update={"reach_speeds": UK.objects.reach_speeds[1:]})
    narrowed = UK.model_copy(update={"objects": speeds})
    with pytest.raises(ValidationError) as info:
        validate_finding(_finding(reach=UK.objects.reach_speeds[0].id), narrowed)
    assert info.value.field == "reach"


def test_control_limited_to_other_categories_is_refused() -> None:
    limited = next(c for c in UK.objects.controls if c.applies_to)
    other = next(c.id for c in UK.objects.data_categories if c.id not in limited.applies_to)
    with pytest.raises(ValidationError) as info:
        validate_finding(_finding(categories=[other], controls=[limited.id]), UK)
    assert info.value.field == "controls"
    validate_finding(_finding(categories=[limited.applies_to[0]], controls=[limited.id]), UK)


def test_location_type_must_exist() -> None:
    known = UK.objects.location_types[0].id
    validate_location(Location(audit_id="audit-0001", name="Hall", location_type=known), UK)
    with pytest.raises(ValidationError) as info:
        validate_location(Location(audit_id="audit-0001", name="Moon", location_type="moon"), UK)
    assert info.value.field == "location_type"
