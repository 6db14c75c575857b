"""Export page section "Restore a backup": bring a JSON backup back into DataWalk.

The upload goes through the same door as every document (`datawalk.interchange.parse_backup`:
size, hostile JSON, schema, bounded trail events, references, photo intake) and is previewed:
school, site, walk date and what it holds; the file's trail is kept apart as imported history
under the file's SHA-256, never mixed into local history. An audit already in the database is
refused before any button is offered. Every free-text field that may hold a pupil identifier is
listed, to be replaced with [pupil] or kept; a restore happens only on an explicit tap, through
the import service, all or nothing. Every refusal is one error box (user text escaped, never
HTML), and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.errors import DataWalkError, InterchangeError, NotFoundError
from datawalk.interchange import DEFAULT_MAX_BYTES
from datawalk.services import Reads, Workspace, imports
from datawalk.ui import errors, permissions, state, widgets
from datawalk.ui.uploads import shown_name

RESTORED_KEY = "_restore_done"  # id of the audit just restored, for the link to its walk


@dataclass(frozen=True)
class RestorePreview:
    """A checked backup and what the database already knows of its audit."""

    backup: imports.BackupPreview
    existing: str | None  # "school · site, walk date" of the audit already stored, if any
    deleted: str | None  # when and by whom an audit with this id was deleted, if it was


def render() -> None:
    """The uploader, then the backup's preview and the Restore button, or one refusal; nothing
    for a role that may not restore (a school's own people)."""
    if not permissions.may(Permission.WALK):
        return
    st.divider()
    st.subheader("Restore a backup", anchor=False)
    limit = widgets.upload_limit_mb(DEFAULT_MAX_BYTES)
    st.caption(
        f"Upload a JSON backup made by DataWalk, up to {limit} MB, to bring its audit back. "
        "Nothing is written until you press Restore, and an audit already in DataWalk is never "
        "overwritten."
    )
    restored = st.session_state.get(RESTORED_KEY)
    if restored:
        widgets.page_link(
            "walk", "Open the restored walk", state.audit_params(restored), icon=":material/login:"
        )
    workspace = state.get_workspace()
    widgets.upload_preview_apply(
        widgets.Upload(
            key="restore",
            label="JSON backup (.json)",
            types=("json",),
            max_bytes=DEFAULT_MAX_BYTES,
            help="A backup downloaded from the Export page, photos included.",
        ),
        lambda file: _checked(workspace.reads, file.getvalue(), file.name),
        lambda preview: _render_preview(workspace, preview),
        _refuse,
    )


def _checked(reads: Reads, data: bytes, filename: str) -> RestorePreview:
    """The backup's preview, with a progress bar while its photos are redacted again."""
    st.session_state.pop(RESTORED_KEY, None)
    bar = st.progress(0.0, text="Checking the backup…")

    def redacting(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Redacting photo {done} of {total} again…")

    try:
        return preview_backup(reads, data, filename, redacting)
    finally:
        bar.empty()


def preview_backup(
    reads: Reads,
    data: bytes,
    filename: str,
    progress: imports.PhotoProgress | None = None,
) -> RestorePreview:
    """Return the validated backup in `data` and what the store holds of its audit.

    Raises:
        InterchangeError: the file is not a valid DataWalk backup; the message names the file.
    """
    try:
        backup = imports.preview_backup(data, progress=progress)
    except InterchangeError as error:
        raise InterchangeError(f"{shown_name(filename)} was not restored: {error}") from None
    audit_id = backup.document.audit.id
    try:
        stored = reads.get_audit(audit_id)
    except NotFoundError:
        existing = None
    else:
        existing = f"{stored.school.name} · {stored.site.name}, walk {stored.walk_at:%d %b %Y}"
    tombstone = next((t for t in reads.list_tombstones() if t.audit_id == audit_id), None)
    deleted = f"{tombstone.deleted_at:%d %b %Y} by {tombstone.deleted_by}" if tombstone else None
    return RestorePreview(backup, existing, deleted)


def _render_preview(workspace: Workspace, preview: RestorePreview) -> widgets.Apply | None:
    backup = preview.backup
    document = backup.document
    audit = document.audit
    if preview.existing:
        _refuse(
            InterchangeError(
                f"This audit is already in DataWalk ({preview.existing}); delete it first or "
                "keep the existing one. Nothing was restored."
            )
        )
        return None
    photos = sum(len(finding.photos) for finding in document.findings)
    st.markdown(widgets.escape_markdown(f"{audit.school.name} · {audit.site.name}"))
    st.caption(
        widgets.escape_markdown(
            f"Walk {audit.walk_at:%d %b %Y %H:%M} · {audit.auditor} · "
            f"{len(document.locations)} location(s), {len(document.findings)} finding(s), "
            f"{photos} photo(s), {len(document.actions)} action(s), "
            f"{len(document.trail) + len(document.imported_trail)} trail event(s) kept apart as "
            f"imported history from backup {backup.sha256[:12]}"
        )
    )
    if photos:
        st.info(
            f"Every photo ({photos}) has been redacted again here and awaits your check: none is "
            "exported until a person has looked at it on the walk page.",
            icon=":material/policy:",
        )
    if preview.deleted:
        st.warning(
            widgets.escape_markdown(
                f"An audit with this id was deleted on {preview.deleted}. Restore it only if that "
                "deletion was a mistake: an audit deleted on request or when its retention "
                "period ended must stay deleted."
            ),
            icon=":material/warning:",
        )
    choices = widgets.identifier_choices(
        backup.flagged, key="restore_identifiers", on_record=backup.kept_on_record
    )

    def restore() -> str:
        restored = imports.restore_backup(workspace, state.current_actor(audit), backup, choices)
        st.session_state[RESTORED_KEY] = restored.id
        return (
            f"Restored the audit of {restored.school.name} · {restored.site.name} "
            f"({len(document.findings)} finding(s))."
        )

    return widgets.Apply("Restore", "restore_apply", restore, icon=":material/restore:")


def _refuse(error: DataWalkError) -> None:
    """One error box; its text may quote the file (names, ids), so Markdown is escaped."""
    st.error(widgets.escape_markdown(errors.message_for(error)), icon=":material/error:")
