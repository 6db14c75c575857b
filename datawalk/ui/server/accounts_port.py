"""The accounts core as the sign-in routes and the gate need it: a few blocking calls, each run
in a worker thread by the caller. No streamlit; no rules of its own beyond shaping answers for
HTTP (status codes, the message to show).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from datawalk.accounts import identities, sessions, sign_in, users
from datawalk.services import Workspace


@dataclass(frozen=True)
class PasswordOutcome:
    """A local sign-in's result as the form shows it; `user_id` is None unless signed in."""

    user_id: str | None
    message: str = ""
    status: int = 200
    reason: str = ""


def users_exist(workspace: Workspace) -> bool:
    """True once the first account exists (the workspace remembers it: it never goes back)."""
    return users.has_users(workspace)


def session_user_id(workspace: Workspace, token: str) -> str | None:
    """The user of a live session (its idle expiry moved on), or None."""
    valid = sessions.validate_session(workspace, token)
    if valid is None or not sessions.touch(workspace, token):
        return None
    return valid.user.id


def password_sign_in(
    workspace: Workspace, account: str, password: str, code: str, client: str
) -> PasswordOutcome:
    """Check a local sign-in from `client`; say what the form shows next."""
    result = sign_in.sign_in(
        workspace, account, password, code.replace(" ", "") or None, client=client
    )
    if result.signed_in and result.user is not None:
        return PasswordOutcome(result.user.id)
    status = {
        sign_in.Outcome.WAIT: 429,
        sign_in.Outcome.NEEDS_CODE: 401,
    }.get(result.outcome, 401)
    return PasswordOutcome(None, result.message, status, str(result.outcome))


def open_session(
    workspace: Workspace, user_id: str, device_id: str, method: str
) -> tuple[str, int]:
    """Start a session; return its token and the cookie's lifetime in seconds."""
    created = sessions.create_session(workspace, user_id, device_id, method=method)
    lifetime = created.record.expires_at - created.record.created_at
    return created.token, max(int(lifetime.total_seconds()), 0)


def close_session(workspace: Workspace, token: str) -> None:
    sessions.end_session(workspace, token)


def user_for_identity(
    workspace: Workspace, claims: Mapping[str, Any], microsoft_tenants: Collection[str]
) -> str | None:
    """The user a single sign-on identity signs in as (linking it the first time), or None."""
    user = identities.user_for_identity(workspace, claims, allowed_tenants=microsoft_tenants)
    return user.id if user is not None else None
