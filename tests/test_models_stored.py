"""`Model.stored` builds a record from values this database wrote exactly as validation would
have: equal, dumped the same, and still validated on assignment; short of a field, it falls back
to `model_construct`, defaults and all."""

from __future__ import annotations

import pydantic
import pytest

from datawalk.models import Action, ActionStatus


def _action() -> Action:
    return Action(
        audit_id="audit-1",
        finding_ids=["finding-1", "finding-2"],
        recommendation="Move the list staff-side.",
        owner="Business manager",
        priority=7.5,
        status=ActionStatus.IN_PROGRESS,
    )


def test_a_stored_record_equals_the_validated_one_and_dumps_alike():
    validated = _action()
    values = dict(reversed(list(validated.model_dump().items())))  # any order of keys
    values["status"] = ActionStatus(values["status"])
    stored = Action.stored(values)
    assert stored == validated
    assert stored.model_dump_json() == validated.model_dump_json()
    assert stored.model_fields_set == set(Action.model_fields)


def test_assignment_to_a_stored_record_is_still_validated():
    stored = Action.stored(_action().model_dump())
    with pytest.raises(pydantic.ValidationError):
        stored.owner = "x" * 10_000


def test_values_short_of_a_field_fall_back_to_model_construct():
    values = _action().model_dump()
    del values["notes"]
    stored = Action.stored(values)
    assert stored.notes == Action.model_fields["notes"].get_default(call_default_factory=True)
    assert "notes" not in stored.model_fields_set
