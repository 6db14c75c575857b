"""`python -m datawalk`: every command through click's CliRunner, checking exit codes and output,
and that a refused import leaves the database exactly as it was."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, inspect, select, table

import benchmarks as bench_registry
from datawalk.access import verify_password
from datawalk.cli import ExitStatus, exit_status_for, main, one_line
from datawalk.errors import (
    ChecklistError,
    ConflictError,
    DataWalkError,
    InterchangeError,
    NotFoundError,
    ValidationError,
)
from datawalk.interchange import parse_document
from datawalk.samples import SAMPLE_PATH, sample_audit_id
from datawalk.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOOD_CHECKLIST = ROOT / "checklists" / "uk-schools.yaml"
BAD_CHECKLIST = ROOT / "tests" / "data" / "checklists" / "bad_syntax.yaml"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite file of the test's own, passed to commands with --db."""
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def loaded_db(db_url: str) -> str:
    """A database holding the sample walk, loaded through the CLI."""
    assert _run("sample", "--db", db_url).exit_code == 0
    return db_url


def _run(*args: str, input: str | None = None) -> Result:
    # catch_exceptions=False: anything but a DataWalkError is a bug and must fail the test loudly.
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _assert_one_line_error(result: Result, status: ExitStatus) -> str:
    assert result.exit_code == status, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def _snapshot(db_url: str) -> tuple[list, dict[str, int]]:
    """The audits and every table's row count: what "unchanged" means for a refused import."""
    store = Store.open(db_url)
    try:
        names = inspect(store.engine).get_table_names()
        with store.engine.connect() as connection:
            counts = {
                name: connection.execute(select(func.count()).select_from(table(name))).scalar()
                for name in names
            }
        return store.list_audits(), counts
    finally:
        store.close()


