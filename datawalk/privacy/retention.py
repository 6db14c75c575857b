"""Retention: which audits hold data past its keep-until date. Pure functions, no deletion here.

Retention differs by data type. Photos and free text (the most likely to identify a pupil) go
first, 6 months after the audit is completed by default; scores, actions and the audit record
itself stay 24 months, so a school can show progress at its next review. Periods come from the
environment so that a firm can follow its own retention schedule. An audit on legal hold, or not
yet completed, is never due. The store does the deleting; the Audits page lists what is due.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from datawalk.errors import ValidationError
from datawalk.models import Audit, AuditStatus

ENV_PREFIX = "DATAWALK_RETENTION_"


class RetentionScope(StrEnum):
    PHOTOS_AND_TEXT = "photos_and_text"
    WHOLE_RECORD = "whole_record"


class RetentionPolicy(BaseModel):
    """How many months after completion each kind of data is kept."""

    model_config = ConfigDict(frozen=True)

    photos_months: int = Field(default=6, ge=1, le=1200)
    free_text_months: int = Field(default=6, ge=1, le=1200)
    record_months: int = Field(default=24, ge=1, le=1200)

    @model_validator(mode="after")
    def _record_outlives_its_parts(self) -> RetentionPolicy:
        if max(self.photos_months, self.free_text_months) > self.record_months:
            raise ValueError("photos and free text cannot be kept longer than the audit record")
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetentionPolicy:
        """Read DATAWALK_RETENTION_PHOTOS_MONTHS, _FREE_TEXT_MONTHS, _RECORD_MONTHS if set.

        Raises:
            ValidationError: a value is not a whole number of months, or out of order.
        """
        env = os.environ if environ is None else environ
        values = {
            name: env[f"{ENV_PREFIX}{name.upper()}"].strip()
            for name in cls.model_fields
            if f"{ENV_PREFIX}{name.upper()}" in env
        }
        try:
            return cls.model_validate(values)
        except PydanticValidationError as exc:
            problems = "; ".join(_env_problem(error) for error in exc.errors())
            raise ValidationError(
                f"Retention settings are invalid: {problems}", field="retention"
            ) from exc


def _env_problem(error: Mapping[str, object]) -> str:
    loc = error.get("loc") or ()
    where = f"{ENV_PREFIX}{str(loc[0]).upper()}" if loc else "retention periods"  # type: ignore[index]
    return f"{where}: {error.get('msg')}"


@dataclass(frozen=True)
class RetentionItem:
    """One audit with data past its retention period, and what should go."""

    audit_id: str
    school_name: str
    completed_at: datetime
    scope: RetentionScope
    due_at: datetime


def due_for_deletion(
    audits: list[Audit],
    now: datetime,
    policy: RetentionPolicy | None = None,
    *,
    already_cleared: Collection[str] = (),
) -> list[RetentionItem]:
    """Return what is due, oldest first: one item per audit, the widest scope that applies.

    `already_cleared` holds ids of audits whose photos and free text were removed already, so
    they are listed again only when the whole record falls due.
    """
    rules = policy or RetentionPolicy()
    current = _aware(now)
    items = []
    for audit in audits:
        item = _due_item(audit, current, rules, audit.id in already_cleared)
        if item is not None:
            items.append(item)
    return sorted(items, key=lambda item: (item.due_at, item.audit_id))


def retention_dates(audit: Audit, policy: RetentionPolicy | None = None) -> dict[str, datetime]:
    """Return when each kind of data in a completed audit falls due ({} while in progress)."""
    completed = _completed_at(audit)
    if completed is None:
        return {}
    return _dates_from(completed, policy or RetentionPolicy())


def _dates_from(completed: datetime, rules: RetentionPolicy) -> dict[str, datetime]:
    return {
        "photos": add_months(completed, rules.photos_months),
        "free_text": add_months(completed, rules.free_text_months),
        "record": add_months(completed, rules.record_months),
    }


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months later, clamped to the month's end (31 August + 6 months = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _due_item(
    audit: Audit, now: datetime, rules: RetentionPolicy, cleared: bool
) -> RetentionItem | None:
    completed = _completed_at(audit)
    if audit.legal_hold or completed is None:
        return None
    dates = _dates_from(completed, rules)
    if dates["record"] <= now:
        scope, due = RetentionScope.WHOLE_RECORD, dates["record"]
    elif not cleared and min(dates["photos"], dates["free_text"]) <= now:
        scope, due = RetentionScope.PHOTOS_AND_TEXT, min(dates["photos"], dates["free_text"])
    else:
        return None
    return RetentionItem(audit.id, audit.school.name, completed, scope, due)


def _completed_at(audit: Audit) -> datetime | None:
    """When the retention clock started; an audit still in progress has no clock.

    A completed audit without `completed_at` (e.g. an old import) falls back to its last update,
    which can only be later than completion: the data is kept a little longer, never less.
    """
    if audit.status == AuditStatus.IN_PROGRESS:
        return None
    return _aware(audit.completed_at or audit.updated_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
