"""The sign-in routes and the gate middleware, driven over ASGI with Starlette's test client:
cookies, HTTPS rules, trusted proxies, the rate limit's wiring, and what is refused without a
session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from datawalk.accounts import users
from datawalk.services import Actor, Workspace
from datawalk.settings import Settings
from datawalk.ui.server import context as context_module
from datawalk.ui.server.context import ServerContext
from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE
from datawalk.ui.server.gate import SignInGate
from datawalk.ui.server.signin_routes import CSRF_COOKIE, sign_in_routes

EMAIL = "ada.admin@example.org"  # fictional
PASSWORD = "correct horse battery staple"
REMOTE = ("10.20.30.40", 50000)
LOCAL = ("127.0.0.1", 50000)
PROXY = ("10.0.0.2", 443)


@dataclass
class Server:
    context: ServerContext
    totp: pyotp.TOTP

    def client(self, peer: tuple[str, int] = LOCAL, base: str = "http://testserver") -> TestClient:
        return TestClient(_app(), base_url=base, client=peer, follow_redirects=False)


async def _ok(request):
    return PlainTextResponse("app")


async def _stream(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("connected")
    await websocket.close()


def _app() -> Starlette:
    routes = [
        *sign_in_routes(),
        Route("/", _ok),
        Route("/walk", _ok),
        Route("/media/{name}", _ok),
        Route("/_stcore/upload_file/{session}/{file}", _ok, methods=["PUT", "POST"]),
        Route("/_stcore/health", _ok),
        WebSocketRoute("/_stcore/stream", _stream),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SignInGate)])


def _install(monkeypatch, tmp_path, **settings) -> ServerContext:
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    context = ServerContext(Settings(database_url=url, session_secret="test secret", **settings))
    monkeypatch.setattr(context_module, "_CURRENT", [context])
    return context


@pytest.fixture
def server(tmp_path, monkeypatch) -> Iterator[Server]:
    """A gate over a database with one admin (password and TOTP)."""
    context = _install(monkeypatch, tmp_path, trusted_proxies=PROXY[0])
    new = users.create_user(
        context.workspace,
        Actor.operator("Set-up"),
        display_name="Ada Admin",
        email=EMAIL,
        role="admin",
        password=PASSWORD,
    )
    assert new.totp_uri is not None
    yield Server(context, pyotp.parse_uri(new.totp_uri))
    context.workspace.close()


def _form(client: TestClient, next_path: str = "/walk?audit=a1&location=l1") -> dict[str, str]:
    page = client.get("/signin", params={"next": next_path})
    assert page.status_code == 200
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    return {"csrf": csrf, "next": next_path, "account": EMAIL, "password": PASSWORD}


def _sign_in(server: Server, client: TestClient, **changes: str):
    fields = _form(client) | {"code": server.totp.now()} | changes
    return client.post("/signin", data=fields)


def test_pages_send_to_sign_in_and_data_is_refused_without_a_session(server):
    client = server.client()
    page = client.get("/walk", params={"audit": "a1", "location": "l1"})
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=%2Fwalk%3Faudit%3Da1%26location%3Dl1"
    assert client.get("/media/photo.png").status_code == 403
    assert client.post("/_stcore/upload_file/s/f", content=b"x" * 1000).status_code == 403
    assert client.get("/_stcore/health").text == "app"  # public
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/_stcore/stream") as ws:
        ws.receive_text()


def test_password_and_code_sign_in_sets_the_cookies_and_returns_to_the_walk(server):
    client = server.client()
    answer = _sign_in(server, client)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/walk?audit=a1&location=l1"
    set_cookies = answer.headers.get_list("set-cookie")
    session = next(c for c in set_cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Max-Age=43200" in session
    assert any(c.startswith(f"{DEVICE_COOKIE}=") and "HttpOnly" in c for c in set_cookies)
    assert client.get("/walk").text == "app"
    # A media file never sent to this user is not theirs (see tests/ui/test_media_owners.py).
    assert client.get("/media/photo.png").status_code == 404
    with client.websocket_connect("/_stcore/stream") as ws:
        assert ws.receive_text() == "connected"


def test_a_forged_or_unsigned_cookie_is_refused(server):
    client = server.client()
    _sign_in(server, client)
    token = client.cookies[SESSION_COOKIE].split(".")[0]
    for value in (token, f"{token}.AAAA", "x.y"):
        client.cookies.set(SESSION_COOKIE, value)
        assert client.get("/media/photo.png").status_code == 403


def test_wrong_code_is_refused_and_logged(server, caplog):
    client = server.client()
    answer = _sign_in(server, client, code="000000" if server.totp.now() != "000000" else "111111")
    assert answer.status_code == 401
    assert "The code is wrong" in answer.text
    assert SESSION_COOKIE not in client.cookies
    assert any("failed sign-in" in record.getMessage().lower() for record in caplog.records)


def test_repeated_failures_are_slowed_by_the_database_rate_limit(server):
    client = server.client()
    statuses = [
        _sign_in(server, client, password="not the password at all").status_code for _ in range(6)
    ]
    assert statuses[-1] == 429
    # A new client (browser) from the same address meets the same wait.
    assert _sign_in(server, server.client()).status_code == 429


def test_sign_out_ends_the_session_on_the_server(server):
    client = server.client()
    _sign_in(server, client)
    kept = client.cookies[SESSION_COOKIE]
    answer = client.post("/signout")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
    assert client.get("/walk").status_code == 303
    # The old cookie, replayed, is dead: the session ended in the database.
    replay = server.client()
    replay.cookies.set(SESSION_COOKIE, kept)
    assert replay.get("/media/photo.png").status_code == 403


def test_a_cross_site_get_of_sign_out_only_asks(server):
    client = server.client()
    _sign_in(server, client)
    answer = client.get("/signout", headers={"sec-fetch-site": "cross-site"})
    assert answer.status_code == 200 and "Sign out of DataWalk" in answer.text
    assert client.get("/walk").text == "app"


def test_plain_http_from_another_computer_never_takes_a_password(server):
    client = server.client(REMOTE)
    page = client.get("/signin")
    assert 'type="password"' not in page.text and "not encrypted" in page.text
    answer = client.post("/signin", data={"account": EMAIL, "password": PASSWORD, "code": "1"})
    assert answer.status_code == 400 and SESSION_COOKIE not in client.cookies


def test_https_from_another_computer_is_fine(server):
    client = server.client(REMOTE, base="https://testserver")
    assert _sign_in(server, client).status_code == 303


def test_forwarded_proto_counts_only_from_the_trusted_proxy(server):
    https = {"x-forwarded-proto": "https", "x-forwarded-for": "10.9.9.9"}
    trusted = server.client(PROXY)
    trusted.headers.update(https)
    fields = _form(trusted) | {"code": server.totp.now()}
    # The browser sends the form's cookie back over its HTTPS hop to the proxy (it is Secure).
    secure_cookie = {"cookie": f"{CSRF_COOKIE}={fields['csrf']}"}
    assert trusted.post("/signin", data=fields, headers=secure_cookie).status_code == 303
    spoofed = server.client(REMOTE)
    spoofed.headers.update(https)
    assert 'type="password"' not in spoofed.get("/signin").text


def test_the_form_token_must_match_its_cookie(server):
    client = server.client()
    fields = _form(client) | {"code": server.totp.now()}
    client.cookies.delete(CSRF_COOKIE)
    assert client.post("/signin", data=fields).status_code == 400


def test_a_return_address_off_this_site_becomes_the_home_page(server):
    client = server.client()
    answer = _sign_in(server, client, next="//evil.example/walk")
    assert answer.headers["location"] == "/"


def test_before_the_first_user_nothing_changes_for_this_machine(tmp_path, monkeypatch):
    context = _install(monkeypatch, tmp_path)
    try:
        local = TestClient(_app(), client=LOCAL, follow_redirects=False)
        assert local.get("/walk").text == "app"
        assert local.get("/media/photo.png").text == "app"
        assert local.get("/signin").status_code == 303  # no accounts: the app's own gate
        remote = TestClient(_app(), client=REMOTE, follow_redirects=False)
        assert remote.get("/media/photo.png").status_code == 403
        assert remote.post("/_stcore/upload_file/s/f", content=b"x").status_code == 403
    finally:
        context.workspace.close()


def test_workspace_of_the_gate_is_the_database_of_the_settings(server):
    assert isinstance(server.context.workspace, Workspace)
