"""The real-browser test rig: a Streamlit server in its own process group, and page helpers to
wait for the app, tap, measure touch targets and overflow, and save screenshots.

Kept apart from conftest.py so tests can import the helpers by name. Servers only ever bind to
loopback or to an address of a network namespace the tests created themselves.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from datawalk.access import PASSWORD_HASH_SETTING

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER_ENV = "DATAWALK_REQUIRE_BROWSER"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",  # test traffic goes straight to the test server, never via a proxy
    # No name resolves: the tests reach servers by IP literal only, and nothing the app's page
    # asks for (a favicon from a font CDN, say) can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 10.200.*",
]
IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MIN_TOUCH_PX = 44
_STARTUP_SECONDS = 45
_MAX_SHOT_PX = 8000
# Direct connections only: a proxy from the environment must not see test traffic.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def browser_required() -> bool:
    """CI sets DATAWALK_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping."""
    return os.environ.get(REQUIRE_BROWSER_ENV, "").strip() == "1"


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it when the browser tests are required."""
    if browser_required():
        pytest.fail(f"{reason} ({REQUIRE_BROWSER_ENV}=1, so this is a failure)")
    pytest.skip(reason)


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass
class AppServer:
    """`streamlit run streamlit_app.py` on one address, port and SQLite file.

    The server runs in a new session (its own process group) so `kill()` can take down the
    wrapper and its children together, as a crash or a power cut would.
    """

    workdir: Path
    address: str = "127.0.0.1"
    port: int = 0
    password_hash: str | None = None
    app_dir: Path = REPO
    db_path: Path = field(init=False)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    starts: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.workdir / "datawalk.db"
        self.port = self.port or free_port(self.address)

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"server-{self.starts}.log"

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != PASSWORD_HASH_SETTING}
        env["DATAWALK_DATABASE_URL"] = self.database_url
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
        if self.password_hash:
            env[PASSWORD_HASH_SETTING] = self.password_hash
        return env

    def start(self) -> AppServer:
        """Start the server and return once its health endpoint answers."""
        self.starts += 1
        command = [
            sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--server.port", str(self.port),
            "--server.address", self.address,
            # A developer's own .streamlit/secrets.toml must not change what the tests see.
            "--secrets.files", str(self.workdir / "no-secrets.toml"),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.app_dir,
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                _HTTP.open(f"{self.url}/_stcore/health", timeout=2) as response,
            ):
                if response.read().strip() == b"ok":
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Streamlit did not start on {self.url}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _signal_group(self, sig: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgid(self.process.pid), sig)

    def kill(self) -> None:
        """`kill -9` the whole process group: no shutdown code runs, as in a crash."""
        self._signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server politely, then by force if it lingers."""
        self._signal_group(signal.SIGTERM)
        if self.process is None:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Run `sql` on a fresh SQLite connection, which replays the WAL like any reader."""
        connection = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


@dataclass
class Tablet:
    """A page in a touch context of one iPad size; `name` goes into screenshot names."""

    name: str
    width: int
    height: int
    page: Page
    dialogs: list[str]


class AppCrashed(AssertionError):
    """The page shows an uncaught exception: the server log says what it was."""


def wait_idle(page: Page, timeout_ms: int = 30_000) -> None:
    """Wait until the script has finished and stayed finished for a few polls.

    A tap's rerun begins a moment after the tap, so one "notRunning" reading can be stale.
    Raises AppCrashed at once when the app shows an uncaught exception.
    """
    page.wait_for_selector(IDLE_SELECTOR, timeout=timeout_ms, state="attached")
    steady = 0
    deadline = time.monotonic() + timeout_ms / 1000
    while steady < 4:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle")
        idle = page.locator(IDLE_SELECTOR).count() == 1
        steady = steady + 1 if idle else 0
        page.wait_for_timeout(80)
    # Images load after the run ends and shift the layout under the next tap.
    page.wait_for_function(
        "() => Array.from(document.images).every((image) => image.complete)", timeout=timeout_ms
    )
    crash = page.locator('[data-testid="stException"]')
    if crash.count():
        raise AppCrashed(f"the app crashed on {page.url}: {crash.first.inner_text()[:300]}")


def open_app(page: Page, url: str) -> None:
    """Go to `url` and wait for the first run of the script to finish.

    Raises AssertionError when Streamlit answers with its "Page not found" dialog, which would
    otherwise leave the page inert and every later tap waiting for its timeout.
    """
    page.goto(url)
    wait_idle(page)
    missing = page.locator('[data-testid="stDialog"]').filter(has_text="Page not found")
    if missing.count():
        raise AssertionError(f"Streamlit has no page at {url}")


