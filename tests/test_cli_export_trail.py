"""Every CLI export (JSON backup, workbook, PDF report) is in the audit's trail: the command
line's actor, the format and edition, the file's name, and when."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from datawalk.cli import main
from datawalk.samples import sample_audit_id
from datawalk.store import Store


@pytest.fixture
def loaded_db(tmp_path: Path) -> str:
    """A database of the test's own holding the sample walk, loaded through the CLI."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert CliRunner().invoke(main, ["sample", "--db", url]).exit_code == 0
    return url


def _trail(url: str):
    store = Store.open(url)
    try:
        return store.list_trail(sample_audit_id())
    finally:
        store.close()


def _export(url: str, *args: str):
    command = ["export", sample_audit_id(), *args, "--db", url]
    return CliRunner().invoke(main, command, catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "filename", "what"),
    [
        (["--format", "json"], "walk.json", "JSON backup"),
        (
            ["--format", "xlsx", "--edition", "governors"],
            "walk.xlsx",
            "Excel workbook, governors edition",
        ),
        (["--format", "pdf"], "walk.pdf", "PDF report, leadership edition"),
    ],
)
def test_each_export_is_in_the_trail(loaded_db, tmp_path, args, filename, what):
    before = len(_trail(loaded_db))
    assert _export(loaded_db, *args, "-o", str(tmp_path / filename)).exit_code == 0
    events = [e for e in _trail(loaded_db)[before:] if e.operation == "download"]
    assert len(events) == 1
    event = events[0]
    assert event.actor == "cli" and event.entity_id == sample_audit_id()
    assert event.changes == {"download": what, "file": filename}


def test_a_backup_to_stdout_is_in_the_trail(loaded_db):
    assert _export(loaded_db, "-o", "-").exit_code == 0
    event = _trail(loaded_db)[-1]
    assert event.changes == {"download": "JSON backup", "file": "stdout"}


def test_a_refused_export_is_not_in_the_trail(loaded_db, tmp_path):
    before = len(_trail(loaded_db))
    result = _export(loaded_db, "--format", "xlsx", "-o", "-")
    assert result.exit_code != 0
    assert not [e for e in _trail(loaded_db)[before:] if e.operation == "download"]
