"""Retention: photos and free text fall due first, the whole record later; holds stop both."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datawalk.errors import ValidationError
from datawalk.models import Audit, AuditStatus, PinnedChecklist, School, Site
from datawalk.privacy import (
    RetentionItem,
    RetentionPolicy,
    RetentionScope,
    due_for_deletion,
    retention_dates,
)
from datawalk.privacy.retention import add_months

COMPLETED = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)


def make_audit(
    *,
    school: str = "Oakfield Primary",
    status: AuditStatus = AuditStatus.COMPLETE,
    completed_at: datetime | None = COMPLETED,
    legal_hold: bool = False,
    updated_at: datetime = COMPLETED,
) -> Audit:
    return Audit(
        school=School(name=school, phase="primary"),
        site=Site(name="Main site"),
        walk_at=datetime(2026, 1, 20, 9, 0, tzinfo=UTC),
        auditor="J. Consultant",
        checklist=PinnedChecklist(id="uk-schools", version=1, content_hash="0" * 64, content={}),
        status=status,
        completed_at=completed_at,
        legal_hold=legal_hold,
        updated_at=updated_at,
    )


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


def test_defaults_are_six_months_for_photos_and_text_and_24_for_the_record() -> None:
    policy = RetentionPolicy()
    assert (policy.photos_months, policy.free_text_months, policy.record_months) == (6, 6, 24)


def test_nothing_is_due_before_six_months() -> None:
    assert due_for_deletion([make_audit()], at(2026, 7, 30)) == []


def test_photos_and_text_fall_due_six_months_after_completion() -> None:
    audit = make_audit()
    due = due_for_deletion([audit], at(2026, 7, 31))
    # 31 January + 6 months is 31 July, 16:00; at noon that day it is not yet due.
    assert due == []
    due = due_for_deletion([audit], datetime(2026, 7, 31, 16, 0, tzinfo=UTC))
    assert due == [
        RetentionItem(
            audit_id=audit.id,
            school_name="Oakfield Primary",
            completed_at=COMPLETED,
            scope=RetentionScope.PHOTOS_AND_TEXT,
            due_at=datetime(2026, 7, 31, 16, 0, tzinfo=UTC),
        )
    ]


def test_the_whole_record_falls_due_after_24_months() -> None:
    audit = make_audit()
    (item,) = due_for_deletion([audit], at(2028, 2, 1))
    assert item.scope is RetentionScope.WHOLE_RECORD
    assert item.due_at == datetime(2028, 1, 31, 16, 0, tzinfo=UTC)


def test_an_audit_already_cleared_is_listed_again_only_for_the_record() -> None:
    audit = make_audit()
    assert due_for_deletion([audit], at(2027, 1, 1), already_cleared={audit.id}) == []
    (item,) = due_for_deletion([audit], at(2028, 3, 1), already_cleared={audit.id})
    assert item.scope is RetentionScope.WHOLE_RECORD


def test_legal_hold_stops_deletion() -> None:
    held = make_audit(legal_hold=True)
    assert due_for_deletion([held], at(2030, 1, 1)) == []


@pytest.mark.parametrize("completed_at", [None, COMPLETED])
def test_an_audit_in_progress_is_never_due(completed_at: datetime | None) -> None:
    audit = make_audit(status=AuditStatus.IN_PROGRESS, completed_at=completed_at)
    assert due_for_deletion([audit], at(2035, 1, 1)) == []
    assert retention_dates(audit) == {}


def test_archived_audits_follow_the_same_clock() -> None:
    audit = make_audit(status=AuditStatus.ARCHIVED)
    (item,) = due_for_deletion([audit], at(2026, 9, 1))
    assert item.scope is RetentionScope.PHOTOS_AND_TEXT


def test_a_completed_audit_without_a_completion_time_uses_its_last_update() -> None:
    audit = make_audit(completed_at=None, updated_at=datetime(2026, 3, 10, tzinfo=UTC))
    assert retention_dates(audit)["photos"] == datetime(2026, 9, 10, tzinfo=UTC)


def test_naive_times_are_taken_as_utc() -> None:
    audit = make_audit(completed_at=datetime(2026, 1, 31, 16, 0))
    (item,) = due_for_deletion([audit], datetime(2026, 8, 1, 0, 0))
    assert item.due_at == datetime(2026, 7, 31, 16, 0, tzinfo=UTC)


def test_several_audits_come_back_oldest_due_first() -> None:
    older = make_audit(school="Elm Academy", completed_at=at(2025, 1, 10))
    newer = make_audit(school="Ash Infants", completed_at=at(2026, 2, 1))
    held = make_audit(school="Birch Juniors", completed_at=at(2024, 1, 1), legal_hold=True)
    current = make_audit(school="Cedar Primary", status=AuditStatus.IN_PROGRESS)
    due = due_for_deletion([newer, held, current, older], at(2026, 9, 1))
    assert [(item.school_name, item.scope) for item in due] == [
        ("Elm Academy", RetentionScope.PHOTOS_AND_TEXT),
        ("Ash Infants", RetentionScope.PHOTOS_AND_TEXT),
    ]


def test_retention_dates_per_kind() -> None:
    policy = RetentionPolicy(photos_months=3, free_text_months=6, record_months=12)
    dates = retention_dates(make_audit(), policy)
    assert dates == {
        "photos": datetime(2026, 4, 30, 16, 0, tzinfo=UTC),
        "free_text": datetime(2026, 7, 31, 16, 0, tzinfo=UTC),
        "record": datetime(2027, 1, 31, 16, 0, tzinfo=UTC),
    }
    (item,) = due_for_deletion([make_audit()], at(2026, 5, 1), policy)
    assert item.due_at == dates["photos"]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 8, 31), 6, datetime(2027, 2, 28)),
        (datetime(2027, 8, 31), 6, datetime(2028, 2, 29)),
        (datetime(2026, 1, 15), 24, datetime(2028, 1, 15)),
        (datetime(2026, 12, 1), 1, datetime(2027, 1, 1)),
    ],
)
def test_add_months_clamps_to_the_end_of_short_months(
    start: datetime, months: int, expected: datetime
) -> None:
    assert add_months(start, months) == expected


def test_policy_reads_the_environment() -> None:
    env = {
        "DATAWALK_RETENTION_PHOTOS_MONTHS": "3",
        "DATAWALK_RETENTION_FREE_TEXT_MONTHS": " 4 ",
        "DATAWALK_RETENTION_RECORD_MONTHS": "36",
        "UNRELATED": "x",
    }
    assert RetentionPolicy.from_env(env) == RetentionPolicy(
        photos_months=3, free_text_months=4, record_months=36
    )
    assert RetentionPolicy.from_env({}) == RetentionPolicy()


def test_policy_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAWALK_RETENTION_RECORD_MONTHS", "30")
    assert RetentionPolicy.from_env().record_months == 30


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATAWALK_RETENTION_PHOTOS_MONTHS": "six"}, "DATAWALK_RETENTION_PHOTOS_MONTHS"),
        ({"DATAWALK_RETENTION_RECORD_MONTHS": "0"}, "DATAWALK_RETENTION_RECORD_MONTHS"),
        ({"DATAWALK_RETENTION_PHOTOS_MONTHS": "30"}, "longer than the audit record"),
    ],
)
def test_bad_retention_settings_are_refused_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RetentionPolicy.from_env(env)
