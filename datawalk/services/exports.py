"""Recording an export: every report, workbook and backup taken out of DataWalk, from a page's
download button or the command line, is in the audit's trail with who took it, which format and
edition, the file's name and when.

A file that leaves DataWalk is outside its retention and access control, so the trail is the
only record that it exists. Only the kind of file and its name are recorded, never its content.
Pages call this from the download button's click; the CLI once the file is written.
"""

from __future__ import annotations

from datawalk.accounts.roles import Permission
from datawalk.errors import ValidationError
from datawalk.models import TrailEvent
from datawalk.services import authorization
from datawalk.services.authorization import by_id, guard
from datawalk.services.downloads import record_download
from datawalk.services.workspace import Actor, Workspace

FORMATS = {
    "pdf": "PDF report",
    "xlsx": "Excel workbook",
    "json": "JSON backup",
    "csv": "CSV table",
}
EDITIONS = ("leadership", "governors")


def export_name(fmt: str, edition: str | None = None) -> str:
    """What the trail calls the file: "Excel workbook, governors edition", "JSON backup".

    Raises:
        ValidationError: an unknown format or edition.
    """
    if fmt not in FORMATS:
        raise ValidationError(f"'{fmt}' is not an export format.", field="format")
    if edition is not None and edition not in EDITIONS:
        raise ValidationError(f"'{edition}' is not an edition.", field="edition")
    return FORMATS[fmt] + (f", {edition} edition" if edition else "")


@guard(Permission.READ_GOVERNORS, by_id("audit_id"))
def record_export(
    workspace: Workspace,
    actor: Actor,
    audit_id: str,
    fmt: str,
    filename: str,
    edition: str | None = None,
) -> TrailEvent:
    """Record, in one transaction, that `actor` exported the audit as `fmt` (in `edition`, for a
    report or workbook) to `filename`; return the trail event.

    Raises:
        ValidationError: an unknown format or edition (nothing is recorded).
        NotFoundError: the audit is gone or outside the actor's scope.
        PermissionDeniedError: the file carries more than the actor may read (only the
            governors edition is for someone who may read no more than it shows).
    """
    what = export_name(fmt, edition)
    if edition != "governors":
        # A backup, a CSV or the leadership edition carries notes and photos: the whole audit.
        authorization.require_audit(workspace, actor, Permission.READ, audit_id)
    return record_download(workspace, actor, [audit_id], what, filename)[0]