# Counts finished script runs (whole app or fragment) in the page, so a tap can wait for the
# run it caused instead of guessing how long the server takes to start it.
RUN_COUNTER_SCRIPT = """
(() => {
  window.__datawalkRuns = 0;
  const watch = () => new MutationObserver((records) => {
    for (const record of records) {
      if (record.oldValue === "running") window.__datawalkRuns += 1;
    }
  }).observe(document.documentElement, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: ["data-test-script-state"],
  });
  if (document.documentElement) watch();
  else document.addEventListener("DOMContentLoaded", watch);
})();
"""


def watch_runs(target: BrowserContext | Page) -> None:
    """Install the run counter in every page of a context, or in one page, before it loads."""
    target.add_init_script(RUN_COUNTER_SCRIPT)


def finished_runs(page: Page) -> int:
    """Script runs finished in this page so far, or -1 when the counter is not installed."""
    return int(page.evaluate("() => window.__datawalkRuns ?? -1"))


class Taps:
    """Taps with a finger (touch events), counts the taps, and waits for the run each causes."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def __call__(self, target: Locator, *, reruns: bool = True) -> None:
        """Tap `target`; `reruns=False` for taps the browser handles alone (opening a list).

        A tap that lands while the layout is still shifting (an image loading after the run)
        can miss its target. With no run to show for it, it changed nothing, so it is tapped
        once more, and counted, as a person would.
        """
        target.scroll_into_view_if_needed()
        before = finished_runs(self.page)
        target.tap()
        self.count += 1
        if reruns and before >= 0 and not self._ran_since(before, 8_000):
            target.scroll_into_view_if_needed()
            target.tap()
            self.count += 1
            self._ran_since(before, 30_000, required=True)
        wait_idle(self.page)

    def _ran_since(self, before: int, timeout_ms: int, *, required: bool = False) -> bool:
        try:
            self.page.wait_for_function(
                "(before) => (window.__datawalkRuns ?? 0) > before", arg=before, timeout=timeout_ms
            )
        except PlaywrightTimeoutError:
            if required:
                raise
            return False
        return True


def undersized_targets(page: Page, minimum: int = MIN_TOUCH_PX) -> list[str]:
    """Return "label: WxH" for every visible button or pill in the app shorter than `minimum`.

    Streamlit's own chrome (header toolbar, sidebar collapse arrow) is outside the app's
    control and not measured; everything in the page body and the sidebar content is.
    """
    scope = page.locator('[data-testid="stMain"], [data-testid="stSidebarContent"]')
    small = []
    for button in scope.locator(
        "button, [role='radio'], a[data-testid='stPageLink-NavLink']"
    ).all():
        if not button.is_visible():
            continue
        box = button.bounding_box()
        if box is None or box["width"] == 0:
            continue
        if box["height"] < minimum:
            label = (button.inner_text() or button.get_attribute("aria-label") or "?").strip()
            small.append(f"{label[:40]!r}: {box['width']:.0f}x{box['height']:.0f}")
    return small


def horizontal_overflow(page: Page) -> dict[str, float]:
    """Return the widths that show sideways scrolling: the document's and the main area's."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return {
              documentScroll: document.documentElement.scrollWidth,
              viewport: window.innerWidth,
              mainScroll: main ? main.scrollWidth : 0,
              mainClient: main ? main.clientWidth : 0,
            };
        }"""
    )


def no_horizontal_scroll(widths: dict[str, float]) -> bool:
    """True when neither the document nor the main area is wider than what is shown."""
    return (
        widths["documentScroll"] <= widths["viewport"]
        and widths["mainScroll"] <= widths["mainClient"]
    )


def screenshot(page: Page, name: str, *, whole_page: bool = True) -> Path:
    """Save a screenshot under the git-ignored artifacts/screenshots/ and return its path.

    Streamlit scrolls inside its main area, not the document, so a "full page" screenshot would
    stop at the viewport; for the whole page the viewport is made as tall as the content for
    the shot, then put back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    content = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0"
    )
    if whole_page and size and content > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(content, _MAX_SHOT_PX)})
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
    else:
        page.screenshot(path=str(path))
    return path


def choice(page: Page, label: str, option: str) -> Locator:
    """The option button of a pills or segmented-control widget, found by label and option.

    On Streamlit 1.67 single-select pills and segmented controls are a radiogroup of radios, and
    multi-select pills a toolbar of toggle buttons.
    """
    single = page.get_by_role("radiogroup", name=label, exact=True).get_by_role(
        "radio", name=option, exact=True
    )
    multi = page.get_by_role("toolbar", name=label, exact=True).get_by_role(
        "button", name=option, exact=True
    )
    return single.or_(multi)


@contextmanager
def landscape_tablet_page(browser: Browser) -> Iterator[Page]:
    """A landscape iPad page with touch; a JavaScript dialog fails the test at once."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=False
    )
    context.set_default_timeout(30_000)
    watch_runs(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"unexpected dialog: {dialog.message}"))
    try:
        yield page
    finally:
        context.close()
