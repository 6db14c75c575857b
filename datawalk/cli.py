"""`python -m datawalk`: the command line for backups, the sample walk, checklists and scoring.

Each command parses its arguments, calls the core and prints: data on stdout, diagnostics on
stderr. A `DataWalkError` becomes one `error: …` line and an `ExitStatus`, in one place
(`_Group.invoke`); any other exception is a bug and is allowed to surface.

Exporters and importers are registries keyed by format and file suffix, so the workbook (and any
later format) plugs in without another branch here.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import click

from datawalk import __version__
from datawalk.errors import (
    ChecklistError,
    ConflictError,
    DataWalkError,
    InterchangeError,
    NotFoundError,
    PrivacyError,
    ValidationError,
)
from datawalk.interchange import (
    DEFAULT_MAX_BYTES,
    attach_scores,
    document_json_schema,
    dump_document,
    read_document,
)
from datawalk.store import Store

ACTOR = "cli"


class ExitStatus(IntEnum):
    """Process exit codes, so scripts can tell a clash from a bad file."""

    SUCCESS = 0
    ERROR = 1
    USAGE = 2  # click's own code for bad arguments
    INVALID_INPUT = 3
    NOT_FOUND = 4
    CONFLICT = 5


_STATUS_BY_ERROR: tuple[tuple[type[DataWalkError], ExitStatus], ...] = (
    (NotFoundError, ExitStatus.NOT_FOUND),
    (ConflictError, ExitStatus.CONFLICT),
    (InterchangeError, ExitStatus.INVALID_INPUT),
    (ChecklistError, ExitStatus.INVALID_INPUT),
    (ValidationError, ExitStatus.INVALID_INPUT),
    (PrivacyError, ExitStatus.INVALID_INPUT),
)


def exit_status_for(error: DataWalkError) -> ExitStatus:
    """Return the exit code for an error: the first matching class, else ERROR."""
    return next(
        (status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)), ExitStatus.ERROR
    )


def one_line(error: BaseException) -> str:
    """Return an error message as a single line; extra lines are counted, not dumped."""
    lines = [line for line in str(error).splitlines() if line.strip()] or [type(error).__name__]
    extra = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return lines[0] + extra


class _Group(click.Group):
    """The one place where core errors are translated for the command line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DataWalkError as error:
            click.echo(f"error: {one_line(error)}", err=True)
            ctx.exit(int(exit_status_for(error)))


_db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="SQLAlchemy database URL; default $DATAWALK_DATABASE_URL, else sqlite:///data/datawalk.db.",
)


@contextmanager
def _open_store(db_url: str | None) -> Iterator[Store]:
    store = Store.open(db_url)
    try:
        yield store
    finally:
        store.close()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, message="datawalk %(version)s")
def main() -> None:
    """DataWalk: a two-sided data-protection walk of a school, from the command line."""


# --- sample and list ----------------------------------------------------------------------


@main.command()
@_db_option
def sample(db_url: str | None) -> None:
    """Load the fictional sample walk.

    Loads Hollybrook Primary School (fictional) with its floor plans; running it twice leaves
    one copy. Prints the audit id.
    """
    from datawalk.samples import load_sample, sample_audit_id

    with _open_store(db_url) as store:
        existed = sample_audit_id() in {summary.id for summary in store.list_audits()}
        audit_id = load_sample(store, actor=ACTOR)
    click.echo("sample walk already loaded" if existed else "sample walk loaded", err=True)
    click.echo(audit_id)


