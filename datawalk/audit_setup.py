"""Turning the "new audit" form into a valid `Audit`, with a message at the field that is wrong.

The rules here are about input, not about the domain vocabulary: required names, at least one
floor, and a walk date that is not implausibly far ahead (a typo in the year would otherwise file
the walk under the wrong retention dates). It must not import streamlit or touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pydantic

from datawalk.checklist import pin_checklist
from datawalk.errors import ValidationError, validation_error
from datawalk.models import SHORT_TEXT, Audit, Floor, Location, Phase, School, Site
from datawalk.vocabulary import Checklist

MAX_DAYS_AHEAD = 7
DEFAULT_FLOORS = ("Ground floor", "First floor")


@dataclass(frozen=True)
class AuditSetup:
    """What the consultant typed into the new-audit form, before any checking."""

    school_name: str
    phase: Phase | str | None
    site_name: str
    floor_names: tuple[str, ...]
    walk_date: date | None
    walk_time: time | None
    auditor: str
    accompanied_by: str = ""
    scope_limitations: str = ""


def split_floor_names(text: str) -> tuple[str, ...]:
    """Return the floor names in `text`, one per line or comma, blanks and repeats dropped."""
    names: list[str] = []
    for part in text.replace("\n", ",").split(","):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _required(value: str, field_name: str, label: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(f"{label} is required.", field=field_name)
    if len(value) > SHORT_TEXT:
        raise ValidationError(f"{label} is too long (at most {SHORT_TEXT} characters).", field_name)
    return value


def check_walk_date(walk_date: date | None, today: date) -> date:
    """Return `walk_date` if it is at most a week ahead.

    Raises:
        ValidationError: on field `walk_date` when it is missing or too far ahead.
    """
    if walk_date is None:
        raise ValidationError("The walk date is required.", field="walk_date")
    if walk_date > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            f"The walk date {walk_date:%d %B %Y} is more than {MAX_DAYS_AHEAD} days ahead. "
            "Check the date (and the year).",
            field="walk_date",
        )
    return walk_date


def build_audit(setup: AuditSetup, checklist: Checklist, today: date) -> Audit:
    """Return a new in-progress Audit from the form, pinning a full copy of `checklist`.

    Raises:
        ValidationError: the first field that is missing or wrong, named in `field`.
    """
    school_name = _required(setup.school_name, "school_name", "The school name")
    if not setup.phase:
        raise ValidationError("Choose the school's phase.", field="phase")
    try:
        phase = Phase(setup.phase)
    except ValueError as exc:
        raise ValidationError(f"Unknown phase '{setup.phase}'.", field="phase") from exc
    site_name = _required(setup.site_name, "site_name", "The site name")
    if not setup.floor_names:
        raise ValidationError("Name at least one floor, e.g. 'Ground floor'.", field="floors")
    for name in setup.floor_names:
        _required(name, "floors", "Each floor name")
    walk_date = check_walk_date(setup.walk_date, today)
    walk_time = setup.walk_time or time(9, 0)
    auditor = _required(setup.auditor, "auditor", "The auditor's name")
    if len(setup.accompanied_by) > SHORT_TEXT:
        raise ValidationError("'Accompanied by' is too long.", field="accompanied_by")
    try:
        floors = [Floor(name=name, order=i) for i, name in enumerate(setup.floor_names)]
        return Audit(
            school=School(name=school_name, phase=phase),
            site=Site(name=site_name, floors=floors),
            walk_at=datetime.combine(walk_date, walk_time).astimezone(),
            auditor=auditor,
            accompanied_by=setup.accompanied_by.strip(),
            scope_limitations=setup.scope_limitations,
            checklist=pin_checklist(checklist),
        )
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from exc


def new_location(
    audit: Audit, name: str, location_type: str | None, floor_id: str | None
) -> Location:
    """Return a new Location of `audit` from the add-location form.

    Raises:
        ValidationError: the name or type is missing, or the floor is not one of the audit's.
    """
    name = _required(name, "name", "The location name")
    if not location_type:
        raise ValidationError("Choose the location type.", field="location_type")
    if floor_id is not None and audit.floor(floor_id) is None:
        raise ValidationError("Choose one of this site's floors.", field="floor_id")
    try:
        return Location(
            audit_id=audit.id, name=name, location_type=location_type, floor_id=floor_id
        )
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from exc
