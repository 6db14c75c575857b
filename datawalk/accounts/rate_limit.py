"""The sign-in rate limit: backoff, never lockout, kept in the database.

Failed attempts are counted per account (the address typed, whether or not it exists) and per
client address, in the database, so a new browser session, a reload or a second server does not
reset them. After a few free failures each further one doubles the wait before the next attempt
is even checked, up to a cap: an account's cap is short, so someone guessing at a colleague's
account slows it down but never locks the colleague out; a client's cap is long, so one machine
guessing at many accounts is slowed the most. A success clears its own account's and client's
count. Attempts refused by the wait are not checked, so they cannot be used to guess. Attempts
are kept 90 days (the log of failed sign-ins), then forgotten at a later successful sign-in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from datawalk.services.workspace import Workspace

log = logging.getLogger(__name__)
CLIENT_MAX = 64
# How long attempts are kept: the log of failed sign-ins an admin may need to look back on.
KEEP_ATTEMPTS = timedelta(days=90)


@dataclass(frozen=True)
class RateLimitPolicy:
    """How failures turn into waits; the defaults suit a consultancy's handful of users."""

    window: timedelta = timedelta(minutes=15)  # failures older than this are forgotten
    free_failures: int = 3  # this many failures cost nothing
    first_wait: timedelta = timedelta(seconds=2)  # the wait after the first costly failure
    account_cap: timedelta = timedelta(seconds=60)
    client_cap: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = RateLimitPolicy()


@dataclass(frozen=True)
class Wait:
    """How long before the next attempt is checked, and whose failures make it so."""

    seconds: float
    reason: str = ""  # "account" or "client"

    @property
    def clear(self) -> bool:
        return self.seconds <= 0


def backoff(failures: int, policy: RateLimitPolicy, cap: timedelta) -> timedelta:
    """The wait after `failures` failures in the window: none while free, then doubling."""
    costly = failures - policy.free_failures
    if costly <= 0:
        return timedelta(0)
    return min(policy.first_wait * (2 ** min(costly - 1, 30)), cap)


def wait_before_attempt(
    workspace: Workspace,
    account: str,
    client: str,
    now: datetime,
    policy: RateLimitPolicy = DEFAULT_POLICY,
) -> Wait:
    """How long this client must wait before an attempt on this account is checked."""
    store = workspace._store
    since = now - policy.window
    waits = []
    for reason, cap, counted in (
        ("account", policy.account_cap, store.failures_since(since, account=account)),
        ("client", policy.client_cap, store.failures_since(since, client=_client(client))),
    ):
        failures, last = counted
        if last is not None:
            remaining = (last + backoff(failures, policy, cap) - now).total_seconds()
            waits.append(Wait(max(remaining, 0.0), reason))
    return max(waits, key=lambda wait: wait.seconds, default=Wait(0.0))


def record_attempt(
    workspace: Workspace,
    account: str,
    client: str,
    *,
    succeeded: bool,
    reason: str,
    now: datetime,
) -> None:
    """Keep an attempt for the rate limit; a failure is also logged (never the password)."""
    workspace._store.insert_attempt(
        {
            "at": now,
            "account": account[:200],
            "client": _client(client),
            "succeeded": succeeded,
            "reason": reason[:40],
        }
    )
    if not succeeded:
        log.warning("failed sign-in for %r from %s: %s", account[:200], _client(client), reason)
    else:  # now and then, forget attempts too old to count or to be worth keeping as a log
        workspace._store.delete_attempts_before(now - KEEP_ATTEMPTS)


def _client(client: str) -> str:
    return (client or "unknown")[:CLIENT_MAX]
