"""Sessions: a random id in a signed, HttpOnly cookie (the web layer's), kept here only as its
SHA-256, so a copy of the table signs nobody in.

A session ends at its absolute expiry (set at sign-in), at its idle expiry (moved on by each
`touch`, never past the absolute one), when signed out, or when its user is disabled. The
lifetime is one setting for local and single sign-on alike (`DATAWALK_SESSION_HOURS`,
`DATAWALK_SESSION_IDLE_MINUTES`). All of it lives in the database, so a second server or a
restart sees the same sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from datawalk.accounts.roles import SessionRecord, User
from datawalk.accounts.users import get_user
from datawalk.models import utc_now
from datawalk.services.workspace import Workspace
from datawalk.settings import SessionLifetime, Settings

TOKEN_BYTES = 32
METHODS = ("password", "oidc")
# A touch within this long of the last one writes nothing: a page runs many times a minute.
TOUCH_EVERY = timedelta(seconds=60)
# Sessions that ended or expired longer ago than this are deleted at the next sign-in.
FORGET_SESSIONS_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class NewSession:
    """The session id to put in the cookie (shown once, never stored) and what is kept."""

    token: str
    record: SessionRecord


@dataclass(frozen=True)
class ValidSession:
    """A live session and its (active) user."""

    user: User
    record: SessionRecord


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def default_lifetime() -> SessionLifetime:
    return Settings.from_environment().session_lifetime()


def create_session(
    workspace: Workspace,
    user_id: str,
    device_id: str,
    *,
    method: str = "password",
    lifetime: SessionLifetime | None = None,
    now: datetime | None = None,
) -> NewSession:
    """Start a session for a user who has just signed in; return its token for the cookie."""
    if method not in METHODS:
        raise ValueError(f"unknown sign-in method {method!r}")
    lifetime = lifetime or default_lifetime()
    now = now or utc_now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + lifetime.absolute
    row = {
        "id_hash": hash_token(token),
        "user_id": user_id,
        "device_id": device_id[:64],
        "method": method,
        "created_at": now,
        "last_seen_at": now,
        "expires_at": expires,
        "idle_expires_at": min(now + lifetime.idle, expires),
        "ended_at": None,
    }
    store = workspace._store
    store.insert_session(row)
    store.delete_sessions_before(now - FORGET_SESSIONS_AFTER)
    return NewSession(token, _record(row))


def validate_session(
    workspace: Workspace, token: str | None, *, now: datetime | None = None
) -> ValidSession | None:
    """The live session of this token and its active user, or None (unknown, ended, expired,
    or its user disabled). Writes nothing: see `touch`."""
    if not token or len(token) > 200:
        return None
    now = now or utc_now()
    row = workspace._store.get_session_row(hash_token(token))
    if row is None or not _live(row, now):
        return None
    user = get_user(workspace, row["user_id"])
    if user is None or not user.active:
        return None
    return ValidSession(user, _record(row))


def touch(
    workspace: Workspace,
    token: str,
    *,
    lifetime: SessionLifetime | None = None,
    now: datetime | None = None,
) -> bool:
    """Note that the session was used: its idle expiry moves on (never past the absolute one).
    Returns False when the session is no longer live. A touch soon after the last writes
    nothing."""
    now = now or utc_now()
    store = workspace._store
    id_hash = hash_token(token)
    row = store.get_session_row(id_hash)
    if row is None or not _live(row, now):
        return False
    if now - row["last_seen_at"] < TOUCH_EVERY:
        return True
    lifetime = lifetime or default_lifetime()
    return store.touch_session(id_hash, now, min(now + lifetime.idle, row["expires_at"]))


def end_session(workspace: Workspace, token: str, *, now: datetime | None = None) -> bool:
    """Sign out: end this session; True if it was live."""
    return workspace._store.end_sessions(now or utc_now(), id_hash=hash_token(token)) > 0


def end_user_sessions(workspace: Workspace, user_id: str, *, now: datetime | None = None) -> int:
    """End every session of a user (signed out everywhere); return how many."""
    return workspace._store.end_sessions(now or utc_now(), user_id=user_id)


def _live(row: dict[str, Any], now: datetime) -> bool:
    return row["ended_at"] is None and now < row["expires_at"] and now < row["idle_expires_at"]


def _record(row: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        user_id=row["user_id"],
        device_id=row["device_id"],
        method=row["method"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
        idle_expires_at=row["idle_expires_at"],
        ended_at=row["ended_at"],
    )
