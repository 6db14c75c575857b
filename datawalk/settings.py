"""Every deployment setting, read from the environment once into one object.

The README's configuration table lists the same variables; a test keeps the two in step. Reading
happens here only, so a setting has one name, one default and one error message. Pure core.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datawalk.privacy.retention import RetentionPolicy

DATABASE_URL = "DATAWALK_DATABASE_URL"
PASSWORD_HASH = "DATAWALK_PASSWORD_HASH"
CHECKLISTS_DIR = "DATAWALK_CHECKLISTS_DIR"
PROTECTIVE_MARKING = "DATAWALK_PROTECTIVE_MARKING"
DEFAULT_PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
WALK_INTERVAL = "DATAWALK_WALK_INTERVAL_MONTHS"
DEFAULT_WALK_INTERVAL_MONTHS = 12  # schools walk again every year
RETENTION_VARIABLES = (
    "DATAWALK_RETENTION_PHOTOS_MONTHS",
    "DATAWALK_RETENTION_FREE_TEXT_MONTHS",
    "DATAWALK_RETENTION_RECORD_MONTHS",
)
# Every DATAWALK_* variable the app reads; the test suite's own (DATAWALK_REQUIRE_BROWSER,
# DATAWALK_TEST_DATABASE_URL) are documented with the tests.
VARIABLES = (
    DATABASE_URL,
    PASSWORD_HASH,
    CHECKLISTS_DIR,
    PROTECTIVE_MARKING,
    *RETENTION_VARIABLES,
    WALK_INTERVAL,
)
# One lifetime for every sign-in, local or single sign-on (see datawalk/accounts/sessions.py).
SESSION_HOURS = "DATAWALK_SESSION_HOURS"
SESSION_IDLE_MINUTES = "DATAWALK_SESSION_IDLE_MINUTES"
DEFAULT_SESSION_HOURS = 12
DEFAULT_SESSION_IDLE_MINUTES = 120
VARIABLES += (SESSION_HOURS, SESSION_IDLE_MINUTES)
# The sign-in routes: which proxies' X-Forwarded-* headers count, the cookie signing secret, and
# the Microsoft tenants whose accounts may link to a DataWalk user (datawalk/ui/server/).
TRUSTED_PROXIES = "DATAWALK_TRUSTED_PROXIES"
SESSION_SECRET = "DATAWALK_SESSION_SECRET"
SSO_MICROSOFT_TENANTS = "DATAWALK_SSO_MICROSOFT_TENANTS"
VARIABLES += (TRUSTED_PROXIES, SESSION_SECRET, SSO_MICROSOFT_TENANTS)
BUNDLED_CHECKLISTS = Path(__file__).resolve().parents[1] / "checklists"


@dataclass(frozen=True)
class Settings:
    """What this deployment was told: where data lives, the password, retention periods."""

    database_url: str | None = None
    password_hash: str | None = None
    checklists_dir: Path = BUNDLED_CHECKLISTS
    retention_variables: Mapping[str, str] = field(default_factory=dict)
    # Printed in every report and workbook header and footer; academies may use their own scheme.
    protective_marking: str = DEFAULT_PROTECTIVE_MARKING
    session_hours_text: str | None = None
    session_idle_minutes_text: str | None = None
    trusted_proxies: str | None = None  # comma-separated addresses
    session_secret: str | None = None
    sso_microsoft_tenants: frozenset[str] = frozenset()
    # How long after a walk the school's next one is due (the portfolio and its reminders).
    walk_interval_text: str | None = None

    def retention(self) -> RetentionPolicy:
        """The retention periods, checked where they are shown or applied, so a typo in one
        stops the retention panel with a clear message, not a walk in progress.

        Raises:
            ValidationError: a period is not a whole number of months, or out of order.
        """
        # Imported here: the privacy package loads OpenCV, which opening a database never needs.
        from datawalk.privacy.retention import RetentionPolicy

        return RetentionPolicy.from_env(self.retention_variables)

    def walk_interval_months(self) -> int:
        """Months from a school's last walk to its next, checked where it is used, so a typo
        stops the portfolio with a clear message and nothing else.

        Raises:
            ValidationError: not a whole number of months from 1 to 60.
        """
        from datawalk.errors import ValidationError

        if self.walk_interval_text is None:
            return DEFAULT_WALK_INTERVAL_MONTHS
        text = self.walk_interval_text
        if not text.isdigit() or not 1 <= int(text) <= 60:
            raise ValidationError(
                f"{WALK_INTERVAL} must be a whole number of months from 1 to 60, not {text!r}.",
                field="walk_interval",
            )
        return int(text)

    def session_lifetime(self) -> SessionLifetime:
        """How long a sign-in lasts: absolute hours and idle minutes, checked where used.

        Raises:
            ValidationError: not a whole number in range, or idle longer than absolute.
        """
        hours = _whole(SESSION_HOURS, self.session_hours_text, DEFAULT_SESSION_HOURS, 1, 24 * 30)
        idle = _whole(
            SESSION_IDLE_MINUTES,
            self.session_idle_minutes_text,
            DEFAULT_SESSION_IDLE_MINUTES,
            5,
            24 * 60 * 30,
        )
        if idle > hours * 60:
            from datawalk.errors import ValidationError

            raise ValidationError(
                f"{SESSION_IDLE_MINUTES} ({idle}) is longer than {SESSION_HOURS} ({hours} h): "
                "a sign-in cannot stay idle longer than it lasts.",
                field="session",
            )
        return SessionLifetime(absolute=timedelta(hours=hours), idle=timedelta(minutes=idle))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; an empty variable counts as unset."""
        env = os.environ if environ is None else environ

        def value(name: str) -> str | None:
            text = env.get(name, "").strip()
            return text or None

        directory = value(CHECKLISTS_DIR)
        return cls(
            database_url=value(DATABASE_URL),
            password_hash=value(PASSWORD_HASH),
            checklists_dir=Path(directory).expanduser() if directory else BUNDLED_CHECKLISTS,
            retention_variables={name: env[name] for name in RETENTION_VARIABLES if name in env},
            protective_marking=value(PROTECTIVE_MARKING) or DEFAULT_PROTECTIVE_MARKING,
            session_hours_text=value(SESSION_HOURS),
            session_idle_minutes_text=value(SESSION_IDLE_MINUTES),
            trusted_proxies=value(TRUSTED_PROXIES),
            session_secret=value(SESSION_SECRET),
            sso_microsoft_tenants=frozenset(
                part.strip()
                for part in (value(SSO_MICROSOFT_TENANTS) or "").split(",")
                if part.strip()
            ),
            walk_interval_text=value(WALK_INTERVAL),
        )


@dataclass(frozen=True)
class SessionLifetime:
    """A sign-in ends `absolute` after it began, or `idle` after it was last used."""

    absolute: timedelta
    idle: timedelta


def _whole(name: str, text: str | None, default: int, low: int, high: int) -> int:
    """Return the setting as a whole number from `low` to `high`, or the default when unset."""
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        from datawalk.errors import ValidationError

        raise ValidationError(
            f"{name} must be a whole number from {low} to {high}, not {text!r}.", field="session"
        )
    return int(text)
