"""The command line's rule once accounts exist: it acts as the server's operator (whoever holds
the database file or its URL), an admin always, so every export and import keeps working
whatever accounts exist, and the trail names the operator, never a signed-in user. There is no
way to act as a user from the command line, so no role is widened by it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from datawalk.accounts import users
from datawalk.cli import main
from datawalk.samples import sample_audit_id
from datawalk.services import Actor, Workspace


@pytest.fixture
def accounts_db(tmp_path: Path) -> str:
    """The sample walk, then accounts: an admin and a school viewer of the sample's school."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert CliRunner().invoke(main, ["sample", "--db", url]).exit_code == 0
    workspace = Workspace.open(url)
    try:
        school = workspace._store.audit_school_ids()[sample_audit_id()]
        operator = Actor.operator("Set-up")
        for role, schools in (("admin", []), ("school_viewer", [school])):
            users.create_user(
                workspace, operator, display_name=f"{role} person", email=f"{role}@example.org",
                role=role, password="a long fictional password", school_ids=schools,
            )  # fmt: skip
    finally:
        workspace.close()
    return url


def _downloads(url: str) -> list:
    workspace = Workspace.open(url)
    try:
        trail = workspace.reads.list_trail(sample_audit_id())
    finally:
        workspace.close()
    return [event for event in trail if event.operation == "download"]


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["--format", "json"], "JSON backup"),
        (["--format", "xlsx", "--edition", "leadership"], "Excel workbook, leadership edition"),
        (["--format", "xlsx", "--edition", "governors"], "Excel workbook, governors edition"),
    ],
)
def test_the_operator_exports_every_edition_once_accounts_exist(accounts_db, tmp_path, args, what):
    out = tmp_path / "walk.out"
    command = ["export", sample_audit_id(), *args, "-o", str(out), "--db", accounts_db]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    (event,) = _downloads(accounts_db)
    assert event.changes["download"] == what
    assert event.actor == "cli"  # the operator, as the trail names the command line


def test_the_backup_holds_the_whole_audit(accounts_db, tmp_path):
    """The operator's backup is the full record (notes kept), unlike a viewer's edition."""
    out = tmp_path / "walk.json"
    command = ["export", sample_audit_id(), "--format", "json", "-o", str(out), "--db", accounts_db]
    assert CliRunner().invoke(main, command, catch_exceptions=False).exit_code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert any(finding.get("notes") for finding in document["findings"])
