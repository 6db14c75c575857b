"""`python -m datawalk bench --db URL`: the save figures with concurrent sessions, on SQLite and
PostgreSQL, leaving the database as it found it. A benchmark's figures are never asserted."""

from __future__ import annotations

import json

from click.testing import CliRunner

from datawalk.cli import main
from datawalk.services import Workspace


def test_bench_with_a_database_measures_saves_there_and_leaves_nothing(new_database_url):
    result = CliRunner().invoke(
        main, ["bench", "--db", new_database_url, "--quick", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert list(figures) == ["saves"]  # --db alone runs only the database benchmarks
    saves = figures["saves"]
    assert saves["errors"] == []
    assert saves["saves"] == 3 * 2
    assert 0 < saves["save_p50_ms"] <= saves["save_p95_ms"] <= saves["save_max_ms"]
    if "@" in new_database_url:  # a password is never printed
        password = new_database_url.split("@")[0].rsplit(":", 1)[1]
        assert password not in result.output
    workspace = Workspace.open(new_database_url)
    try:
        assert workspace.reads.list_audits() == []
        assert workspace.reads.list_tombstones() == []
    finally:
        workspace.close()