def _commands(group: click.Group = main, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


# --- help and documentation ---------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_every_command_has_help_and_every_option_explains_itself(name: str) -> None:
    command = dict(_commands())[name]
    assert command.help and command.help.strip()
    for parameter in command.params:
        if isinstance(parameter, click.Option) and parameter.name != "help":
            assert parameter.help, f"{name} --{parameter.name} has no help"
    result = _run(*name.split(), "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _ in _commands() if f"python -m datawalk {name}" not in readme]
    assert missing == []


def test_the_module_runs_as_python_dash_m(monkeypatch) -> None:
    import runpy

    monkeypatch.setattr("sys.argv", ["python -m datawalk", "--version"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("datawalk", run_name="__main__")
    assert exited.value.code == 0


# --- error translation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFoundError("gone"), ExitStatus.NOT_FOUND),
        (ConflictError("clash"), ExitStatus.CONFLICT),
        (InterchangeError("bad"), ExitStatus.INVALID_INPUT),
        (ChecklistError(["a.yaml:1: bad"]), ExitStatus.INVALID_INPUT),
        (ValidationError("bad", field="notes"), ExitStatus.INVALID_INPUT),
        (DataWalkError("other"), ExitStatus.ERROR),
    ],
)
def test_each_kind_of_error_has_its_exit_status(error: DataWalkError, status: ExitStatus) -> None:
    assert exit_status_for(error) == status


def test_a_multi_line_message_becomes_one_line() -> None:
    error = ChecklistError(["a.yaml:1: first", "a.yaml:9: second", "a.yaml:12: third"])
    assert one_line(error) == "a.yaml:1: first (and 2 more)"


# --- sample and list ----------------------------------------------------------------------


def test_sample_twice_leaves_one_copy(db_url: str) -> None:
    first = _run("sample", "--db", db_url)
    second = _run("sample", "--db", db_url)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout.strip() == second.stdout.strip() == sample_audit_id()
    assert "loaded" in first.stderr and "already loaded" in second.stderr
    audits, _ = _snapshot(db_url)
    assert [audit.id for audit in audits] == [sample_audit_id()]


def test_list_of_an_empty_database_says_how_to_start(db_url: str) -> None:
    result = _run("list", "--db", db_url)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "python -m datawalk sample" in result.stderr
    assert json.loads(_run("list", "--db", db_url, "--json").stdout) == []


def test_list_shows_id_school_site_date_and_findings(loaded_db: str) -> None:
    sample = parse_document(SAMPLE_PATH.read_bytes(), rescore=False)
    table_lines = _run("list", "--db", loaded_db).stdout.splitlines()
    assert table_lines[0].split() == ["id", "school", "site", "date", "findings"]
    row = table_lines[1]
    for value in (sample.audit.id, sample.audit.school.name, sample.audit.site.name):
        assert value in row
    assert row.split()[-2:] == [sample.audit.walk_at.date().isoformat(), str(len(sample.findings))]
    [entry] = json.loads(_run("list", "--db", loaded_db, "--json").stdout)
    assert entry["id"] == sample.audit.id
    assert entry["findings"] == len(sample.findings)
    assert entry["date"] == sample.audit.walk_at.date().isoformat()


def test_the_default_database_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATAWALK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert _run("sample").exit_code == 0
    assert (tmp_path / "env.db").exists()


# --- export -------------------------------------------------------------------------------


def test_export_writes_a_backup_that_parses_to_the_stored_audit(loaded_db: str, tmp_path) -> None:
    # As stored when the backup was taken: the export itself then goes in the audit's trail.
    store = Store.open(loaded_db)
    try:
        stored = store.export_document(sample_audit_id())
    finally:
        store.close()
    path = tmp_path / "backup.json"
    result = _run("export", sample_audit_id(), "-o", str(path), "--db", loaded_db)
    assert result.exit_code == 0 and result.stdout == ""
    assert f"wrote {path}" in result.stderr
    document = parse_document(path.read_bytes())
    assert document.model_copy(update={"scores": []}) == stored
    assert len(document.scores) == len(document.findings)


def test_a_backup_is_private_to_its_owner(loaded_db: str, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    assert _run("export", sample_audit_id(), "-o", str(path), "--db", loaded_db).exit_code == 0
    assert path.stat().st_mode & 0o077 == 0


def test_an_unwritable_target_is_one_line(loaded_db: str, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "backup.json"
    result = _run("export", sample_audit_id(), "-o", str(target), "--db", loaded_db)
    assert "cannot write" in _assert_one_line_error(result, ExitStatus.INVALID_INPUT)


def test_a_failed_write_leaves_no_half_backup(loaded_db: str, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("datawalk.cli.transfer.os.replace", disk_full)
    result = _run("export", sample_audit_id(), "-o", str(out / "b.json"), "--db", loaded_db)
    assert "No space left" in _assert_one_line_error(result, ExitStatus.INVALID_INPUT)
    assert list(out.iterdir()) == []


def test_export_to_stdout(loaded_db: str) -> None:
    result = _run("export", sample_audit_id(), "-o", "-", "--db", loaded_db)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["audit"]["id"] == sample_audit_id()


def test_export_of_an_unknown_audit_is_one_line(loaded_db: str, tmp_path: Path) -> None:
    path = tmp_path / "nothing.json"
    result = _run("export", "no-such-audit", "-o", str(path), "--db", loaded_db)
    assert "no-such-audit" in _assert_one_line_error(result, ExitStatus.NOT_FOUND)
    assert not path.exists()


def test_export_format_must_be_known(loaded_db: str, tmp_path: Path) -> None:
    result = _run("export", sample_audit_id(), "--format", "csv", "-o", str(tmp_path / "x"))
    assert result.exit_code == ExitStatus.USAGE


def test_export_xlsx_writes_a_workbook(loaded_db: str, tmp_path: Path) -> None:
    path = tmp_path / "walk.xlsx"
    args = ["export", sample_audit_id(), "--format", "xlsx", "-o", str(path), "--db", loaded_db]
    assert _run(*args, "--edition", "governors").exit_code == 0
    with zipfile.ZipFile(path) as archive:
        assert "xl/workbook.xml" in archive.namelist()
    refused = _run(*args[:-4], "-o", "-", "--db", loaded_db)
    assert "cannot go to stdout" in _assert_one_line_error(refused, ExitStatus.INVALID_INPUT)


def test_export_xlsx_gives_every_finding_that_needs_one_an_action(
    loaded_db: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from datawalk.checklist import checklist_from_pin
    from datawalk.scoring import score_findings, walk_date

    path = tmp_path / "walk.xlsx"
    args = ["export", sample_audit_id(), "--format", "xlsx", "-o", str(path), "--db", loaded_db]
    assert _run(*args).exit_code == 0

    store = Store.open(loaded_db)
    audit = store.get_audit(sample_audit_id())
    findings = store.list_findings(audit.id)
    scored = score_findings(findings, checklist_from_pin(audit.checklist), today=walk_date(audit))
    store.close()
    needing = {
        finding.reference
        for finding, score in zip(findings, scored, strict=True)
        if score.classification != "proportionate" and not finding.good_practice
    }
    sheet = load_workbook(path, read_only=True)["Action plan"]
    text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    assert needing and all(reference in text for reference in needing)


# --- import -------------------------------------------------------------------------------


def _backup(loaded_db: str, tmp_path: Path) -> Path:
    path = tmp_path / "backup.json"
    assert _run("export", sample_audit_id(), "-o", str(path), "--db", loaded_db).exit_code == 0
    return path


def test_import_restores_a_backup_that_exports_identically(loaded_db: str, tmp_path: Path) -> None:
    backup = _backup(loaded_db, tmp_path)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = _run("import", str(backup), "--db", fresh)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == sample_audit_id()
    again = tmp_path / "again.json"
    assert _run("export", sample_audit_id(), "-o", str(again), "--db", fresh).exit_code == 0
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (backup, again))
    history = ("trail", "imported_trail")
    assert {k: v for k, v in second.items() if k not in history} == {
        k: v for k, v in first.items() if k not in history
    }
    # The backup's own trail is now imported history, marked with the backup's SHA-256.
    digest = hashlib.sha256(backup.read_bytes()).hexdigest()
    assert second["imported_trail"][: len(first["imported_trail"])] == first["imported_trail"]
    arrived = second["imported_trail"][len(first["imported_trail"]) :]
    assert [item["event"] for item in arrived] == first["trail"]
    assert {(i["source_sha256"], i["imported_by"]) for i in arrived} <= {(digest, "cli")}
    (restore,) = second["trail"]
    assert restore["actor"] == "cli"
    assert restore["changes"]["restored_from_backup"]["new"]["sha256"] == digest


def _forged_backup(loaded_db: str, tmp_path: Path, **changes: object) -> Path:
    """The sample's backup under a new audit id, with a forged event in its trail."""
    raw = json.loads(_backup(loaded_db, tmp_path).read_text(encoding="utf-8"))
    raw["trail"].append(
        {
            "id": "event-forged-0001",
            "audit_id": raw["audit"]["id"],
            "at": "2019-01-01T03:00:00Z",
            "actor": "Head Teacher (made up)",
            "entity": "audit",
            "entity_id": raw["audit"]["id"],
            "operation": "delete",
            "changes": changes,
        }
    )
    return _write(tmp_path / "forged.json", json.dumps(raw))


def test_a_forged_trail_event_is_imported_history_never_local(
    loaded_db: str, tmp_path: Path
) -> None:
    path = _forged_backup(loaded_db, tmp_path)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert _run("import", str(path), "--db", fresh).exit_code == 0
    store = Store.open(fresh)
    try:
        local = store.list_trail(sample_audit_id())
        imported = store.list_imported_trail(sample_audit_id())
    finally:
        store.close()
    assert [event.actor for event in local] == ["cli"]
    (forged,) = [item for item in imported if item.event.id == "event-forged-0001"]
    assert forged.event.actor == "Head Teacher (made up)"
    assert forged.event.at.year == 2019
    assert forged.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert forged.imported_by == "cli"


def test_a_20_mb_trail_string_is_refused_with_one_line_and_nothing_changes(
    loaded_db: str, tmp_path: Path
) -> None:
    path = _forged_backup(loaded_db, tmp_path, notes={"new": "x" * 20_000_000})
    target = f"sqlite:///{tmp_path / 'target.db'}"
    before = _snapshot(target)
    result = _run("import", str(path), "--db", target)
    message = _assert_one_line_error(result, ExitStatus.INVALID_INPUT)
    assert "event 'event-forged-0001'" in message and "20,000,000 characters" in message
    assert result.stdout == ""
    assert _snapshot(target) == before


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _bad_files(tmp_path: Path, backup: Path) -> dict[str, tuple[Path, str]]:
    text = backup.read_text(encoding="utf-8")
    raw = json.loads(text)
    raw["findings"][0]["location_id"] = "nowhere-at-all"
    return {
        "clash": (backup, "already in the database"),
        "truncated": (_write(tmp_path / "cut.json", text[: len(text) // 2]), "truncated"),
        "not json": (_write(tmp_path / "notes.json", "Dear head teacher,\n"), "not valid JSON"),
        "binary": (_write(tmp_path / "photo.json", b"\x89PNG\r\n\x1a\n\x00\xff"), "not UTF-8"),
        "hostile": (_write(tmp_path / "deep.json", "[" * 200_000), "nested deeper"),
        "huge": (_write(tmp_path / "huge.json", " " * 1_100_000 + text), "over the"),
        "other format": (_write(tmp_path / "o.json", '{"format": "x"}'), "not a DataWalk"),
        "broken links": (_write(tmp_path / "links.json", json.dumps(raw)), "is not a location"),
        "suffix": (_write(tmp_path / "backup.xlsm", b"PK\x03\x04"), "cannot import .xlsm"),
        "no suffix": (_write(tmp_path / "backup", text), "files without a suffix"),
        "missing": (tmp_path / "absent.json", "no such file"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "clash",
        "truncated",
        "not json",
        "binary",
        "hostile",
        "huge",
        "other format",
        "broken links",
        "suffix",
        "no suffix",
        "missing",
    ],
)
def test_a_refused_import_is_one_line_and_changes_nothing(
    case: str, loaded_db: str, tmp_path: Path
) -> None:
    path, expected = _bad_files(tmp_path, _backup(loaded_db, tmp_path))[case]
    before = _snapshot(loaded_db)
    result = _run("import", str(path), "--db", loaded_db, "--max-mb", "1")
    status = ExitStatus.CONFLICT if case == "clash" else ExitStatus.INVALID_INPUT
    assert expected in _assert_one_line_error(result, status)
    assert result.stdout == ""
    assert _snapshot(loaded_db) == before


def test_an_unedited_workbook_imports_as_no_change(loaded_db: str, tmp_path: Path) -> None:
    path = tmp_path / "walk.xlsx"
    export = ["export", sample_audit_id(), "--format", "xlsx", "-o", str(path), "--db", loaded_db]
    assert _run(*export).exit_code == 0
    before = _snapshot(loaded_db)
    result = _run("import", str(path), "--db", loaded_db)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == sample_audit_id()
    assert re.search(r"\b0 action field\(s\) changed", result.stderr)
    assert _snapshot(loaded_db) == before


# --- checklist validate, schema, score ----------------------------------------------------


def test_checklist_validate_passes_a_good_file() -> None:
    result = _run("checklist", "validate", str(GOOD_CHECKLIST))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ok: {GOOD_CHECKLIST}"


def test_checklist_validate_prints_file_line_message_and_fails() -> None:
    result = _run("checklist", "validate", str(GOOD_CHECKLIST), str(BAD_CHECKLIST))
    assert result.exit_code == ExitStatus.INVALID_INPUT
    lines = result.stdout.strip().splitlines()
    assert lines[0] == f"ok: {GOOD_CHECKLIST}"
    assert lines[1:] and all(
        re.match(rf"{re.escape(str(BAD_CHECKLIST))}:\d+: ", x) for x in lines[1:]
    )


def test_checklist_validate_needs_a_path() -> None:
    assert _run("checklist", "validate").exit_code == ExitStatus.USAGE


def test_schema_prints_a_json_schema_that_the_sample_satisfies() -> None:
    result = _run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(SAMPLE_PATH.read_text(encoding="utf-8")), schema)
    assert schema["title"] == "AuditDocument"


def test_score_prints_every_findings_scores_without_a_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATAWALK_DATABASE_URL", f"sqlite:///{tmp_path / 'untouched.db'}")
    result = _run("score", str(SAMPLE_PATH))
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    sample = parse_document(SAMPLE_PATH.read_bytes(), rescore=False)
    assert [score["finding_id"] for score in scores] == [f.id for f in sample.findings]
    for score in scores:
        assert score["reasons"] and "classification" in score
        assert score["recommendations"] or score["commendation"]
    assert list(tmp_path.iterdir()) == []


def test_score_of_a_bad_file_is_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.json", '{"format": "datawalk-audit", "schema_version": 1}')
    assert "bad.json" in _assert_one_line_error(_run("score", str(path)), ExitStatus.INVALID_INPUT)


# --- bench and hash-password --------------------------------------------------------------


def test_bench_prints_each_registered_benchmark(monkeypatch) -> None:
    def fake_run_all(only=None, quick=False, db_url=None):
        yield "scoring", {"score_100k_median_ms": 123.456, "rows": 100000}
        yield "walk", {"walk_save": {"median_ms": 40.0}}

    monkeypatch.setattr(bench_registry, "run_all", fake_run_all)
    result = _run("bench")
    assert result.exit_code == 0
    assert "scoring:\n  score_100k_median_ms: 123.46\n  rows: 100000" in result.stdout
    assert "walk:\n  walk_save: {'median_ms': 40.0}" in result.stdout
    as_json = json.loads(_run("bench", "--json").stdout)
    assert as_json == {
        "scoring": {"score_100k_median_ms": 123.456, "rows": 100000},
        "walk": {"walk_save": {"median_ms": 40.0}},
    }


def test_bench_passes_only_and_quick_through(monkeypatch) -> None:
    asked: list = []

    def fake_run_all(only=None, quick=False, db_url=None):
        asked.append((only, quick, db_url))
        return iter(())

    monkeypatch.setattr(bench_registry, "run_all", fake_run_all)
    assert _run("bench", "--only", "scoring", "--only", "workbook").exit_code == 0
    assert _run("bench", "--quick").exit_code == 0
    assert _run("bench", "--db", "sqlite:///bench.db").exit_code == 0
    assert asked == [
        (["scoring", "workbook"], False, None),
        (None, True, None),
        (None, False, "sqlite:///bench.db"),
    ]


def test_bench_refuses_an_unknown_benchmark_before_running_any(monkeypatch) -> None:
    def fake_run_all(only=None, quick=False, db_url=None):
        raise AssertionError("nothing runs when a name is wrong")

    monkeypatch.setattr(bench_registry, "run_all", fake_run_all)
    result = _run("bench", "--only", "scoring", "--only", "speling")
    assert result.exit_code == 2
    assert "speling" in result.output
    assert ", ".join(bench_registry.BENCHMARKS) in result.output


def test_hash_password_prints_a_verifiable_hash_and_never_the_password() -> None:
    password = "correct horse battery"
    result = _run("hash-password", input=f"{password}\n{password}\n")
    assert result.exit_code == 0
    stored = result.stdout.strip()
    assert password not in result.stdout
    assert verify_password(password, stored)


def test_hash_password_refuses_a_short_password() -> None:
    result = _run("hash-password", input="short\nshort\n")
    assert result.exit_code == ExitStatus.INVALID_INPUT
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("error: The app password needs at least")


@pytest.mark.parametrize("edition", ["leadership", "governors"])
def test_export_pdf_writes_a_private_tagged_report(
    loaded_db: str, tmp_path: Path, monkeypatch, edition: str
) -> None:
    monkeypatch.setenv("DATAWALK_PROTECTIVE_MARKING", "OFFICIAL [TRUST SCHEME]")
    path = tmp_path / "report.pdf"
    args = ["export", sample_audit_id(), "--format", "pdf", "-o", str(path), "--db", loaded_db]
    assert _run(*args, "--edition", edition).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"/StructTreeRoot" in data
    assert path.stat().st_mode & 0o777 == 0o600
    import pdfplumber

    with pdfplumber.open(path) as opened:
        last_lines = [page.extract_text_lines()[-1]["text"] for page in opened.pages]
    assert all("OFFICIAL [TRUST SCHEME]" in line for line in last_lines)
    refused = _run(*args[:-4], "-o", "-", "--db", loaded_db)
    assert "cannot go to stdout" in _assert_one_line_error(refused, ExitStatus.INVALID_INPUT)


def test_export_xlsx_prints_the_configured_marking(
    loaded_db: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DATAWALK_PROTECTIVE_MARKING", "OFFICIAL [TRUST SCHEME]")
    path = tmp_path / "walk.xlsx"
    args = ["export", sample_audit_id(), "--format", "xlsx", "-o", str(path), "--db", loaded_db]
    assert _run(*args).exit_code == 0
    import openpyxl

    book = openpyxl.load_workbook(path)
    assert all(
        "OFFICIAL [TRUST SCHEME]" in sheet.oddFooter.center.text
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
    )
