"""The real-browser test rig: a Streamlit server in its own process group, and page helpers to
wait for the app and tap (measuring the page and screenshots are in `measure.py`).

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
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from datawalk.access import PASSWORD_HASH_SETTING

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER_ENV = "DATAWALK_REQUIRE_BROWSER"
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
_STARTUP_SECONDS = 45
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
    # More environment (DATAWALK_* settings) and a secrets.toml of the test's own (st.login).
    extra_env: dict[str, str] = field(default_factory=dict)
    secrets_toml: str | None = None
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
        env.update(self.extra_env)
        return env

    def _secrets_file(self) -> Path:
        """The test's own secrets.toml, or a missing file: never the repository's."""
        if self.secrets_toml is None:
            return self.workdir / "no-secrets.toml"
        path = self.workdir / "secrets.toml"
        path.write_text(self.secrets_toml, encoding="utf-8")
        return path

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
            "--secrets.files", str(self._secrets_file()),
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


class MissedTap(AssertionError):
    """An action that should have made the app run did not: the tap missed, or changed nothing."""


def wait_idle(page: Page, timeout_ms: int = 30_000) -> None:
    """Wait until the app shows no script running and every image in the page has loaded.

    Only a settled page is idle here: after an action that makes the app run, wait for that run
    with `expect_run` (or a `Taps` tap), which ends with this. Raises AppCrashed at once when
    the app shows an uncaught exception.
    """
    page.wait_for_selector(IDLE_SELECTOR, timeout=timeout_ms, state="attached")
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
    watch_runs(page)
    with expect_run(page, f"opening {url}"):
        page.goto(url)
    missing = page.locator('[data-testid="stDialog"]').filter(has_text="Page not found")
    if missing.count():
        raise AssertionError(f"Streamlit has no page at {url}")


# Streamlit tells the browser over its connection when a script run ends, and how (the
# `script_finished` field of a ForwardMsg). A run stopped by st.rerun() is followed by another, so
# only the statuses in _RUN_ENDS end the runs an action caused.
STREAM_PATH = "/_stcore/stream"
_SCRIPT_FINISHED_FIELD = ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number
_RUN_ENDS = frozenset(
    {
        ForwardMsg.FINISHED_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    }
)
# Installed in each page before it loads: counts, per loaded document, the messages of the app's
# connection that end a run, reading just the top-level fields of each ForwardMsg.
RUN_COUNTER_SCRIPT = """
(() => {
  const FIELD = __FIELD__, ENDS = new Set(__ENDS__), STREAM = "__STREAM__";
  const runs = {load: Math.random().toString(36).slice(2), finished: 0};
  window.__datawalkRuns = runs;
  const varint = (bytes, at) => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return [value, at];
  };
  const finishedStatus = (bytes) => {
    let at = 0, tag, value;
    while (at < bytes.length) {
      [tag, at] = varint(bytes, at);
      const wire = tag & 7;
      if (wire === 0) { [value, at] = varint(bytes, at); if (tag >> 3 === FIELD) return value; }
      else if (wire === 2) { [value, at] = varint(bytes, at); at += value; }
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return null;
    }
    return null;
  };
  // Kept out of the JSON `runs_finished` reads: the rule itself, for the rig's own test.
  Object.defineProperty(runs, "ends", {value: (bytes) => ENDS.has(finishedStatus(bytes))});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes(STREAM)) return;
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer && runs.ends(new Uint8Array(event.data))) {
          runs.finished += 1;
        }
      });
    }
  };
})();
"""
RUN_COUNTER_SCRIPT = (
    RUN_COUNTER_SCRIPT.replace("__FIELD__", str(_SCRIPT_FINISHED_FIELD))
    .replace("__ENDS__", str(sorted(_RUN_ENDS)))
    .replace("__STREAM__", STREAM_PATH)
)
_WATCHED: weakref.WeakSet[BrowserContext | Page] = weakref.WeakSet()


def watch_runs(target: BrowserContext | Page) -> None:
    """Count the runs the app reports finished in a page, or in every page of a context, so
    `expect_run` can wait for the runs an action causes. Takes effect from the next page load."""
    if target not in _WATCHED and not (isinstance(target, Page) and target.context in _WATCHED):
        target.add_init_script(RUN_COUNTER_SCRIPT)
        _WATCHED.add(target)


def runs_finished(page: Page) -> dict[str, object] | None:
    """This document's count of finished runs, with its load id; None before the app loads."""
    return page.evaluate("() => window.__datawalkRuns ?? null")


@contextmanager
def expect_run(page: Page, what: str, timeout_ms: int = 30_000) -> Iterator[None]:
    """Around an action that makes the app run: wait until the app reports that run finished,
    then until the page is idle. Raises MissedTap when no run finishes, so a missed tap fails
    here, loudly, instead of being tried again. An action that loads a new document (opening,
    reloading) is done by the first run that document finishes.
    """
    before = runs_finished(page)
    yield
    try:
        page.wait_for_function(
            """(before) => {
                const now = window.__datawalkRuns;
                if (!now) return false;
                if (!before || now.load !== before.load) return now.finished > 0;
                return now.finished > before.finished;
            }""",
            arg=before,
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError as timeout:
        raise MissedTap(
            f"{what}: the app finished no script run within {timeout_ms / 1000:.0f} s"
        ) from timeout
    wait_idle(page, timeout_ms)


class Taps:
    """Taps with a finger (touch events), counts the taps, and waits for the run each causes."""

    def __init__(self, page: Page, timeout_ms: int = 30_000) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.count = 0

    def __call__(self, target: Locator, *, reruns: bool = True) -> None:
        """Tap `target` once and wait for the run it causes; `reruns=False` for taps the
        browser handles alone (opening a list, typing into a form).

        A tap that causes no run fails the test (MissedTap): it is never tapped again.
        """
        target.scroll_into_view_if_needed()
        self.count += 1
        if not reruns:
            target.tap()
            wait_idle(self.page, self.timeout_ms)  # the next step acts on a settled page
            return
        with expect_run(self.page, f"tap on {target}", self.timeout_ms):
            target.tap()


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
    page = context.new_page()
    watch_runs(page)
    page.on("dialog", lambda dialog: pytest.fail(f"unexpected dialog: {dialog.message}"))
    try:
        yield page
    finally:
        context.close()
