"""A throwaway PostgreSQL cluster for the tests, started once per test session.

Debian's server binaries live in /usr/lib/postgresql/<version>/bin, off PATH. `initdb`, `pg_ctl`
and `postgres` refuse to run as root, and CI runs as root, so the cluster is made and run as the
`postgres` user (through `runuser`) in a temporary folder that user owns. It listens on a free
loopback port only, with password authentication over TCP, so the tests' URLs carry a password
(which must never be printed). It is stopped and removed at the end of the session.

Without the binaries the PostgreSQL tests are skipped, or fail when DATAWALK_REQUIRE_POSTGRES=1
or DATAWALK_REQUIRE_BROWSER=1 (both set by .ci/run): CI must never skip them silently.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE_POSTGRES_ENV = "DATAWALK_REQUIRE_POSTGRES"
REQUIRE_BROWSER_ENV = "DATAWALK_REQUIRE_BROWSER"
TEST_DATABASE_URL_ENV = "DATAWALK_TEST_DATABASE_URL"
SERVER_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
# Durability is not under test here and the machine is shared: skip the fsyncs.
SPEED_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def postgres_required() -> bool:
    """CI sets these so a missing server fails the run instead of skipping."""
    flags = (REQUIRE_POSTGRES_ENV, REQUIRE_BROWSER_ENV)
    return any(os.environ.get(name, "").strip() == "1" for name in flags)


def skip_or_fail(reason: str) -> None:
    if postgres_required():
        pytest.fail(f"{reason} ({REQUIRE_POSTGRES_ENV}=1, so this is a failure)")
    pytest.skip(reason)


def server_binaries() -> Path | None:
    """Return the newest installed PostgreSQL server's bin folder, or None."""
    found = sorted(
        (p for p in SERVER_ROOT.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A running throwaway cluster: `url(database)` gives a psycopg URL with the password."""

    bin: Path
    folder: Path
    port: int
    password: str
    durable: bool = False  # fsync on, as a real server runs (for benchmark figures)

    def url(self, database: str = "postgres") -> str:
        return (
            f"postgresql+psycopg://{SERVER_USER}:{self.password}@127.0.0.1:{self.port}/{database}"
        )

    def create_database(self, name: str) -> str:
        """Create an empty database `name` and return its URL."""
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pg_ctl(self, *arguments: str) -> None:
        _as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *arguments])

    def restart(self) -> None:
        """Stop the server (fast: every connection is cut) and start it again on the same port."""
        self.pg_ctl("stop", "-m", "fast", "-w")
        self.start()

    def start(self) -> None:
        speed = "" if self.durable else SPEED_OPTIONS
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} {speed}"
        log = str(self.folder / "server.log")
        self.pg_ctl("start", "-w", "-t", "60", "-l", log, "-o", options)


def _as_server_user(command: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    # cwd "/": the server user may not be allowed into the checkout (e.g. under /root).
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, cwd="/"
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def start_cluster(durable: bool = False) -> Cluster:
    """initdb a cluster in a fresh folder owned by the server user and start it on a free port
    (with fsync off unless `durable`).

    Skips (or fails, see the module docstring) when the server is not installed.
    """
    binaries = server_binaries()
    if binaries is None:
        skip_or_fail(f"PostgreSQL server binaries not found under {SERVER_ROOT}")
    assert binaries is not None
    folder = Path(tempfile.mkdtemp(prefix="datawalk-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            shutil.rmtree(folder)
            skip_or_fail(f"no {SERVER_USER!r} user to run the PostgreSQL server as")
        os.chown(folder, account.pw_uid, account.pw_gid)
    folder.chmod(0o700)
    password = secrets.token_urlsafe(16)
    password_file = folder / "password"
    password_file.write_text(password, encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(password_file, account.pw_uid, account.pw_gid)
    _as_server_user(
        [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", SERVER_USER,
         f"--pwfile={password_file}", "--auth-local=trust", "--auth-host=scram-sha-256",
         "-E", "UTF8", "--locale=C", "--no-sync"]
    )  # fmt: skip
    password_file.unlink()
    cluster = Cluster(binaries, folder, free_port(), password, durable)
    try:
        cluster.start()
    except RuntimeError:
        cluster.port = free_port()  # the free port was taken meanwhile: one more try
        cluster.start()
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    try:
        cluster.pg_ctl("stop", "-m", "immediate", "-w")
    finally:
        shutil.rmtree(cluster.folder, ignore_errors=True)
