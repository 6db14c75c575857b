"""The access gate in AppTest (datawalk.ui.access), with the client address patched."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from datawalk.access import HASH_COMMAND, PASSWORD_HASH_SETTING, hash_password
from datawalk.ui import access as ui_access

PASSWORD = "fictional school walk 2026"
CONTENT = "Walk content behind the gate"
REMOTE = "203.0.113.7"  # documentation range: only ever a string here, never contacted

GATED_APP = f"""
import streamlit as st
from datawalk.ui.access import require_access

require_access()
st.title({CONTENT!r})
st.button("Save finding", key="content_button")
"""


@pytest.fixture(scope="module")
def stored_hash() -> str:
    """A real scrypt hash of PASSWORD, made once because scrypt is deliberately slow."""
    return hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def no_password_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own environment out of these tests."""
    monkeypatch.delenv(PASSWORD_HASH_SETTING, raising=False)


def _app(secrets: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_string(GATED_APP, default_timeout=30)
    # A non-empty secrets dict also stops AppTest reading a real .streamlit/secrets.toml.
    at.secrets.update(secrets or {"UNRELATED_SETTING": "x"})
    return at


@pytest.fixture
def client_at() -> Iterator[mock.MagicMock]:
    """Patch the address the gate sees; set `.return_value` to choose it."""
    with mock.patch.object(ui_access, "client_address") as patched:
        yield patched


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.title, *at.markdown, *at.error, *at.info)]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def _content_shown(at: AppTest) -> bool:
    return CONTENT in _texts(at) or any(b.key == "content_button" for b in at.button)


def test_apptest_counts_as_this_machine_without_patching() -> None:
    at = _app().run()
    assert not at.exception
    assert _content_shown(at)


def test_local_request_sees_the_app(client_at: mock.MagicMock) -> None:
    client_at.return_value = "127.0.0.1"
    at = _app().run()
    assert not at.exception
    assert _content_shown(at)


@pytest.mark.parametrize("address", [REMOTE, None])
def test_remote_or_unknown_request_is_refused_with_reason(
    client_at: mock.MagicMock, address: str | None
) -> None:
    client_at.return_value = address
    at = _app().run()
    assert not at.exception
    assert not _content_shown(at)
    assert len(at.error) == 1
    reason = at.error[0].value
    assert "no app password is configured" in reason
    assert HASH_COMMAND in reason and PASSWORD_HASH_SETTING in reason
    assert not at.text_input  # no password prompt when no password exists


@pytest.mark.parametrize("address", [REMOTE, "127.0.0.1"])
def test_password_from_secrets_is_asked_before_anything(
    client_at: mock.MagicMock, stored_hash: str, address: str
) -> None:
    client_at.return_value = address
    at = _app({PASSWORD_HASH_SETTING: stored_hash}).run()
    assert not at.exception
    assert not _content_shown(at)
    assert at.text_input(key=ui_access.PASSWORD_KEY).label == "App password"
    assert at.button(key=ui_access.UNLOCK_KEY).label == "Unlock"


def test_wrong_password_keeps_the_app_hidden(client_at: mock.MagicMock, stored_hash: str) -> None:
    client_at.return_value = REMOTE
    at = _app({PASSWORD_HASH_SETTING: stored_hash}).run()
    at.text_input(key=ui_access.PASSWORD_KEY).input("not the password")
    at.button(key=ui_access.UNLOCK_KEY).click().run()
    assert not _content_shown(at)
    assert "not right" in at.error[0].value
    assert ui_access.GRANTED_KEY not in at.session_state


def test_right_password_opens_the_app_for_this_session_only(
    client_at: mock.MagicMock, stored_hash: str
) -> None:
    client_at.return_value = REMOTE
    at = _app({PASSWORD_HASH_SETTING: stored_hash}).run()
    at.text_input(key=ui_access.PASSWORD_KEY).input(PASSWORD)
    at.button(key=ui_access.UNLOCK_KEY).click().run()
    assert not at.exception
    assert _content_shown(at)
    assert not at.text_input  # the prompt is gone and the password is not kept in a widget
    at.run()
    assert _content_shown(at)  # remembered across reruns of the same session

    fresh = _app({PASSWORD_HASH_SETTING: stored_hash}).run()
    assert not _content_shown(fresh)


def test_password_from_environment(
    client_at: mock.MagicMock, stored_hash: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_at.return_value = REMOTE
    monkeypatch.setenv(PASSWORD_HASH_SETTING, stored_hash)
    at = _app().run()
    assert not _content_shown(at)
    at.text_input(key=ui_access.PASSWORD_KEY).input(PASSWORD)
    at.button(key=ui_access.UNLOCK_KEY).click().run()
    assert _content_shown(at)


def test_changing_the_password_locks_open_sessions(
    client_at: mock.MagicMock, stored_hash: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_at.return_value = REMOTE
    monkeypatch.setenv(PASSWORD_HASH_SETTING, stored_hash)
    at = _app().run()
    at.text_input(key=ui_access.PASSWORD_KEY).input(PASSWORD)
    at.button(key=ui_access.UNLOCK_KEY).click().run()
    assert _content_shown(at)
    monkeypatch.setenv(PASSWORD_HASH_SETTING, hash_password("a different password"))
    at.run()
    assert not _content_shown(at)
    assert at.text_input(key=ui_access.PASSWORD_KEY)


def test_unreadable_hash_locks_even_this_machine(client_at: mock.MagicMock) -> None:
    client_at.return_value = "127.0.0.1"
    at = _app({PASSWORD_HASH_SETTING: "my-plain-password"}).run()
    assert not _content_shown(at)
    assert not at.text_input
    assert HASH_COMMAND in at.error[0].value
    assert "my-plain-password" not in _texts(at)
