"""`export` and `import`: whole audits as JSON backups, and the leadership workbook.

Both are registries (`EXPORTERS` by format, `IMPORTERS` by file suffix): adding a format is one
function and one entry. Files are size-checked before they are read and written atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from datawalk.cli.app import ACTOR, db_option, main, open_workspace
from datawalk.collector import few_full_collections
from datawalk.errors import InterchangeError
from datawalk.interchange import DEFAULT_MAX_BYTES, attach_scores, dump_document, read_backup
from datawalk.privacy.document_text import FlaggedText
from datawalk.services import Actor, Workspace, exports, imports
from datawalk.services.imports import IdentifierChoices

if TYPE_CHECKING:
    from datawalk.models import AuditDocument
    from datawalk.vocabulary import Checklist


@dataclass(frozen=True)
class ExportRequest:
    workspace: Workspace
    audit_id: str
    output: Path
    edition: str


def _export_json(request: ExportRequest) -> None:
    document = attach_scores(request.workspace.reads.export_document(request.audit_id))
    text = dump_document(document)
    if str(request.output) == "-":
        click.echo(text, nl=False)
    else:
        _write_atomically(request.output, text.encode("utf-8"))


def _export_xlsx(request: ExportRequest) -> None:
    with few_full_collections():
        _export_xlsx_paced(request)


def _export_xlsx_paced(request: ExportRequest) -> None:
    from datawalk.actions import table_scores
    from datawalk.services.actions import ScoredAudit, keep_plan_in_step
    from datawalk.settings import Settings
    from datawalk.workbook.data import document_table
    from datawalk.workbook.downloads import build_workbook  # XlsxWriter loads for workbooks only

    if str(request.output) == "-":
        raise InterchangeError("a workbook cannot go to stdout; give a file with -o PATH")
    # Read once and score once: the one scored table serves the plan's sync and every sheet.
    reads = request.workspace.reads
    document = reads.export_document(request.audit_id, with_trail=False)
    table = document_table(document)
    # As on the Export page: every finding that needs an action has one before the plan is written.
    scores = table_scores(table, _checklist(document))
    scored = ScoredAudit(document.audit.version, document.findings, scores, document.actions)
    stepped = keep_plan_in_step(request.workspace, Actor.operator(ACTOR), request.audit_id, scored)
    if stepped.created or stepped.closed:
        document = document.model_copy(update={"actions": reads.list_actions(request.audit_id)})
    marking = Settings.from_environment().protective_marking
    content = build_workbook(
        reads,
        request.audit_id,
        request.edition,
        marking,
        document=document,
        table=table,
    )
    _write_atomically(request.output, content)


def _checklist(document: AuditDocument) -> Checklist:
    from datawalk.checklist import checklist_from_pin

    return checklist_from_pin(document.audit.checklist)


def _export_pdf(request: ExportRequest) -> None:
    """The designed report (leadership or governors edition), typeset with Typst."""
    from datawalk.report import write_report
    from datawalk.services.actions import sync_default_actions
    from datawalk.settings import Settings

    if str(request.output) == "-":
        raise InterchangeError("a report cannot go to stdout; give a file with -o PATH")
    sync_default_actions(request.workspace, Actor.operator(ACTOR), request.audit_id)
    document = request.workspace.reads.export_document(request.audit_id, with_trail=False)
    marking = Settings.from_environment().protective_marking
    _write_atomically(
        request.output, write_report(document, edition=request.edition, marking=marking)
    )


EXPORTERS: dict[str, Callable[[ExportRequest], None]] = {
    "json": _export_json,
    "xlsx": _export_xlsx,
    "pdf": _export_pdf,
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
    help="json: lossless backup that `import` restores; xlsx: the workbook; pdf: the report.",
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
    help="Workbook or report edition (xlsx, pdf); governors get no photos and no notes.",
)
@db_option
def export(audit_id: str, fmt: str, output: Path, edition: str, db_url: str | None) -> None:
    """Export one audit as a backup, a workbook or a PDF report.

    JSON is a lossless backup that `import` restores; xlsx is the workbook; pdf is the designed
    report, with the protective marking of DATAWALK_PROTECTIVE_MARKING on every page.
    """
    with open_workspace(db_url) as workspace:
        EXPORTERS[fmt](ExportRequest(workspace, audit_id, output, edition))
        # Written, so it has left DataWalk: the trail says who took which file, and when.
        filename = "stdout" if str(output) == "-" else output.name
        exports.record_export(
            workspace,
            Actor.operator(ACTOR),
            audit_id,
            fmt,
            filename,
            edition=None if fmt == "json" else edition,
        )
    if str(output) != "-":
        click.echo(f"wrote {output}", err=True)


# --- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRequest:
    workspace: Workspace
    path: Path
    max_bytes: int
    identifiers: str | None  # "keep", "replace", or None: refuse a file that holds any


def _choices(flagged: list[FlaggedText], identifiers: str | None) -> IdentifierChoices:
    """The command line's one choice for every flagged field; none given refuses the import."""
    if identifiers == "keep":
        return IdentifierChoices.keep_all(flagged)
    if identifiers == "replace":
        return IdentifierChoices.replace_all(flagged)
    return IdentifierChoices()


