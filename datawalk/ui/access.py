"""The access gate: `require_access()` runs first in `streamlit_app.py` and stops every other
element from rendering until `datawalk.access.decide_access` allows the session.

This module only reads the request and the settings and draws the refusal or the password
prompt; the decision itself lives in the core. Acceptance of the password is remembered in
session state only (never in a cookie or the URL), and is tied to the hash it was checked
against, so changing the configured password locks every open session again.

Where the client address comes from, checked on Streamlit 1.67:

- `st.context.ip_address` gives the peer address of the browser's WebSocket, but reports a
  loopback peer (127.0.0.1 or ::1) as None, the same value it gives when there is no peer.
  When it is None we read the raw peer address of this session's connection, which Streamlit
  keeps on its client context. If that read fails, the address is unknown and the core refuses.
- The server (uvicorn) trusts X-Forwarded-For only from loopback peers, so a remote browser
  cannot claim a local address; a local reverse proxy that sets the header passes the real one.
- AppTest installs a stand-in runtime whose peer address is a mock object, never a string. No
  network connection exists there: the test drives the script from this process, so that case
  counts as this machine. A real server only ever yields a string or None.
"""

from __future__ import annotations

import streamlit as st

from datawalk.access import (
    PASSWORD_HASH_SETTING,
    AccessDecision,
    Outcome,
    decide_access,
    verify_password,
)
from datawalk.settings import Settings

GRANTED_KEY = "access_granted_for"
PASSWORD_KEY = "access_password"
UNLOCK_KEY = "access_unlock"
_FAILED_KEY = "access_failed"
_IN_PROCESS = "127.0.0.1"


def _raw_peer_address() -> object:
    """Return the peer address Streamlit recorded for this session's connection, or None."""
    try:
        from streamlit import runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None or not runtime.exists():
            return None
        client = runtime.get_instance().get_client(ctx.session_id)
        context = getattr(client, "client_context", None)
        return getattr(context, "remote_ip", None)
    except Exception:  # a Streamlit internals change must fail closed, not crash the gate
        return None


def client_address() -> str | None:
    """Return this session's client IP address, or None when it cannot be known."""
    address: object = st.context.ip_address
    if address is None:
        address = _raw_peer_address()
    if address is None or isinstance(address, str):
        return address
    return _IN_PROCESS  # AppTest's stand-in runtime: no network peer exists


def configured_password_hash() -> str | None:
    """Return the app password hash from Streamlit secrets, else the environment, else None."""
    try:
        value = st.secrets.get(PASSWORD_HASH_SETTING)
    except FileNotFoundError:  # no secrets.toml anywhere: the usual quick start
        value = None
    if value is None:
        value = Settings.from_environment().password_hash  # fresh: a new password locks at once
    text = str(value).strip() if value is not None else ""
    return text or None


def current_decision() -> AccessDecision:
    """Return the access decision for this session and request."""
    stored = configured_password_hash()
    granted = stored is not None and st.session_state.get(GRANTED_KEY) == stored
    return decide_access(client_address(), stored, granted)


def _check_password() -> None:
    """Form callback: runs before the rerun, so the result is visible in the same run."""
    stored = configured_password_hash()
    given = st.session_state.get(PASSWORD_KEY) or ""
    if stored is not None and verify_password(given, stored):
        st.session_state[GRANTED_KEY] = stored
        st.session_state.pop(_FAILED_KEY, None)
    else:
        st.session_state[_FAILED_KEY] = True


def _show_password_prompt(decision: AccessDecision) -> None:
    st.title("DataWalk")
    st.info(decision.reason)
    with st.form("access_form", clear_on_submit=True, enter_to_submit=True):
        st.text_input("App password", type="password", key=PASSWORD_KEY, autocomplete="off")
        st.form_submit_button("Unlock", key=UNLOCK_KEY, on_click=_check_password)
    if st.session_state.get(_FAILED_KEY):
        st.error("That password is not right. Try again.")


def require_access() -> None:
    """Return only if this session may see the app; otherwise draw why, and stop the script."""
    decision = current_decision()
    if decision.outcome is Outcome.ALLOWED:
        return
    if decision.outcome is Outcome.NEEDS_PASSWORD:
        _show_password_prompt(decision)
    else:
        st.title("DataWalk")
        st.error(decision.reason)
    st.stop()
