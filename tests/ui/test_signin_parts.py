"""The pure parts of sign-in: who a request is from, which return addresses are kept, and the
signed session cookie."""

from __future__ import annotations

import stat

import pytest

from datawalk.ui.server.client import client_request, parse_proxies
from datawalk.ui.server.cookies import load_secret, new_token, set_cookie_header, sign, unsign
from datawalk.ui.server.paths import PathKind, classify, safe_next

PROXY = frozenset({"10.0.0.2"})
FORWARDED = [(b"x-forwarded-for", b"127.0.0.1, 192.0.2.7"), (b"x-forwarded-proto", b"https")]


def test_forwarded_headers_count_only_from_a_trusted_proxy():
    behind = client_request("10.0.0.2", "http", FORWARDED, PROXY)
    assert behind.address == "192.0.2.7" and behind.https  # the proxy's own entry, not the client's
    direct = client_request("192.0.2.9", "http", FORWARDED, PROXY)
    assert direct.address == "192.0.2.9" and not direct.https
    assert not direct.may_send_credentials


@pytest.mark.parametrize(
    ("peer", "scheme", "allowed"),
    [
        ("127.0.0.1", "http", True),
        ("::1", "http", True),
        ("::ffff:127.0.0.1", "http", True),
        ("192.0.2.9", "https", True),
        ("192.0.2.9", "wss", True),
        ("192.0.2.9", "http", False),
        (None, "http", False),
        ("not an address", "http", False),
    ],
)
def test_credentials_only_over_https_or_from_this_machine(peer, scheme, allowed):
    assert client_request(peer, scheme, [], frozenset()).may_send_credentials is allowed


def test_a_mistyped_proxy_list_trusts_nobody_it_cannot_read():
    assert parse_proxies("10.0.0.2, proxy.example, ::ffff:10.0.0.3,") == {"10.0.0.2", "10.0.0.3"}
    assert parse_proxies(None) == frozenset()


@pytest.mark.parametrize(
    ("candidate", "kept"),
    [
        ("/walk?audit=a1&location=l1", "/walk?audit=a1&location=l1"),
        ("/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/walk", "/"),
        ("walk", "/"),
        ("/signin?next=/walk", "/"),
        ("/media/x.png", "/"),
        ("/walk\r\nSet-Cookie: x=1", "/"),
        (None, "/"),
    ],
)
def test_only_app_pages_on_this_server_are_return_addresses(candidate, kept):
    assert safe_next(candidate) == kept


def test_what_the_gate_lets_through():
    assert classify("/signin") is PathKind.PUBLIC
    assert classify("/_stcore/health") is PathKind.PUBLIC
    assert classify("/static/js/main.js") is PathKind.PUBLIC
    assert classify("/favicon.png") is PathKind.PUBLIC
    assert classify("/media/abc.png") is PathKind.PROTECTED
    assert classify("/_stcore/upload_file/s/f") is PathKind.PROTECTED
    assert classify("/_stcore/stream") is PathKind.PROTECTED
    assert classify("/component/x/index.html") is PathKind.PROTECTED
    assert classify("/walk") is PathKind.PAGE
    assert classify("/") is PathKind.PAGE


def test_a_cookie_is_accepted_only_with_this_deployments_signature():
    token = new_token()
    value = sign(token, b"secret one")
    assert unsign(value, b"secret one") == token
    assert unsign(value, b"secret two") is None
    assert unsign(token, b"secret one") is None
    assert unsign(value + "x", b"secret one") is None
    assert unsign("é." + value.split(".")[1], b"secret one") is None


def test_the_cookie_is_httponly_and_lax_and_secure_over_https():
    plain = set_cookie_header("datawalk_session", "v", max_age=60, secure=False)
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    assert "Secure" in set_cookie_header("datawalk_session", "v", max_age=60, secure=True)


def test_the_secret_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "data" / "session.key"
    first = load_secret(None, path)
    assert load_secret(None, path) == first and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret("configured", path) == b"configured"