def _import_json(request: ImportRequest) -> str:
    preview = imports.preview_of(read_backup(request.path, max_bytes=request.max_bytes))
    choices = _choices(preview.flagged, request.identifiers)
    audit = imports.restore_backup(request.workspace, Actor.operator(ACTOR), preview, choices)
    _report_identifiers(preview.flagged, request.identifiers)
    return audit.id


def _import_xlsx(request: ImportRequest) -> str:
    """Apply leadership's edits to the action plan (owners, dates, statuses, acceptance)."""
    from datawalk.workbook.safety import DEFAULT_LIMITS

    data = _read_bounded(request.path, min(request.max_bytes, DEFAULT_LIMITS.max_bytes))
    preview = imports.preview_workbook(request.workspace, data, filename=request.path.name)
    choices = _choices(preview.flagged, request.identifiers)
    imports.apply_workbook(request.workspace, Actor.operator(ACTOR), preview, choices)
    changes = preview.changes
    click.echo(
        f"{len(changes.changes)} action field(s) changed from {changes.rows_read} row(s)", err=True
    )
    _report_identifiers(preview.flagged, request.identifiers)
    return changes.audit_id


def _report_identifiers(flagged: list[FlaggedText], identifiers: str | None) -> None:
    if flagged:
        done = "kept (recorded in the audit trail)" if identifiers == "keep" else "replaced"
        click.echo(f"{len(flagged)} field(s) with possible pupil identifiers {done}", err=True)


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
@click.option(
    "--keep-identifiers",
    "identifiers",
    flag_value="keep",
    help="Store text that may hold pupil identifiers as it is; the choice is logged in the trail.",
)
@click.option(
    "--replace-identifiers",
    "identifiers",
    flag_value="replace",
    help="Replace every possible pupil identifier in the file's text with [pupil].",
)
@db_option
def import_(path: Path, max_mb: float, identifiers: str | None, db_url: str | None) -> None:
    """Restore a backup or apply an edited workbook.

    A .json file is a backup made by `export`; a .xlsx file is an exported workbook whose action
    plan leadership edited. A clash with an existing audit, or a bad, truncated, hostile or huge
    file, is refused with one line and changes nothing. So is a file whose text may hold pupil
    identifiers, unless --keep-identifiers or --replace-identifiers says what to do with them.
    Every photo is redacted again and awaits review. Prints the audit id.
    """
    handler = IMPORTERS.get(path.suffix.lower())
    if handler is None:
        kind = f"{path.suffix} files" if path.suffix else "files without a suffix"
        known = ", ".join(sorted(IMPORTERS))
        raise InterchangeError(f"{path.name}: cannot import {kind}; expected {known}")
    if not path.is_file():
        raise InterchangeError(f"{path}: no such file")
    with open_workspace(db_url) as workspace, few_full_collections():
        audit_id = handler(ImportRequest(workspace, path, int(max_mb * 1_000_000), identifiers))
    click.echo(f"imported {path.name}", err=True)
    click.echo(audit_id)
