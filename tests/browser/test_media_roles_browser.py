"""Every media URL a session was sent, fetched from another role's session and from no session,
in a real browser and server (issue 13): a consultant of one school and a school viewer of
another each open their Export, Settings and Portfolio pages and tap every download; each
/media/ URL either page received is then fetched by the other user's session cookie and with
no cookie at all (a plain HTTP client), and gets 403 or 404. Its own session still gets it.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from rig import AppServer, wait_idle, watch_runs

from datawalk.accounts import sessions, users
from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.store import Store
from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE, sign

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRETS = {"DATAWALK_SESSION_SECRET": "media roles browser test secret", "NO_PROXY": "*"}
OTHER_SCHOOL = "Elm Academy (fictional)"
REFUSED = (403, 404)
DOWNLOADS = (".pdf", ".xlsx", ".json", ".ics", ".csv")
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Person:
    """A signed-in user: their session cookie and the audit of their school."""

    name: str
    cookie: str
    device: str
    audit_id: str
    media: set[str] = field(default_factory=set)

    @property
    def header(self) -> str:
        return f"{SESSION_COOKIE}={self.cookie}"


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with _HTTP.open(request, timeout=20) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _people(server: AppServer) -> tuple[Person, Person]:
    """The sample walk's school for a consultant; another school's walk for a viewer."""
    store = Store.open(server.database_url)
    try:
        own = load_sample(store)
        setup = AuditSetup(
            school_name=OTHER_SCHOOL,
            phase="primary",
            site_name="Main site",
            floor_names=("Ground floor",),
            walk_date=date.today(),
            walk_time=None,
            auditor="A. Consultant",
        )
        checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
        other = store.create_audit(build_audit(setup, checklist, date.today()), "Set-up").id
        school_of = store.audit_school_ids()
    finally:
        store.close()
    workspace = Workspace.open(server.database_url)
    secret = SECRETS["DATAWALK_SESSION_SECRET"].encode()
    people = []
    try:
        operator = Actor.operator("Set-up")
        users.create_user(
            workspace, operator, display_name="Ada Admin", email="ada@example.org",
            role="admin", password="a long fictional password",
        )  # fmt: skip
        for name, role, audit_id in (
            ("Cara Consultant", "consultant", own),
            ("Vic Viewer", "school_viewer", other),
        ):
            user = users.create_user(
                workspace, operator, display_name=name, email=f"{role}@example.org", role=role,
                password="a long fictional password", totp_required=False,
                school_ids=[school_of[audit_id]],
            ).user  # fmt: skip
            device = f"tablet-{role.replace('_', '-')}-0001"
            token = sessions.create_session(workspace, user.id, device).token
            people.append(Person(name, sign(token, secret), device, audit_id))
    finally:
        workspace.close()
    return people[0], people[1]


@pytest.fixture
def signed_in(make_server) -> Iterator[tuple[AppServer, Person, Person]]:
    server = make_server("media-roles", extra_env=SECRETS)
    consultant, viewer = _people(server)
    server.start()
    yield server, consultant, viewer


def _context(browser: Browser, server: AppServer, person: Person) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    context.set_default_timeout(60_000)
    context.add_cookies(
        [
            {"name": SESSION_COOKIE, "value": person.cookie, "url": server.url},
            {"name": DEVICE_COOKIE, "value": person.device, "url": server.url},
        ]
    )
    context.on(
        "request", lambda request: person.media.add(request.url) if "/media/" in request.url else 0
    )
    return context


def _visit(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page, 60_000)


def _tap_every_download(page: Page) -> int:
    """Tap each download button in view (not those in a closed expander); each tap sends the
    session a /media/ URL."""
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    tapped = 0
    for index in range(buttons.count()):
        if not buttons.nth(index).is_visible():
            continue
        with page.expect_download(timeout=120_000) as download:
            buttons.nth(index).click()
        download.value.path()  # the browser fetched it
        tapped += 1
    return tapped


def _collect(browser: Browser, server: AppServer, person: Person) -> BrowserContext:
    """Open the person's pages and tap their downloads; their context stays open, so the
    server still holds every file it sent them."""
    context = _context(browser, server, person)
    page = context.new_page()
    watch_runs(page)
    _visit(page, f"{server.url}/export?audit={person.audit_id}")
    page.locator('[data-testid="stDownloadButton"] button').first.wait_for(state="visible")
    assert _tap_every_download(page) >= 2  # at least the report and the workbook
    _visit(page, f"{server.url}/settings?audit={person.audit_id}")
    _visit(page, f"{server.url}/portfolio")
    _tap_every_download(page)
    return context


def test_media_urls_reach_only_the_session_they_were_sent_to(browser: Browser, signed_in):
    server, consultant, viewer = signed_in
    contexts = [_collect(browser, server, consultant), _collect(browser, server, viewer)]
    try:
        assert consultant.media and viewer.media
        for person, other in ((consultant, viewer), (viewer, consultant)):
            served = 0
            for url in sorted(person.media):
                # Its own session first: a file still held (not yet pruned by Streamlit) is
                # served to it, so the refusals below are the gate's, not a missing file's.
                served += _status(url, person.header) == 200
                if url in other.media:
                    # The same bytes sent to both (an image every page shows) share one URL;
                    # no download of one school's data ever does.
                    assert not url.endswith(DOWNLOADS), url
                    continue
                assert _status(url, other.header) in REFUSED, (other.name, url)
                assert _status(url) in REFUSED, url
            assert served, f"none of {person.name}'s files was still held: nothing was proved"
    finally:
        for context in contexts:
            context.close()
    # The viewer was offered the governors edition only: no JSON backup was ever sent to them.
    assert not any(url.endswith(".json") for url in viewer.media)
