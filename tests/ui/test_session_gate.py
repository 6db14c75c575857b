"""The page gate once accounts exist: every run checks the session cookie against the database,
builds the signed-in actor, and on expiry stops with a way back to the same audit and location."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import streamlit as st

from datawalk.accounts import sessions, users
from datawalk.accounts.roles import Role
from datawalk.models import utc_now
from datawalk.services import Actor, Workspace
from datawalk.ui import session_gate, state
from datawalk.ui.server import context as context_module
from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE, sign

SECRET = "page gate test secret"
DEVICE = "tablet-one-device-id-0001"
# A page that keeps the audit and location in its URL; the gate runs before any page alike.
PAGE = "findings"


@pytest.fixture
def signed_cookies(walk, monkeypatch):
    """An admin exists; returns a function that signs in (a session row) and hands the page its
    cookies, as the browser's websocket handshake would."""
    monkeypatch.setenv("DATAWALK_SESSION_SECRET", SECRET)
    monkeypatch.setattr(context_module, "_CURRENT", [])
    workspace = Workspace(walk.store)
    user = users.create_user(
        workspace,
        Actor.operator("Set-up"),
        display_name="Cara Consultant",
        email="cara@example.org",
        role="admin",
        password="a long fictional password",
    ).user
    cookies: dict[str, str] = {}
    monkeypatch.setattr(session_gate, "request_cookies", lambda: dict(cookies))

    def sign_in() -> str:
        token = sessions.create_session(workspace, user.id, DEVICE).token
        cookies.update({SESSION_COOKIE: sign(token, SECRET.encode()), DEVICE_COOKIE: DEVICE})
        return token

    sign_in.workspace = workspace  # type: ignore[attr-defined]
    sign_in.user = user  # type: ignore[attr-defined]
    return sign_in


def _sign_in_link(at) -> str:
    links = [h.proto.body for h in at.get("html") if "datawalk-signin-link" in h.proto.body]
    assert links, "no sign-in link on the page"
    return links[0].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_no_cookie_shows_only_the_way_to_sign_in(signed_cookies, walk, open_page):
    at = open_page(PAGE, audit=walk.audit.id, location=walk.location.id)
    assert not at.exception
    assert any("not signed in" in w.value for w in at.warning)
    assert not at.get("text_area") and not at.button  # nothing of the walk page ran
    link = urlsplit(_sign_in_link(at))
    assert link.path == "/signin"
    back = parse_qs(urlsplit(parse_qs(link.query)["next"][0]).query)
    assert back == {"audit": [walk.audit.id], "location": [walk.location.id]}


def test_a_live_session_builds_the_actor_for_the_pages(signed_cookies, walk, open_page):
    signed_cookies()
    at = open_page(PAGE, audit=walk.audit.id, location=walk.location.id)
    assert not at.exception
    signed = at.session_state[session_gate.SIGNED_IN_KEY]
    assert signed.user.id == signed_cookies.user.id
    assert signed.actor.kind == "user" and signed.actor.role is Role.ADMIN
    assert signed.actor.name == "Cara Consultant" and signed.device_id == DEVICE
    assert any("Cara Consultant" in c.value for c in at.sidebar.caption)
    assert not any("not signed in" in w.value for w in at.warning)


def test_a_session_ended_mid_walk_stops_the_next_run_and_leads_back(
    signed_cookies, walk, open_page
):
    token = signed_cookies()
    at = open_page(PAGE, audit=walk.audit.id, location=walk.location.id)
    assert session_gate.SIGNED_IN_KEY in at.session_state
    sessions.end_session(signed_cookies.workspace, token)  # signed out on another tablet
    at.run()
    assert any("not signed in" in w.value for w in at.warning)
    assert session_gate.SIGNED_IN_KEY not in at.session_state
    assert state.USER_KEY not in at.session_state  # the trail can no longer name them
    back = parse_qs(urlsplit(parse_qs(urlsplit(_sign_in_link(at)).query)["next"][0]).query)
    assert back == {"audit": [walk.audit.id], "location": [walk.location.id]}
    # Signing in again (a new session, same device) opens the same audit and location.
    signed_cookies()
    again = open_page(PAGE, audit=walk.audit.id, location=walk.location.id)
    assert not again.exception
    assert again.query_params["location"] == walk.location.id
    assert session_gate.SIGNED_IN_KEY in again.session_state


def test_a_forged_cookie_is_not_a_session(signed_cookies, walk, open_page, monkeypatch):
    token = signed_cookies()
    monkeypatch.setattr(
        session_gate, "request_cookies", lambda: {SESSION_COOKIE: f"{token}.forged"}
    )
    at = open_page(PAGE, audit=walk.audit.id)
    assert any("not signed in" in w.value for w in at.warning)


def test_a_callback_after_the_session_ended_acts_as_no_one(signed_cookies, walk, open_page):
    """Widget callbacks run before the gate checks again: a session past its end is not used."""
    signed_cookies()
    at = open_page(PAGE, audit=walk.audit.id)
    signed = at.session_state[session_gate.SIGNED_IN_KEY]
    assert signed.ends_at > utc_now()
    st.session_state[session_gate.SIGNED_IN_KEY] = signed  # a callback's view of the last run
    try:
        assert state.current_actor().kind == "user"
        st.session_state[session_gate.SIGNED_IN_KEY] = dataclasses.replace(
            signed, ends_at=utc_now() - timedelta(seconds=1)
        )
        assert session_gate.current_signed_in() is None
        assert state.current_actor().kind == "local"  # refused by every use case now
    finally:
        del st.session_state[session_gate.SIGNED_IN_KEY]


def test_a_signed_in_users_draft_is_kept_under_their_account_on_their_device(
    signed_cookies, walk, open_page
):
    """Keyed by the account, not the display name, so renaming the user loses no draft."""
    from datawalk.editing import DraftHolder
    from tests.ui.walking import TEMPLATE, cap_key

    signed_cookies()
    at = open_page("walk", audit=walk.audit.id, location=walk.location.id)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_area(key=cap_key(at, "notes")).input("Half typed while signed in").run()
    assert not at.exception
    holder = DraftHolder(f"user:{signed_cookies.user.id}", DEVICE)
    stored = walk.store.load_draft(walk.audit.id, walk.location.id, holder=holder)
    assert stored["notes"] == "Half typed while signed in"
