"""The save-time rule for free text: a field with a possible pupil identifier is refused at that
field unless the consultant confirmed keeping it; what was kept comes back by kind only."""

from __future__ import annotations

from datetime import date

import pytest

from datawalk.errors import ValidationError
from datawalk.privacy.text_checks import (
    KEPT_IDENTIFIERS,
    TextField,
    check_free_text,
    describe_kinds,
    identifier_kinds,
    kept_changes,
)

WALK = date(2026, 11, 20)
EMAIL = "Ask jo.bloggs@example.com"
ORDINARY = "Allergy poster in Oak Class, Year 3, by Mrs Patel's office"


def test_ordinary_audit_text_passes_and_keeps_nothing() -> None:
    fields = [TextField("notes", "Notes", ORDINARY), TextField("name", "Location name", "")]
    assert check_free_text(fields, WALK) == {}


def test_the_first_unconfirmed_field_is_refused_at_that_field_with_its_kinds() -> None:
    fields = [TextField("notes", "Notes", ORDINARY), TextField("scope", "Scope", EMAIL)]
    with pytest.raises(ValidationError) as caught:
        check_free_text(fields, WALK)
    assert caught.value.field == "scope"
    assert "Scope may contain a pupil identifier (email address)" in str(caught.value)
    assert "jo.bloggs" not in str(caught.value)


def test_a_confirmed_field_is_kept_and_reported_by_kind() -> None:
    text = "Ring 020 7946 0018 or jo.bloggs@example.com"
    kept = check_free_text([TextField("notes", "Notes", text)], WALK, confirmed={"notes"})
    assert kept == {"notes": identifier_kinds(text, WALK)}
    assert set(kept["notes"]) == {"email", "uk_phone"}


def test_a_confirmation_of_another_field_does_not_count() -> None:
    with pytest.raises(ValidationError):
        check_free_text([TextField("notes", "Notes", EMAIL)], WALK, confirmed={"caption"})


def test_school_age_is_judged_at_the_walk_date() -> None:
    text = "Born 14/03/2018"
    assert identifier_kinds(text, WALK) == ["date_of_birth"]
    assert identifier_kinds(text, date(2060, 1, 1)) == []


def test_kinds_read_as_words_and_the_trail_entry_holds_no_text() -> None:
    assert describe_kinds(["email", "upn"]) == "email address, Unique Pupil Number"
    changes = kept_changes({"notes": ["email"]})
    assert changes == {KEPT_IDENTIFIERS: {"new": {"notes": ["email"]}}}
