"""`python -m datawalk user …` and `school …`: the first admin, accounts, scopes and merges from
the server's shell; the command line keeps working once accounts exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from datawalk.accounts import passwords, users
from datawalk.cli import ExitStatus, main
from datawalk.services import Workspace

PASSWORD = "a long pass phrase"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _add(db_url: str, email: str, role: str, *extra: str) -> Result:
    return _run(
        "user", "add", "--name", email.split("@")[0].title(), "--email", email, "--role", role,
        *extra, "--db", db_url, input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip


def _school_ids(db_url: str) -> dict[str, str]:
    listed = _run("school", "list", "--db", db_url).stdout.splitlines()
    return {line.split("  ")[1]: line.split("  ")[0] for line in listed}


def test_the_first_admin_gets_a_hashed_password_and_an_authenticator_uri(db_url):
    result = _add(db_url, "ann@example.org", "admin")
    assert result.exit_code == 0, result.output
    uri, user_id = result.stdout.strip().splitlines()
    assert uri.startswith("otpauth://totp/DataWalk:ann%40example.org?secret=")
    assert PASSWORD not in result.output
    workspace = Workspace.open(db_url)
    try:
        row = workspace._store.get_user_row(user_id)
        assert passwords.verify_password(PASSWORD, row["password_hash"])
        assert users.has_users(workspace)
    finally:
        workspace.close()


def test_the_first_account_must_be_an_admin(db_url):
    result = _add(db_url, "cy@example.org", "consultant")
    assert result.exit_code != 0 and "first account must be an admin" in result.stderr
    assert "no accounts yet" in _run("user", "list", "--db", db_url).stderr


def test_accounts_are_listed_disabled_and_scoped_to_schools(db_url):
    _run("sample", "--db", db_url)
    _add(db_url, "ann@example.org", "admin")
    school = _school_ids(db_url)["Hollybrook Primary School (fictional)"]
    added = _add(db_url, "lee@example.org", "school_lead", "--school", school)
    assert added.exit_code == 0 and "otpauth" not in added.stdout  # no TOTP by default
    listed = _run("user", "list", "--db", db_url).stdout
    assert "lee@example.org  Lee  school_lead  active  no TOTP  schools: Hollybrook" in listed
    assert "ann@example.org  Ann  admin  active  TOTP  schools: all schools" in listed
    assert _run("user", "disable", "lee@example.org", "--db", db_url).exit_code == 0
    assert "school_lead  disabled" in _run("user", "list", "--db", db_url).stdout
    assert _run("user", "assign", "lee@example.org", "--db", db_url).exit_code == 0
    assert "schools: none" in _run("user", "list", "--db", db_url).stdout
    unknown = _run("user", "disable", "nobody@example.org", "--db", db_url)
    assert unknown.exit_code == ExitStatus.NOT_FOUND


def test_schools_are_added_listed_and_merged(db_url):
    _run("sample", "--db", db_url)
    added = _run("school", "add", "Holybrook Primary", "--phase", "primary", "--urn", "100001",
                 "--db", db_url)  # fmt: skip
    assert added.exit_code == 0
    ids = _school_ids(db_url)
    keep = ids["Hollybrook Primary School (fictional)"]
    merged = _run("school", "merge", keep, ids["Holybrook Primary"], "--db", db_url)
    assert merged.exit_code == 0 and "0 audit(s) moved" in merged.stderr
    assert list(_school_ids(db_url)) == ["Hollybrook Primary School (fictional)"]
    assert "1 audit(s)" in _run("school", "list", "--db", db_url).stdout


def test_the_command_line_still_exports_once_accounts_exist(db_url, tmp_path):
    audit_id = _run("sample", "--db", db_url).stdout.strip()
    _add(db_url, "ann@example.org", "admin")
    out = tmp_path / "backup.json"
    result = _run("export", audit_id, "-o", str(out), "--db", db_url)
    assert result.exit_code == 0 and out.stat().st_size > 0
