"""Reminders without a mail server: what falls due soon, and the same dates as a calendar file.

A consultant has no DataWalk mail; their own calendar reminds them. "Due soon" lists the actions
due in the next 14 days, the displayed information whose review date passes in the next 30, and
the walks due within 30 days (or already late). The `.ics` file holds every open action's due
date and each school's next walk, built with `icalendar`. An event says only the school, the
finding reference, a short action title and the date: no notes, no recommendation beyond its
first words, and a title that the identifier scan flags is replaced by "Action due". Pure core.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from datawalk.models import Action
from datawalk.portfolio import SchoolRow

ACTION_DAYS = 14
REVIEW_DAYS = 30
WALK_DAYS = 30
TITLE_MAX = 60
PLAIN_TITLE = "Action due"
WALK_TITLE = "Next data walk due"
REVIEW_TITLE = "Displayed information: review date"
PRODID = "-//DataWalk//Reminders//EN"


@dataclass(frozen=True)
class Reminder:
    """One dated thing to do: an action, a review date or a walk."""

    kind: str  # "action", "review" or "walk"
    school: str
    audit_id: str
    due: date
    reference: str
    title: str
    uid: str


def short_title(action: Action, walk_on: date | None = None) -> str:
    """Return the action's first words (at most `TITLE_MAX` characters, never cut mid-word), or
    "Action due" when it is empty or may hold a pupil identifier: a calendar is shared widely."""
    from datawalk.privacy.text_checks import identifier_kinds

    lines = [line.strip() for line in action.recommendation.splitlines() if line.strip()]
    if not lines:
        return PLAIN_TITLE
    sentence = re.split(r"(?<=[.!?])\s", " ".join(lines[0].split()), maxsplit=1)[0]
    if len(sentence) > TITLE_MAX:
        sentence = sentence[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    if identifier_kinds(sentence, walk_on):
        return PLAIN_TITLE
    return sentence


def action_reminders(rows: Iterable[SchoolRow]) -> list[Reminder]:
    """Every open action with a due date, in every school given."""
    return [
        Reminder(
            kind="action",
            school=row.school,
            audit_id=row.latest_audit_id,
            due=item.action.due_date,
            reference=", ".join(ref for ref in item.references if ref),
            title=short_title(item.action, row.last_walk),
            uid=f"action-{item.action.id}@datawalk",
        )
        for row in rows
        for item in row.actions
        if item.action.due_date is not None
    ]


def walk_reminders(rows: Iterable[SchoolRow]) -> list[Reminder]:
    """Each school's next walk."""
    return [
        Reminder(
            kind="walk",
            school=row.school,
            audit_id=row.latest_audit_id,
            due=row.next_walk_due,
            reference="",
            title=WALK_TITLE,
            uid=f"walk-{row.latest_audit_id}@datawalk",
        )
        for row in rows
    ]


def review_reminders(rows: Iterable[SchoolRow]) -> list[Reminder]:
    """The latest walk's findings that carry a review date."""
    return [
        Reminder(
            kind="review",
            school=row.school,
            audit_id=row.latest_audit_id,
            due=review_on,
            reference=reference,
            title=REVIEW_TITLE,
            uid=f"review-{row.latest_audit_id}-{reference}@datawalk",
        )
        for row in rows
        for reference, review_on in row.review_dates
    ]


def due_soon(rows: Iterable[SchoolRow], today: date) -> list[Reminder]:
    """Actions due in the next 14 days, review dates passing in the next 30 and walks due within
    30 days or late: soonest first."""
    rows = list(rows)

    def within(days: int, late_too: bool = False) -> Callable[[Reminder], bool]:
        def keep(reminder: Reminder) -> bool:
            return (late_too or reminder.due >= today) and reminder.due <= today + timedelta(days)

        return keep

    items = [
        *filter(within(ACTION_DAYS), action_reminders(rows)),
        *filter(within(REVIEW_DAYS), review_reminders(rows)),
        *filter(within(WALK_DAYS, late_too=True), walk_reminders(rows)),
    ]
    return sorted(items, key=lambda r: (r.due, r.school.casefold(), r.kind, r.reference))


def event_summary(reminder: Reminder) -> str:
    """The one line an event shows: school, reference (when there is one) and title."""
    parts = [reminder.school, reminder.reference, reminder.title]
    return " · ".join(part for part in parts if part)


def calendar_ics(rows: Iterable[SchoolRow], now: datetime) -> bytes:
    """Return an iCalendar file of every open action's due date and each school's next walk.

    Each event is an all-day event whose summary names only the school, the finding reference
    and a short title; `now` stamps the events (RFC 5545 needs it).
    """
    from icalendar import Calendar, Event

    rows = list(rows)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "DataWalk reminders")
    for reminder in [*action_reminders(rows), *walk_reminders(rows)]:
        event = Event()
        event.add("uid", reminder.uid)
        event.add("dtstamp", now)
        event.add("dtstart", reminder.due)
        event.add("dtend", reminder.due + timedelta(days=1))
        event.add("summary", event_summary(reminder))
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_filename(school: str | None, today: date) -> str:
    """`datawalk-reminders-<school>-<date>.ics`, or `…-all-schools-…` for every school."""
    slug = re.sub(r"[^a-z0-9]+", "-", (school or "all schools").casefold()).strip("-")
    return f"datawalk-reminders-{slug or 'school'}-{today:%Y-%m-%d}.ics"
