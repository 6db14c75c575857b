"""The page gate for signed-in users: runs first in every page run, once accounts exist.

The session cookie is set by the sign-in route (`datawalk.ui.server.signin_routes`); a script
can read cookies (`st.context.cookies`, from the websocket's handshake) but never set them. Each
run checks the cookie against the `sessions` table, so a session that expires, is signed out
elsewhere, or whose user is disabled stops the very next run, even on a websocket that opened
while it was live. Then it builds the services `Actor` (user, role, school scope) the pages use.

On expiry nothing is cleared: the draft stays where the walk page keeps it, the URL still
names the audit and location, and the sign-in link comes back to exactly that address.

Until the first user exists the old gate (`datawalk.ui.access`) runs instead, unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st

from datawalk.accounts import sessions, users
from datawalk.accounts.roles import User
from datawalk.models import utc_now
from datawalk.services import Actor
from datawalk.settings import Settings
from datawalk.ui import state
from datawalk.ui.access import require_access
from datawalk.ui.server.context import ServerContext
from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE, unsign, valid_device_id
from datawalk.ui.server.paths import SIGN_IN, SIGN_OUT, safe_next
from datawalk.ui.text import escape_message

SIGNED_IN_KEY = "_datawalk_signed_in"


@dataclass(frozen=True)
class SignedIn:
    """Who this browser session is signed in as, on which device."""

    user: User
    actor: Actor
    device_id: str
    # When the session ends at the latest, as the gate last found it (idle expiry included).
    ends_at: datetime


def request_cookies() -> Mapping[str, str]:
    """The cookies of this session's request; empty when there is no real browser (AppTest)."""
    try:
        cookies = st.context.cookies.to_dict()
    except Exception:  # AppTest's stand-in runtime has no client to read them from
        return {}
    return {k: v for k, v in cookies.items() if isinstance(k, str) and isinstance(v, str)}


def current_signed_in() -> SignedIn | None:
    """Who is signed in, as the gate found them in the last run; None in the no-accounts mode.

    A widget callback runs before the gate checks the session again, so a session found live
    in the last run but past its expiry now counts as signed out: the callback then acts as no
    one, and the services refuse it.
    """
    found = st.session_state.get(SIGNED_IN_KEY)
    if not isinstance(found, SignedIn) or utc_now() >= found.ends_at:
        return None
    return found


def _return_path() -> str:
    """This page's address with its query (audit, location), to come back to after sign-in."""
    try:
        path = urlsplit(st.context.url or "/").path or "/"
    except Exception:  # no browser context (AppTest)
        path = "/"
    query = urlencode(st.query_params.to_dict())
    return safe_next(path + (f"?{query}" if query else ""))


def sign_in_href(message: str = "expired") -> str:
    return f"{SIGN_IN}?{urlencode({'next': _return_path(), 'message': message})}"


def _link(label: str, href: str) -> None:
    """A link that opens in this tab (the app's own routes, not a new window). The return path
    inside `href` comes from the URL, so both are escaped, though urlencode already quotes it."""
    st.html(
        f'<a href="{escape(href)}" target="_self" data-testid="datawalk-signin-link" '
        'style="display:inline-flex;align-items:center;min-height:48px;padding:0 18px;'
        "border-radius:8px;background:#2F6F6A;color:#fff;font-weight:600;"
        f'text-decoration:none">{escape(label)}</a>'
    )


def _show_signed_out() -> None:
    st.title("DataWalk")
    st.warning(
        "You are not signed in, or your session has ended. Nothing you saved is lost, and an "
        "unsaved finding stays as a draft: sign in again to carry on at the same place."
    )
    _link("Sign in again", escape(sign_in_href(), quote=True))


def _forget_user() -> None:
    """No one is signed in: nothing of the last user may act or be named in the trail."""
    st.session_state.pop(SIGNED_IN_KEY, None)
    st.session_state.pop(state.USER_KEY, None)


def require_sign_in() -> SignedIn | None:
    """Return who is signed in, or None in the no-accounts mode (after the old gate allowed
    this session); otherwise show the way to sign in and stop the run."""
    workspace = state.get_workspace()
    if not users.has_users(workspace):
        _forget_user()
        require_access()
        return None
    cookies = request_cookies()
    token = unsign(cookies.get(SESSION_COOKIE), ServerContext.current().session_secret)
    valid = sessions.validate_session(workspace, token) if token else None
    if valid is None or token is None or not sessions.touch(workspace, token):
        _forget_user()
        _show_signed_out()
        st.stop()
    device = valid_device_id(cookies.get(DEVICE_COOKIE)) or valid.record.device_id
    record = valid.record
    lifetime = Settings.from_environment().session_lifetime()
    # Touched just now, or up to a minute ago (a touch soon after the last writes nothing).
    ends_at = min(record.expires_at, utc_now() + lifetime.idle - sessions.TOUCH_EVERY)
    signed_in = SignedIn(valid.user, users.actor_for(valid.user), device, ends_at)
    st.session_state[SIGNED_IN_KEY] = signed_in
    st.session_state[state.USER_KEY] = valid.user.display_name
    return signed_in


def show_account_bar(signed_in: SignedIn | None) -> None:
    """The signed-in user's name and role, and the sign-out link, in the sidebar."""
    if signed_in is None:
        return
    who = escape_message(f"{signed_in.user.display_name} ({signed_in.user.role.label})")
    with st.sidebar:
        st.caption(f"Signed in as {who}")
        _link("Sign out", SIGN_OUT)
