"""`python -m datawalk bench`: the one command runs every registered benchmark, and prints no
Streamlit notices about running without a server (the AppTest benchmarks used to print a dozen)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import benchmarks
from benchmarks.ui import _streamlit_bare_mode

ROOT = Path(__file__).resolve().parents[1]
BARE_MODE_NOTICES = ("No runtime found", "missing ScriptRunContext")


@pytest.mark.slow
def test_bench_runs_every_benchmark_without_streamlit_notices(tmp_path: Path) -> None:
    """A fresh interpreter, as a user runs it: import-time notices would show here too."""
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    env.pop("DATAWALK_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "datawalk", "bench", "--quick", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not [notice for notice in BARE_MODE_NOTICES if notice in result.stderr], result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    figures = json.loads(result.stdout)
    assert list(figures) == list(benchmarks.BENCHMARKS)
    assert figures["walk"]["errors"] == []
    assert figures["dashboard"]["errors"] == []


def test_an_unknown_benchmark_name_is_refused() -> None:
    with pytest.raises(ValueError, match="speling"):
        list(benchmarks.run_all(["scoring", "speling"]))


def _record(message: str) -> logging.LogRecord:
    name = "streamlit.runtime.caching.cache_data_api"
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, None, None)


def test_only_the_bare_mode_notices_are_left_out_and_only_while_a_benchmark_runs() -> None:
    logger = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    notice = _record("No runtime found, using MemoryCacheStorageManager")
    other = _record("Something the app did wrong")
    with _streamlit_bare_mode():
        assert not logger.filter(notice)
        assert logger.filter(other)
    assert logger.filter(notice)