@main.command("list")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_audits(db_url: str | None, as_json: bool) -> None:
    """List the audits.

    Shows each audit's id, school, site, walk date and number of findings.
    """
    with _open_store(db_url) as store:
        summaries = store.list_audits()
    rows = [
        {
            "id": summary.id,
            "school": summary.school_name,
            "site": summary.site_name,
            "date": summary.walk_at.date().isoformat(),
            "findings": summary.finding_count,
            "status": str(summary.status),
        }
        for summary in summaries
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        click.echo("no audits yet; `python -m datawalk sample` loads a fictional one", err=True)
    else:
        click.echo(_table(rows, ["id", "school", "site", "date", "findings"]))


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    widths = {name: max(len(name), *(len(str(row[name])) for row in rows)) for name in columns}
    lines = ["  ".join(name.ljust(widths[name]) for name in columns)]
    lines += ["  ".join(str(row[name]).ljust(widths[name]) for name in columns) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRequest:
    store: Store
    audit_id: str
    output: Path
    edition: str


def _export_json(request: ExportRequest) -> None:
    document = attach_scores(request.store.export_document(request.audit_id))
    text = dump_document(document)
    if str(request.output) == "-":
        click.echo(text, nl=False)
    else:
        _write_atomically(request.output, text.encode("utf-8"))


def _export_xlsx(request: ExportRequest) -> None:
    from datawalk.workbook import write_workbook  # XlsxWriter is loaded only for workbooks

    if str(request.output) == "-":
        raise InterchangeError("a workbook cannot go to stdout; give a file with -o PATH")
    document = attach_scores(request.store.export_document(request.audit_id))
    _write_atomically(request.output, write_workbook(document, edition=request.edition))


EXPORTERS: dict[str, Callable[[ExportRequest], None]] = {
    "json": _export_json,
    "xlsx": _export_xlsx,
}


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a failed export never leaves half a backup.

    The file is readable by its owner only (mkstemp's mode): a backup holds notes about pupils.
    """
    path = path.expanduser()
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise InterchangeError(f"cannot write {path}: {error.strerror or error}") from None


@main.command()
@click.argument("audit_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORTERS)),
    default="json",
    show_default=True,
    help="json: lossless backup that `import` restores; xlsx: the leadership workbook.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path, allow_dash=True),
    required=True,
    help="File to write ('-' writes JSON to stdout).",
)
@click.option(
    "--edition",
    type=click.Choice(["leadership", "governors"]),
    default="leadership",
    show_default=True,
    help="Workbook edition (xlsx only); the governors edition leaves out photos and notes.",
)
@_db_option
def export(audit_id: str, fmt: str, output: Path, edition: str, db_url: str | None) -> None:
    """Export one audit as a backup or a workbook.

    JSON is a lossless backup that `import` restores; xlsx is the leadership workbook.
    """
    with _open_store(db_url) as store:
        EXPORTERS[fmt](ExportRequest(store, audit_id, output, edition))
    if str(output) != "-":
        click.echo(f"wrote {output}", err=True)


# --- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRequest:
    store: Store
    path: Path
    max_bytes: int


def _import_json(request: ImportRequest) -> str:
    document = read_document(request.path, max_bytes=request.max_bytes)
    return request.store.import_document(document, ACTOR).id


def _import_xlsx(request: ImportRequest) -> str:
    """Apply leadership's edits to the action plan (owners, dates, statuses, acceptance)."""
    from datawalk.workbook import import_action_updates
    from datawalk.workbook.safety import DEFAULT_LIMITS

    data = _read_bounded(request.path, min(request.max_bytes, DEFAULT_LIMITS.max_bytes))
    changes = import_action_updates(data, request.store, ACTOR, filename=request.path.name)
    click.echo(
        f"{len(changes.changes)} action field(s) changed from {changes.rows_read} row(s)", err=True
    )
    return changes.audit_id


IMPORTERS: dict[str, Callable[[ImportRequest], str]] = {
    ".json": _import_json,
    ".xlsx": _import_xlsx,
}


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    """Return the file's bytes, refusing it by its size before reading any of it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InterchangeError(f"{path.name} is {size:,} bytes, over the {max_bytes:,} limit")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise InterchangeError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InterchangeError(f"{path.name} grew past the {max_bytes:,} byte limit while read")
    return data


@main.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_BYTES / 1_000_000,
    show_default=True,
    help="Refuse files larger than this many megabytes, before reading them.",
)
@_db_option
def import_(path: Path, max_mb: float, db_url: str | None) -> None:
    """Restore a backup or apply an edited workbook.

    A .json file is a backup made by `export`; a .xlsx file is an exported workbook whose action
    plan leadership edited. A clash with an existing audit, or a bad, truncated, hostile or huge
    file, is refused with one line and changes nothing. Prints the audit id.
    """
    handler = IMPORTERS.get(path.suffix.lower())
    if handler is None:
        kind = f"{path.suffix} files" if path.suffix else "files without a suffix"
        known = ", ".join(sorted(IMPORTERS))
        raise InterchangeError(f"{path.name}: cannot import {kind}; expected {known}")
    if not path.is_file():
        raise InterchangeError(f"{path}: no such file")
    with _open_store(db_url) as store:
        audit_id = handler(ImportRequest(store, path, int(max_mb * 1_000_000)))
    click.echo(f"imported {path.name}", err=True)
    click.echo(audit_id)


# --- access -------------------------------------------------------------------------------


@main.command("hash-password")
def hash_password() -> None:
    """Make a value for DATAWALK_PASSWORD_HASH.

    Asks for the app password twice, hidden, and prints its hash; the password itself is never
    stored or printed.
    """
    from datawalk.access import hash_password as make_hash

    password = click.prompt(
        "App password", hide_input=True, confirmation_prompt=True, err=True, type=str
    )
    click.echo(make_hash(password))


# --- checklists, schema, score, bench ------------------------------------------------------


@main.group(cls=click.Group)
def checklist() -> None:
    """Work with checklist files.

    Checklists are the YAML files in checklists/: vocabularies, weights, grids and rules.
    """


@checklist.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def checklist_validate(paths: tuple[Path, ...]) -> None:
    """Check checklist files.

    Prints `file:line: message` for every problem and `ok: PATH` for each valid file; exits
    non-zero if any file has a problem.
    """
    from datawalk.checklist import validate_files

    failed = False
    for path in paths:
        problems = validate_files([path])
        for problem in problems:
            click.echo(problem)
        if problems:
            failed = True
        else:
            click.echo(f"ok: {path}")
    if failed:
        raise click.exceptions.Exit(int(ExitStatus.INVALID_INPUT))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the audit document.

    The audit document is the format of backups and of sample_data/.
    """
    click.echo(json.dumps(document_json_schema(), indent=2, ensure_ascii=False))


@main.command()
@click.argument("document_path", metavar="AUDIT.json", type=click.Path(path_type=Path))
def score(document_path: Path) -> None:
    """Score an audit document without a database.

    Prints each finding's scores, reasons and recommendations as a JSON list, scored with the
    checklist the audit pinned, as of its walk date.
    """
    document = read_document(document_path)
    click.echo(json.dumps(document.scores, indent=2, ensure_ascii=False))


@main.command()
@click.option(
    "--only",
    multiple=True,
    metavar="NAME",
    help="Run only this benchmark (repeatable): walk, scoring, workbook or dashboard.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def bench(only: tuple[str, ...], as_json: bool) -> None:
    """Print speed figures (median and p95).

    Runs every benchmark installed; a benchmark, not a test: it never fails on a slow figure.
    """
    from datawalk.bench import run_all

    results: dict[str, Any] = {}
    for name, figures in run_all(list(only) or None):
        results[name] = figures
        if figures is None:
            click.echo(f"{name}: not available yet", err=True)
        elif not as_json:
            click.echo(f"{name}:")
            for key, value in figures.items():
                click.echo(f"  {key}: {_figure(value)}")
    if as_json:
        available = {name: figures for name, figures in results.items() if figures is not None}
        click.echo(json.dumps(available, indent=2, default=str))


def _figure(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
