"""The smaller commands: the sample walk, listing audits, checklists, the document schema,
scoring a document, benchmarks and the app password hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from datawalk.access import hash_password as make_hash
from datawalk.checklist import validate_files
from datawalk.cli.app import ACTOR, ExitStatus, db_option, main, open_workspace
from datawalk.interchange import document_json_schema, read_document
from datawalk.samples import sample_audit_id
from datawalk.services import Actor, imports


@main.command()
@db_option
def sample(db_url: str | None) -> None:
    """Load the fictional sample walk.

    Loads Hollybrook Primary School (fictional) with its floor plans; running it twice leaves
    one copy. Prints the audit id.
    """
    with open_workspace(db_url) as workspace:
        existed = sample_audit_id() in {s.id for s in workspace.reads.list_audits()}
        audit_id = imports.load_sample(workspace, Actor.operator(ACTOR))
    click.echo("sample walk already loaded" if existed else "sample walk loaded", err=True)
    click.echo(audit_id)


@main.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_audits(db_url: str | None, as_json: bool) -> None:
    """List the audits.

    Shows each audit's id, school, site, walk date and number of findings.
    """
    with open_workspace(db_url) as workspace:
        summaries = workspace.reads.list_audits()
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


# --- access -------------------------------------------------------------------------------


@main.command("hash-password")
def hash_password() -> None:
    """Make a value for DATAWALK_PASSWORD_HASH.

    Asks for the app password twice, hidden, and prints its hash; the password itself is never
    stored or printed.
    """
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
    help=(
        "Run only this benchmark (repeatable): walk, scoring, workbook, report, dashboard or saves."
    ),
)
@click.option(
    "--quick",
    is_flag=True,
    help="Run each benchmark on a few rows, once: checks they run; the figures mean nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="Measure saves on this database (e.g. postgresql+psycopg://…): 20 concurrent sessions; "
    "alone it runs only the database benchmarks. Its bench audits are deleted after.",
)
def bench(only: tuple[str, ...], quick: bool, as_json: bool, db_url: str | None) -> None:
    """Print speed figures (median and p95).

    A benchmark, not a test: it never fails on a slow figure. The benchmarks live in the
    top-level `benchmarks` package, imported here only, so the core never loads Streamlit.
    """
    import benchmarks

    try:
        benchmarks.check_names(only)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--only") from error
    results: dict[str, Any] = {}
    for name, figures in benchmarks.run_all(list(only) or None, quick=quick, db_url=db_url):
        results[name] = figures
        if not as_json:
            click.echo(f"{name}:")
            for key, value in figures.items():
                click.echo(f"  {key}: {_figure(value)}")
    if as_json:
        click.echo(json.dumps(results, indent=2, default=str))


def _figure(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
