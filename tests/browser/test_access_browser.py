"""Access from another host, in a real browser: a network namespace is that host.

The test makes its own little network: a namespace with one end of a veth pair (10.200.N.2) and
the server bound only to the other end (10.200.N.1). Chromium runs inside the namespace through
`ip netns exec`, so the server sees a genuine non-loopback peer. No test traffic goes anywhere
but loopback and this namespace. Without root (CAP_NET_ADMIN) the tests skip, or fail when
DATAWALK_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from measure import screenshot
from playwright.sync_api import Browser, Page, Playwright
from rig import (
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    Taps,
    expect_run,
    landscape_tablet_page,
    open_app,
    skip_or_fail,
)

from datawalk.access import HASH_COMMAND, hash_password

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "fictional walk password 2026"
NAV = '[data-testid="stSidebarNav"]'
_NO_IPV6 = "for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 > $f; done 2>/dev/null; true"


@dataclass(frozen=True)
class NamespaceHost:
    """A namespace standing in for the iPad: Chromium inside it reaches `server_address`."""

    namespace: str
    server_address: str
    client_address: str
    chromium_wrapper: Path


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=False)


def _free_subnet() -> int:
    """Return N such that 10.200.N.0/24 is used by nothing on this machine."""
    for n in range(1, 250):
        prefix = f"10.200.{n}.0/24"
        if (
            not _ip("-o", "addr", "show", "to", prefix).stdout.strip()
            and not _ip("route", "show", prefix).stdout.strip()
        ):
            return n
    raise RuntimeError("no free 10.200.N.0/24 subnet for the test host")


def _run(*args: str) -> None:
    result = _ip(*args)
    if result.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {result.stderr.strip()}")


def _in_namespace(namespace: str, script: str) -> str:
    command = ["ip", "netns", "exec", namespace, "sh", "-c", script]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _settle(namespace: str, ns_if: str) -> None:
    """Wait until the namespace's link is up and stays unchanged.

    Chromium aborts page loads with ERR_NETWORK_CHANGED when an address appears late (an IPv6
    link-local one after duplicate detection), so IPv6 is switched off inside the namespace.
    """
    deadline = time.monotonic() + 10
    while _in_namespace(namespace, f"cat /sys/class/net/{ns_if}/operstate") != "up":
        if time.monotonic() > deadline:
            raise OSError(f"{ns_if} in {namespace} did not come up")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def test_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NamespaceHost]:
    """Create the namespace and veth pair; always delete them afterwards."""
    if shutil.which("ip") is None:
        skip_or_fail("`ip` (iproute2) is not installed, so no test host can be made")
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    suffix = os.getpid() % 100_000
    namespace, host_if, ns_if = f"dwtest-{suffix}", f"dwh{suffix}", f"dwn{suffix}"
    created = _ip("netns", "add", namespace)
    if created.returncode != 0:
        skip_or_fail(f"cannot create a network namespace: {created.stderr.strip()}")
    try:
        host = _build_host(namespace, host_if, ns_if, tmp_path_factory.mktemp("netns"))
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        _remove_host(namespace, host_if)
        skip_or_fail(f"cannot set up the test host's network: {error}")
    yield host
    _remove_host(namespace, host_if)


def _build_host(namespace: str, host_if: str, ns_if: str, workdir: Path) -> NamespaceHost:
    """Wire the namespace to this machine with a veth pair on a subnet nothing else uses."""
    n = _free_subnet()
    server_address, client_address = f"10.200.{n}.1", f"10.200.{n}.2"
    _run("link", "add", host_if, "type", "veth", "peer", "name", ns_if)
    _run("link", "set", ns_if, "netns", namespace)
    _in_namespace(namespace, _NO_IPV6)
    _run("addr", "add", f"{server_address}/24", "dev", host_if)
    _run("link", "set", host_if, "up")
    _run("netns", "exec", namespace, "ip", "addr", "add", f"{client_address}/24", "dev", ns_if)
    _run("netns", "exec", namespace, "ip", "link", "set", ns_if, "up")
    _run("netns", "exec", namespace, "ip", "link", "set", "lo", "up")
    _settle(namespace, ns_if)
    wrapper = workdir / "chromium-in-namespace"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {namespace} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return NamespaceHost(namespace, server_address, client_address, wrapper)


def _remove_host(namespace: str, host_if: str) -> None:
    _ip("link", "del", host_if)  # deleting one end of a veth pair deletes both
    _ip("netns", "del", namespace)


@pytest.fixture(scope="module")
def remote_browser(playwright: Playwright, test_host: NamespaceHost) -> Iterator[Browser]:
    """Chromium running inside the test host's namespace."""
    browser = playwright.chromium.launch(
        executable_path=str(test_host.chromium_wrapper), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def remote_page(remote_browser: Browser) -> Iterator[Page]:
    """A landscape iPad page inside the namespace; a JavaScript dialog fails the test."""
    with landscape_tablet_page(remote_browser) as page:
        yield page


def _visible_texts(page: Page) -> list[str]:
    """The text of every visible element in the page body (the gate's or the app's)."""
    blocks = page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]')
    return [b.inner_text().strip() for b in blocks.all() if b.is_visible() and b.inner_text()]


