"""More than one server: two Streamlit servers on different ports sharing one PostgreSQL database
(the tests' throwaway cluster), and the nginx example (`deploy/nginx.conf`) in front of them.

- A finding saved through one server appears on the other after a reload.
- CI runs Debian's nginx with the example file itself, only its ports, certificate (self-signed,
  made here) and file locations changed: the walk works over HTTPS through it (websocket
  upgrade), a tab's requests all go to one server (sticky), a body over the app's upload limit
  is refused by nginx, and the app receives the X-Forwarded-* headers.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from measure import screenshot
from playwright.sync_api import Browser, Page, expect
from rig import REPO, AppServer, Taps, choice, expect_run, free_port, open_app, watch_runs
from walk_steps import finding_cards, save

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NGINX = Path("/usr/sbin/nginx")
EXAMPLE = REPO / "deploy" / "nginx.conf"
TEMPLATE = "Pupil medication in the shared staff fridge"


@dataclass
class SharedWalk:
    database_url: str
    audit_id: str
    location_id: str
    servers: list[AppServer]

    def walk_path(self) -> str:
        return f"/walk?audit={self.audit_id}&location={self.location_id}"


@pytest.fixture(scope="module")
def shared(postgres_cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedWalk]:
    """The sample walk in one PostgreSQL database, and two app servers on it."""
    from datawalk.samples import load_sample
    from datawalk.store import Store

    url = postgres_cluster.create_database("datawalk_two_servers")
    store = Store.open(url)
    try:
        audit_id = load_sample(store)
        location_id = store.list_locations(audit_id)[0].id
    finally:
        store.close()
    servers = [
        AppServer(tmp_path_factory.mktemp(name), extra_env={"DATAWALK_DATABASE_URL": url})
        for name in ("first", "second")
    ]
    try:
        for server in servers:
            server.start()
        yield SharedWalk(url, audit_id, location_id, servers)
    finally:
        for server in servers:
            server.stop()
            print(f"--- server log ({server.url}) ---\n{server.log_tail()}")


@contextmanager
def tablet(browser: Browser, *, https: bool = False) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1024, "height": 768},
        has_touch=True,
        is_mobile=False,
        ignore_https_errors=https,  # the test's own self-signed certificate
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    watch_runs(page)
    try:
        yield page
    finally:
        context.close()


def stored_references(walk: SharedWalk) -> list[str]:
    from datawalk.store import Store

    store = Store.open(walk.database_url)
    try:
        return [f.reference or "" for f in store.list_findings(walk.audit_id)]
    finally:
        store.close()


def test_a_finding_saved_on_one_server_appears_on_the_other_after_a_reload(
    browser: Browser, shared: SharedWalk
) -> None:
    first, second = shared.servers
    with tablet(browser) as one, tablet(browser) as other:
        open_app(one, first.url + shared.walk_path())
        open_app(other, second.url + shared.walk_path())
        reference = save_a_finding(one)

        with expect_run(other, "reloading on the second server"):
            other.reload()
        expect(finding_cards(other).filter(has_text=reference)).to_have_count(1, timeout=30_000)
        assert reference in stored_references(shared)
        screenshot(other, "second-server-after-reload")


def save_a_finding(page: Page) -> str:
    tap = Taps(page)
    tap(choice(page, "Quick templates", TEMPLATE))
    return save(tap, page)


# --- nginx -----------------------------------------------------------------------------------


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for this run only."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def replace_once(text: str, old: str, new: str) -> str:
    """Change one line of the example; fail if the example no longer has it, so the test and
    the documented file cannot drift apart."""
    assert text.count(old) == 1, f"deploy/nginx.conf should contain {old!r} once"
    return text.replace(old, new)


@dataclass
class Nginx:
    prefix: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def upstreams(self) -> set[str]:
        """Every app server the access log says a request went to."""
        log = (self.prefix / "logs" / "access.log").read_text(encoding="utf-8")
        return {match for match in re.findall(r"-> (\S+)$", log, flags=re.M) if match != "-"}


@contextmanager
def nginx_in_front_of(ports: list[int]) -> Iterator[Nginx]:
    """Debian's nginx running deploy/nginx.conf on loopback in front of `ports`.

    Its own prefix (`-p`) holds the config, pid, logs, temp files and certificate, so it needs
    nothing under /etc or /var; the prefix is readable by the worker processes, which drop root.
    """
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: .ci/run installs Debian's nginx")
    prefix = Path(tempfile.mkdtemp(prefix="datawalk-nginx-"))
    prefix.chmod(0o755)
    for folder in ("run", "logs", "temp", "tls"):
        (prefix / folder).mkdir()
    cert, key = make_certificate(prefix / "tls")
    port = free_port()
    text = EXAMPLE.read_text(encoding="utf-8")
    text = replace_once(text, "server 127.0.0.1:8501;", f"server 127.0.0.1:{ports[0]};")
    text = replace_once(text, "server 127.0.0.1:8502;", f"server 127.0.0.1:{ports[-1]};")
    text = replace_once(text, "listen 127.0.0.1:8443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    text = replace_once(text, "/etc/datawalk/tls/cert.pem", str(cert))
    text = replace_once(text, "/etc/datawalk/tls/key.pem", str(key))
    config = prefix / "nginx.conf"
    config.write_text(text, encoding="utf-8")
    command = [
        str(NGINX),
        "-p",
        f"{prefix}/",
        "-c",
        str(config),
        "-e",
        str(prefix / "logs/startup.log"),
    ]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for_port(port, process)
        yield Nginx(prefix, port, process)
    finally:
        with_suppressed_lookup(lambda: os.killpg(process.pid, signal.SIGTERM))
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with_suppressed_lookup(lambda: os.killpg(process.pid, signal.SIGKILL))
            process.wait(timeout=10)
        error_log = prefix / "logs" / "error.log"
        if error_log.exists():
            print(f"--- nginx error log ---\n{error_log.read_text(errors='replace')[-3000:]}")
        shutil.rmtree(prefix, ignore_errors=True)


def with_suppressed_lookup(action) -> None:
    with suppress(ProcessLookupError):  # it may have stopped already
        action()


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx stopped: {process.stderr.read().decode(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("nginx did not start listening")


def https_request(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request through nginx, trusting its self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        connection.putrequest(method, path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def upload_limit_mb() -> int:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return int(config["server"]["maxUploadSize"])


def test_the_example_allows_exactly_the_apps_upload_limit() -> None:
    found = re.findall(r"client_max_body_size\s+(\d+)m;", EXAMPLE.read_text(encoding="utf-8"))
    assert found == [str(upload_limit_mb())]


def test_the_walk_works_through_nginx_over_https_on_one_sticky_server(
    browser: Browser, shared: SharedWalk
) -> None:
    ports = [server.port for server in shared.servers]
    with nginx_in_front_of(ports) as proxy, tablet(browser, https=True) as page:
        open_app(page, proxy.url + shared.walk_path())  # the app runs: the websocket got through
        reference = save_a_finding(page)
        assert reference in stored_references(shared)
        with expect_run(page, "reloading through nginx"):
            page.reload()
        expect(finding_cards(page).filter(has_text=reference)).to_have_count(1, timeout=30_000)
        screenshot(page, "through-nginx")

        # Every request of this client went to one of the two servers.
        (upstream,) = proxy.upstreams()
        assert int(upstream.rsplit(":", 1)[1]) in ports

        # A body over the app's upload limit is refused by nginx, before the app.
        too_big = str(upload_limit_mb() * 1024 * 1024 + 1)
        status, _ = https_request(
            proxy.port, "PUT", "/_stcore/upload_file/x/y", {"Content-Length": too_big}
        )
        assert status == 413


class Echo(BaseHTTPRequestHandler):
    """An upstream that answers with the request headers it received, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


def test_the_app_servers_receive_the_forwarded_headers() -> None:
    echo = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    try:
        with nginx_in_front_of([echo.server_address[1]]) as proxy:
            status, body = https_request(
                proxy.port,
                "GET",
                "/_stcore/stream",
                {"Upgrade": "websocket", "Connection": "Upgrade"},
            )
            seen = json.loads(body)
            plain_status, plain_body = https_request(proxy.port, "GET", "/", {})
    finally:
        echo.shutdown()
    assert status == 200
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "https"
    assert seen["x-forwarded-host"] == f"127.0.0.1:{proxy.port}"
    assert seen["x-real-ip"] == "127.0.0.1"
    assert seen["host"] == f"127.0.0.1:{proxy.port}"  # with its port, for the Origin check
    assert (seen["upgrade"], seen["connection"]) == ("websocket", "upgrade")
    assert plain_status == 200 and json.loads(plain_body)["connection"] == "close"
