"""Several people and devices on one audit: whose a draft is, and what a stale save is told.

A draft belongs to one person on one device (`DraftHolder`), so a half-typed finding on one
tablet is never shown on, or emptied by, another. Until accounts exist the person is the name
the trail records and the device is the `datawalk_device` cookie the sign-in sets; with no
cookie every browser shares one device key, which keeps today's "a reload brings the draft
back" on a single laptop.

Saved findings and actions carry a version; an edit names the version it started from, and a
save from an older one is refused with who changed it and when, never written over their change.
Pure core: no Streamlit, no database.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEVICE_COOKIE = "datawalk_device"
SHARED_DEVICE = "shared"
# A device id is a random token the sign-in route makes; anything else in the cookie is ignored.
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
try:
    # The schools are in the UK: times on screen are the wall clock there, summer time included.
    SHOWN_ZONE: ZoneInfo | None = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no time zone data on this machine: say UTC instead
    SHOWN_ZONE = None


@dataclass(frozen=True)
class DraftHolder:
    """Whose draft it is: a person (the trail's name for them) on one device."""

    owner: str
    device: str = SHARED_DEVICE


def new_device_id() -> str:
    """Return a random device id (128 bits, URL-safe) for the long-lived device cookie."""
    return secrets.token_urlsafe(16)


def valid_device_id(value: object) -> str | None:
    """Return the device id if it has the shape of one the sign-in makes, else None."""
    if isinstance(value, str) and _DEVICE_ID.match(value) and value != SHARED_DEVICE:
        return value
    return None


def device_of(cookie: object) -> str:
    """The device key for a `datawalk_device` cookie value: the id itself when it looks like
    one the sign-in made, else the shared key (no cookie, or a value someone typed)."""
    return valid_device_id(cookie) or SHARED_DEVICE


def clock_time(at: datetime) -> str:
    """`10:42` on the UK wall clock (or `10:42 UTC` where time zone data is missing)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    if SHOWN_ZONE is None:
        return f"{at.astimezone(UTC):%H:%M} UTC"
    return f"{at.astimezone(SHOWN_ZONE):%H:%M}"


def stale_message(changed_by: str, changed_at: datetime) -> str:
    """What a save from an out-of-date form is told instead of writing over another change."""
    who = changed_by.strip() or "someone else"
    return (
        f"Changed by {who} at {clock_time(changed_at)}: review their change and apply yours again"
    )


def other_device_message(updated_at: datetime) -> str:
    """What a person opening a place is told when their draft there sits on another device."""
    return (
        f"You have an unsaved draft from your other device ({clock_time(updated_at)}): "
        "open it or keep it"
    )
