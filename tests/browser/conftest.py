"""Fixtures for the real-browser tests (Playwright driving Debian Chromium at iPad sizes).

- `browser` is pytest-playwright's, launched from /usr/bin/chromium with the flags this
  machine needs (`playwright install` cannot download browsers here). A missing Chromium skips
  the tests, or fails them when DATAWALK_REQUIRE_BROWSER=1 (set by .ci/run).
- `app_server`: one Streamlit server per test module, on a free loopback port, with its own
  SQLite file; `make_server` starts extra ones (durability, access) and stops them all after.
- `ipad`: a touch-enabled page at 1024×768 (landscape) and at 820×1180 (portrait).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from rig import CHROMIUM, CHROMIUM_ARGS, AppServer, Tablet, skip_or_fail, watch_runs

IPAD_SIZES = {"landscape": (1024, 768), "portrait": (820, 1180)}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian Chromium; skip (or fail when required) if it is not installed."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A server on loopback shared by one module's tests; each test makes its own audit."""
    server = AppServer(tmp_path_factory.mktemp("server")).start()
    yield server
    server.stop()
    print(f"--- server log ({server.url}) ---\n{server.log_tail()}")


@pytest.fixture(scope="module")
def sample_id(app_server: AppServer) -> str:
    """The sample walk, loaded into the module's server database the way the app loads it."""
    from datawalk.samples import load_sample
    from datawalk.store import Store

    store = Store.open(app_server.database_url)
    try:
        return load_sample(store)
    finally:
        store.close()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., AppServer]]:
    """Create (not start) servers with their own database; every one is stopped afterwards."""
    servers: list[AppServer] = []

    def make(name: str = "server", **options: Any) -> AppServer:
        server = AppServer(tmp_path / name, **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
        if server.starts:
            print(f"--- server log ({server.url}) ---\n{server.log_tail()}")


@pytest.fixture(params=list(IPAD_SIZES), ids=list(IPAD_SIZES))
def ipad(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Tablet]:
    """A fresh touch context at an iPad size; every JavaScript dialog it opens is recorded."""
    width, height = IPAD_SIZES[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=True,
        is_mobile=False,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    watch_runs(page)
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    yield Tablet(request.param, width, height, page, dialogs)
    context.close()
