"""Signing in, in a real browser: a local account with password and TOTP, a reload that stays
signed in, sign-out, data and uploads refused without a session, and single sign-on end to end
against a local OpenID Connect provider (oidc-provider-mock on loopback, with the test's own
secrets; the repository's .streamlit/secrets.toml is never read)."""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from measure import MIN_TOUCH_PX, horizontal_overflow, no_horizontal_scroll, screenshot
from playwright.sync_api import Browser, Page, expect
from rig import AppServer, Tablet, Taps, choice, expect_run, landscape_tablet_page, wait_idle

from datawalk.accounts import sessions, users
from datawalk.services import Actor, Workspace
from datawalk.ui.server.cookies import sign

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "ada.admin@example.org"  # fictional
PASSWORD = "fictional sign-in password 2026"
SSO_EMAIL = "cara.consultant@example.org"  # fictional
SSO_SUBJECT = "cara-at-the-mock-provider"
SECRETS = {"DATAWALK_SESSION_SECRET": "browser test session secret", "NO_PROXY": "*"}
DEVICE = "a-test-device-id-000001"  # the tablet's datawalk_device cookie
DRAFT_TEMPLATE = "Cover folder has no medical or allergy sheet"
DRAFT_NOTES = "cover folder in the staff room, typed just before the session ended"
_USED_STEPS: set[int] = set()
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _add_users(server: AppServer) -> pyotp.TOTP:
    """An admin with a password and TOTP, and a consultant who signs in by single sign-on."""
    workspace = Workspace.open(server.database_url, sample_if_new=True)
    try:
        operator = Actor.operator("Set-up")
        admin = users.create_user(
            workspace, operator, display_name="Ada Admin", email=EMAIL, role="admin",
            password=PASSWORD,
        )  # fmt: skip
        users.create_user(
            workspace, operator, display_name="Cara Consultant", email=SSO_EMAIL,
            role="consultant", totp_required=False,
        )  # fmt: skip
    finally:
        workspace.close()
    assert admin.totp_uri is not None
    return pyotp.parse_uri(admin.totp_uri)


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A local OpenID Connect provider on loopback that knows one (fictional) person."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    provider_app = app(
        user_claims=[User(sub=SSO_SUBJECT, claims={"email": SSO_EMAIL, "email_verified": True})]
    )
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def accounts_server(
    tmp_path_factory: pytest.TempPathFactory, provider: str
) -> Iterator[tuple[AppServer, pyotp.TOTP]]:
    """A server whose database has accounts, with st.login configured for the local provider."""
    server = AppServer(tmp_path_factory.mktemp("accounts"), extra_env=SECRETS)
    server.secrets_toml = f"""
[auth]
redirect_uri = "http://127.0.0.1:{server.port}/oauth2callback"
cookie_secret = "a cookie secret for this test only"

[auth.mock]
client_id = "datawalk-browser-test"
client_secret = "not-a-real-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
"""
    totp = _add_users(server)
    server.start()
    yield server, totp
    server.stop()
    print(f"--- server log ({server.url}) ---\n{server.log_tail()}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with landscape_tablet_page(browser) as tablet:
        yield tablet


def _status(url: str, method: str = "GET", cookie: str | None = None) -> int:
    request = urllib.request.Request(
        url, method=method, data=b"x" * 2048 if method != "GET" else None
    )
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with _HTTP.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _websocket_handshake(server: AppServer, cookie: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
        "Origin": server.url,
    }
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", "/_stcore/stream", headers=headers)
    try:
        return connection.getresponse().status
    finally:
        connection.close()


def _new_session_cookie(server: AppServer) -> str:
    """A session opened the way the sign-in route opens one (a TOTP code is good only once)."""
    workspace = Workspace.open(server.database_url)
    try:
        admin = users.find_user(workspace, EMAIL)
        assert admin is not None
        token = sessions.create_session(workspace, admin.id, DEVICE).token
    finally:
        workspace.close()
    return sign(token, SECRETS["DATAWALK_SESSION_SECRET"].encode())


def _session_cookie(page: Page) -> dict:
    found = [c for c in page.context.cookies() if c["name"] == "datawalk_session"]
    assert found, "no session cookie"
    return found[0]


def _wait_for_draft(server: AppServer, audit_id: str, location_id: str) -> None:
    """The draft is written in the tap's own rerun; poll briefly for the committed row."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        rows = server.query(
            "SELECT payload FROM drafts WHERE audit_id = ? AND location_key = ?",
            audit_id,
            location_id,
        )
        if rows and DRAFT_NOTES in str(rows[0][0]):
            return
        time.sleep(0.2)
    raise AssertionError("the draft was not stored")


def _fresh_code(totp: pyotp.TOTP) -> str:
    """A code of a time step later than any used before: the accounts core accepts each step
    once (and one step either side of now), so a second sign-in may have to wait for the next."""
    while True:
        now = int(time.time()) // 30
        for step in (now, now + 1):
            if step > max(_USED_STEPS, default=-1):
                _USED_STEPS.add(step)
                return totp.at(step * 30)
        time.sleep(1)


def _sign_in_with_password(page: Page, totp: pyotp.TOTP) -> None:
    page.fill("#account", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#code", _fresh_code(totp))
    page.get_by_role("button", name="Sign in", exact=True).click()


def _signed_in_as(page: Page, name: str) -> None:
    wait_idle(page)
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():  # the sidebar starts collapsed; a reload may keep it open
        expand.click()
    page.get_by_text(f"Signed in as {name}").wait_for()


def test_password_and_code_sign_in_survives_a_reload_and_signs_out(
    page: Page, accounts_server: tuple[AppServer, pyotp.TOTP]
) -> None:
    server, totp = accounts_server
    page.goto(f"{server.url}/audits?view=all")
    page.wait_for_url(re.compile(r"/signin\?next="))
    _sign_in_with_password(page, totp)
    page.wait_for_url(re.compile(r"/audits\?view=all$"))
    _signed_in_as(page, "Ada Admin")
    cookie = _session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert any(c["name"] == "datawalk_device" for c in page.context.cookies())

    page.reload()
    _signed_in_as(page, "Ada Admin")
    assert "/signin" not in page.url

    page.locator('[data-testid="datawalk-signin-link"]', has_text="Sign out").click()
    page.wait_for_url(re.compile(r"/signin\?message=signed_out"))
    assert page.get_by_text("You are signed out.").is_visible()
    ended = server.query("SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL")
    assert ended[0][0] >= 1
    page.goto(f"{server.url}/audits")
    page.wait_for_url(re.compile(r"/signin\?next="))
    # The old cookie, replayed by another client, is dead on the server.
    old = f"datawalk_session={cookie['value']}"
    assert _status(f"{server.url}/media/anything.png", cookie=old) == 403


def test_media_uploads_and_the_websocket_need_a_session(
    accounts_server: tuple[AppServer, pyotp.TOTP],
) -> None:
    server, _ = accounts_server
    assert _status(f"{server.url}/media/anything.png") == 403
    assert _status(f"{server.url}/_stcore/upload_file/a/b", method="PUT") == 403
    assert _websocket_handshake(server) == 403
    signed = f"datawalk_session={_new_session_cookie(server)}"
    assert _status(f"{server.url}/media/anything.png", cookie=signed) == 404  # no such file
    assert _websocket_handshake(server, signed) == 101


def test_single_sign_on_links_once_and_returns_to_the_page(
    page: Page, accounts_server: tuple[AppServer, pyotp.TOTP]
) -> None:
    server, _ = accounts_server
    page.goto(f"{server.url}/audits?view=all")
    page.get_by_role("link", name="Sign in with Mock").click()
    page.get_by_role("button", name=SSO_SUBJECT).click()  # the provider's own page
    page.wait_for_url(re.compile(rf"^{re.escape(server.url)}/audits\?view=all$"))
    _signed_in_as(page, "Cara Consultant")
    names = {c["name"] for c in page.context.cookies()}
    assert "datawalk_session" in names and "_streamlit_user" not in names
    linked = server.query("SELECT subject, email FROM identities")
    assert linked == [(SSO_SUBJECT, SSO_EMAIL)]
    methods = server.query("SELECT method FROM sessions WHERE ended_at IS NULL")
    assert ("oidc",) in methods


def test_an_unknown_identity_gets_nothing(
    page: Page, accounts_server: tuple[AppServer, pyotp.TOTP], provider: str
) -> None:
    server, _ = accounts_server
    stranger = "someone-with-no-account"
    request = urllib.request.Request(
        f"{provider}/users/{stranger}",
        method="PUT",
        data=b'{"email": "stranger@example.org", "email_verified": true}',
        headers={"Content-Type": "application/json"},
    )
    _HTTP.open(request, timeout=10).close()
    page.goto(f"{server.url}/audits")
    page.get_by_role("link", name="Sign in with Mock").click()
    page.fill('input[name="sub"]', stranger)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"/signin\?message=sso_unknown"))
    assert page.get_by_text("not linked to a DataWalk user").is_visible()
    assert not any(c["name"] == "datawalk_session" for c in page.context.cookies())
    assert "someone-with-no-account" not in str(server.query("SELECT subject FROM identities"))
    assert "single sign-on refused" in Path(server.log_path).read_text(encoding="utf-8")


def test_a_session_ending_mid_walk_leads_back_to_the_same_audit_and_location(
    page: Page, accounts_server: tuple[AppServer, pyotp.TOTP]
) -> None:
    server, totp = accounts_server
    audit_id, location_id = server.query("SELECT audit_id, id FROM locations LIMIT 1")[0]
    where = f"/findings?audit={audit_id}&location={location_id}"
    cookie = _new_session_cookie(server)
    page.context.add_cookies([{"name": "datawalk_session", "value": cookie, "url": server.url}])
    page.goto(f"{server.url}{where}")
    _signed_in_as(page, "Ada Admin")
    # The session ends while the page is open (signed out on another tablet, or expired).
    workspace = Workspace.open(server.database_url)
    try:
        sessions.end_user_sessions(workspace, users.find_user(workspace, EMAIL).id)
    finally:
        workspace.close()
    page.locator("body").press("r")  # Streamlit's rerun shortcut: the next tap's run
    page.get_by_text("your session has ended").wait_for()
    page.locator('[data-testid="datawalk-signin-link"]', has_text="Sign in again").click()
    page.wait_for_url(re.compile(r"/signin\?"))
    _sign_in_with_password(page, totp)
    page.wait_for_url(f"{server.url}{where}")
    _signed_in_as(page, "Ada Admin")


def test_the_sign_in_page_fits_an_ipad_and_every_target_is_big_enough(
    ipad: Tablet, accounts_server: tuple[AppServer, pyotp.TOTP]
) -> None:
    server, _ = accounts_server
    ipad.page.goto(f"{server.url}/signin")
    targets = ipad.page.locator("main input:not([type=hidden]), main button, main a")
    assert targets.count() >= 5  # email, password, code, Sign in, Sign in with Mock
    small = [
        f"{target.get_attribute('id') or target.inner_text()}: {box['height']:.0f}px"
        for target in targets.all()
        if (box := target.bounding_box()) is not None and box["height"] < MIN_TOUCH_PX
    ]
    assert small == []
    assert no_horizontal_scroll(horizontal_overflow(ipad.page))
    screenshot(ipad.page, f"signin-{ipad.name}")


def test_an_unsaved_finding_survives_the_session_ending_mid_walk(
    page: Page, accounts_server: tuple[AppServer, pyotp.TOTP]
) -> None:
    server, totp = accounts_server
    audit_id, location_id = server.query("SELECT audit_id, id FROM locations LIMIT 1 OFFSET 1")[0]
    where = f"/walk?audit={audit_id}&location={location_id}"
    page.context.add_cookies(
        [
            {"name": "datawalk_session", "value": _new_session_cookie(server), "url": server.url},
            {"name": "datawalk_device", "value": DEVICE, "url": server.url},
        ]
    )
    page.goto(f"{server.url}{where}")
    wait_idle(page)
    tap = Taps(page)
    tap(choice(page, "Quick templates", DRAFT_TEMPLATE))
    notes = page.get_by_role("textbox", name="Notes", exact=True)
    notes.fill(DRAFT_NOTES)
    with expect_run(page, "leaving the notes"):
        notes.blur()
    _wait_for_draft(server, audit_id, location_id)
    workspace = Workspace.open(server.database_url)
    try:
        sessions.end_user_sessions(workspace, users.find_user(workspace, EMAIL).id)
    finally:
        workspace.close()
    with expect_run(page, "the next tap, after the session ended"):
        page.locator("body").press("r")
    page.get_by_text("your session has ended").wait_for()
    page.locator('[data-testid="datawalk-signin-link"]', has_text="Sign in again").click()
    _sign_in_with_password(page, totp)
    page.wait_for_url(f"{server.url}{where}")
    wait_idle(page)
    # The walk page brings the draft back (it may take the page's second run to fill the form).
    expect(page.get_by_role("textbox", name="Notes", exact=True)).to_have_value(
        DRAFT_NOTES, timeout=20_000
    )