def _assert_only_gate_shown(page: Page, gate_texts: list[str]) -> None:
    assert page.locator(NAV).count() == 0, "page navigation is visible before access"
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    extra = [t for t in _visible_texts(page) if not any(t in g or g in t for g in gate_texts)]
    assert extra == [], f"content visible before access: {extra}"


def test_loopback_browser_sees_the_app_without_a_password(
    browser: Browser, make_server: Callable[..., AppServer]
) -> None:
    server = make_server().start()
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    open_app(page, server.url)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert page.locator(NAV).count() == 1
    assert page.get_by_role("heading", name="Audits", exact=True).count() == 1
    page.context.close()


def test_other_host_is_refused_without_a_password(
    remote_page: Page, test_host: NamespaceHost, make_server: Callable[..., AppServer]
) -> None:
    server = make_server(address=test_host.server_address).start()
    open_app(remote_page, server.url)
    refusal = remote_page.locator('[data-testid="stAlertContentError"]')
    refusal.wait_for()
    reason = refusal.inner_text()
    assert f"another computer ({test_host.client_address})" in reason
    assert "no app password is configured" in reason
    assert HASH_COMMAND in reason
    assert remote_page.locator("input[type='password']").count() == 0
    _assert_only_gate_shown(remote_page, ["DataWalk", reason])
    screenshot(remote_page, "access-refused")


def test_other_host_sees_nothing_before_the_password(
    remote_page: Page, test_host: NamespaceHost, make_server: Callable[..., AppServer]
) -> None:
    server = make_server(
        address=test_host.server_address, password_hash=hash_password(PASSWORD)
    ).start()
    open_app(remote_page, server.url)
    password = remote_page.get_by_label("App password")
    password.wait_for()
    unlock = remote_page.get_by_role("button", name="Unlock")
    prompt = remote_page.locator('[data-testid="stAlertContentInfo"]').inner_text()
    _assert_only_gate_shown(remote_page, ["DataWalk", prompt, "App password", "Unlock"])
    screenshot(remote_page, "access-password-prompt")

    tap = Taps(remote_page)
    password.fill("not the password")
    tap(unlock)
    assert "not right" in remote_page.locator('[data-testid="stAlertContentError"]').inner_text()
    _assert_only_gate_shown(
        remote_page, ["DataWalk", prompt, "App password", "Unlock", "not right"]
    )

    remote_page.get_by_label("App password").fill(PASSWORD)
    tap(remote_page.get_by_role("button", name="Unlock"))
    remote_page.locator(NAV).wait_for(state="attached")
    assert remote_page.get_by_role("heading", name="Audits", exact=True).count() == 1
    assert remote_page.locator("input[type='password']").count() == 0

    with expect_run(remote_page, "reloading"):
        remote_page.reload()  # a new session: acceptance lives in session state only
    remote_page.get_by_label("App password").wait_for()
    assert remote_page.locator(NAV).count() == 0


def test_other_host_over_plain_http_is_never_asked_for_a_password_once_accounts_exist(
    remote_page: Page, test_host: NamespaceHost, make_server: Callable[..., AppServer]
) -> None:
    """Even with the old app password set: accounts replace it, and a password or code never
    crosses the school network in clear text."""
    from datawalk.accounts import users
    from datawalk.services import Actor, Workspace

    server = make_server(address=test_host.server_address, password_hash=hash_password(PASSWORD))
    workspace = Workspace.open(server.database_url, sample_if_new=True)
    try:
        users.create_user(
            workspace, Actor.operator("Set-up"), display_name="Ada Admin",
            email="ada.admin@example.org", role="admin", password=PASSWORD,
        )  # fmt: skip
    finally:
        workspace.close()
    server.start()
    remote_page.goto(f"{server.url}/audits")
    remote_page.wait_for_url(re.compile(r"/signin\?next=%2Faudits$"))
    assert remote_page.get_by_text("This connection is not encrypted").is_visible()
    assert remote_page.locator("input[type='password']").count() == 0
    assert remote_page.locator(NAV).count() == 0
