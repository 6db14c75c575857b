"""The new-audit form's rules: required names, at least one floor, a walk at most a week ahead,
and the checklist pinned in full."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from datawalk.audit_setup import (
    MAX_DAYS_AHEAD,
    AuditSetup,
    build_audit,
    new_location,
    split_floor_names,
)
from datawalk.checklist import content_hash
from datawalk.errors import ValidationError

TODAY = date(2025, 3, 4)
SETUP = AuditSetup(
    school_name="  Larkspur Primary (fictional) ",
    phase="primary",
    site_name="Main site",
    floor_names=("Ground floor", "First floor"),
    walk_date=TODAY,
    walk_time=time(9, 30),
    auditor="A. Consultant",
    accompanied_by="DPO",
    scope_limitations="Nursery not visited.",
)


def test_a_valid_form_gives_an_in_progress_audit_with_its_checklist_pinned(checklist) -> None:
    audit = build_audit(SETUP, checklist, TODAY)

    assert audit.school.name == "Larkspur Primary (fictional)"
    assert [floor.name for floor in audit.site.floors] == ["Ground floor", "First floor"]
    assert (audit.walk_at.date(), audit.walk_at.time()) == (TODAY, time(9, 30))
    assert audit.status == "in_progress"
    assert audit.checklist.id == checklist.id
    assert audit.checklist.content_hash == content_hash(audit.checklist.content)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"school_name": "   "}, "school_name"),
        ({"phase": None}, "phase"),
        ({"phase": "university"}, "phase"),
        ({"site_name": ""}, "site_name"),
        ({"floor_names": ()}, "floors"),
        ({"walk_date": None}, "walk_date"),
        ({"walk_date": TODAY + timedelta(days=MAX_DAYS_AHEAD + 1)}, "walk_date"),
        ({"auditor": ""}, "auditor"),
        ({"accompanied_by": "x" * 201}, "accompanied_by"),
    ],
)
def test_each_bad_field_is_named(checklist, change, field) -> None:
    with pytest.raises(ValidationError) as refused:
        build_audit(replace(SETUP, **change), checklist, TODAY)
    assert refused.value.field == field


def test_a_walk_exactly_a_week_ahead_or_in_the_past_is_fine(checklist) -> None:
    for walk_date in (TODAY + timedelta(days=MAX_DAYS_AHEAD), TODAY - timedelta(days=400)):
        assert build_audit(replace(SETUP, walk_date=walk_date), checklist, TODAY)


def test_floor_names_split_on_commas_and_lines_without_blanks_or_repeats() -> None:
    assert split_floor_names("Ground, First\n\nFirst ,Basement") == ("Ground", "First", "Basement")


def test_new_location_checks_name_type_and_floor(checklist) -> None:
    audit = build_audit(SETUP, checklist, TODAY)
    floor = audit.site.floors[1].id
    location = new_location(audit, " Kitchen ", "kitchen", floor)
    assert (location.name, location.floor_id, location.audit_id) == ("Kitchen", floor, audit.id)
    for args, field in [
        (("", "kitchen", floor), "name"),
        (("Kitchen", None, floor), "location_type"),
        (("Kitchen", "kitchen", "elsewhere"), "floor_id"),
    ]:
        with pytest.raises(ValidationError) as refused:
            new_location(audit, *args)
        assert refused.value.field == field


def test_text_over_its_limit_is_one_line_at_its_field_not_a_dump(checklist):
    setup = replace(SETUP, scope_limitations="x" * 100_000)
    with pytest.raises(ValidationError) as refused:
        build_audit(setup, checklist, TODAY)
    message = str(refused.value)
    assert refused.value.field == "scope_limitations"
    assert "\n" not in message and "xxxx" not in message and len(message) < 200
