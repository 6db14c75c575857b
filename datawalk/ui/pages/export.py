"""Export page (`/export?audit=…`): download the audit's PDF report or workbook (leadership or
governors edition, with a protective marking) or a JSON backup, each built only when its button is
pressed and recorded in the audit's trail as it is; and upload a workbook leadership has edited,
preview exactly what it changes, then apply it all or nothing; and restore a JSON backup
(`datawalk.ui.restore_panel`).
"""

import logging

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.errors import DataWalkError
from datawalk.report import PDF_MIME, build_report, report_file_name
from datawalk.services import exports, imports
from datawalk.ui import errors, permissions, restore_panel, state, widgets
from datawalk.workbook.data import check_marking
from datawalk.workbook.downloads import (
    XLSX_MIME,
    backup_file_name,
    build_backup,
    build_workbook,
    workbook_file_name,
)
from datawalk.workbook.layout import EDITIONS, MAX_MARKING
from datawalk.workbook.safety import DEFAULT_LIMITS as WORKBOOK_LIMITS

BINARY_MEGABYTE = 1_048_576  # the workbook intake counts its limit in these
EDITION_LABELS = {
    "leadership": "Leadership (photos and notes)",
    "governors": "Governors (no photos, no notes)",
}
log = logging.getLogger(__name__)

audit = widgets.require_audit()
reads = state.reads()
workspace = state.get_workspace()
actor = state.actor(audit)
widgets.audit_header(audit)
state.show_flash()
st.title("Export", anchor=False)
widgets.page_link(
    "actions", "Action plan", state.audit_params(audit.id), icon=":material/checklist:"
)

# The workbook carries the action plan, so findings without an action get their default one
# first (once per audit version), exactly as opening the action plan page would.
with errors.user_errors():
    state.sync_default_actions(audit.id, actor)

st.subheader("Report and workbook", anchor=False)
# Someone who may read only what the governors edition shows is offered only that edition.
editions = list(EDITIONS) if permissions.may(Permission.READ) else ["governors"]
edition = (
    st.segmented_control(
        "Edition",
        editions,
        default=editions[0],
        format_func=EDITION_LABELS.__getitem__,
        key="export_edition",
        required=True,
    )
    or editions[0]
)
marking = st.text_input(
    "Protective marking (printed in the header and footer of every page and sheet)",
    value=state.settings().protective_marking,
    max_chars=MAX_MARKING,
    key="export_marking",
)


def _deferred(build, *args):
    """Build on click; session state is unreadable inside, so everything is captured here."""

    def run() -> bytes:
        try:
            return build(*args)
        except Exception:
            log.exception("Building the download failed")
            raise

    return run


def _record(fmt: str, filename: str, edition: str | None = None) -> None:
    """A download button's click: the file goes in the audit's trail (who, which format and
    edition, which file, when) before it leaves, through the one export service."""
    with errors.user_errors():
        exports.record_export(workspace, state.as_actor(actor), audit.id, fmt, filename, edition)


marking_ok = True
try:
    marking = check_marking(marking)
except DataWalkError as error:
    marking_ok = False
    errors.show_error(error)

st.download_button(
    "Download PDF report",
    data=_deferred(build_report, reads, audit.id, edition, marking),
    file_name=report_file_name(audit, edition),
    mime=PDF_MIME,
    on_click=_record,
    args=("pdf", report_file_name(audit, edition), edition),
    icon=":material/picture_as_pdf:",
    type="primary",
    disabled=not marking_ok,
    key="export_download_pdf",
)
st.download_button(
    "Download Excel workbook",
    data=_deferred(build_workbook, reads, audit.id, edition, marking),
    file_name=workbook_file_name(audit),
    mime=XLSX_MIME,
    on_click=_record,
    args=("xlsx", workbook_file_name(audit), edition),
    icon=":material/download:",
    type="primary",
    disabled=not marking_ok,
    key="export_download_xlsx",
)
if permissions.may(Permission.READ):  # the whole audit, photos and notes included
    st.download_button(
        "Download JSON backup",
        data=_deferred(build_backup, reads, audit.id),
        file_name=backup_file_name(audit),
        mime="application/json",
        on_click=_record,
        args=("json", backup_file_name(audit)),
        icon=":material/save:",
        key="export_download_json",
    )

# Importing an edited workbook updates actions: for those who may (school leads included).
may_import = permissions.may(Permission.UPDATE_ACTIONS)
if may_import:
    st.divider()
    st.subheader("Import an edited workbook", anchor=False)
    st.caption(
        "Leadership may edit the yellow columns of the Action plan sheet (owner, due date, "
        "status, notes, acceptance). Upload the workbook (up to "
        f"{widgets.upload_limit_mb(WORKBOOK_LIMITS.max_bytes, BINARY_MEGABYTE)} MB) to see "
        "exactly what would change before applying it."
    )


def _show_changes(preview: imports.WorkbookPreview) -> widgets.Apply | None:
    """The rows the workbook changes, the identifier choices, and the apply step."""
    changes = preview.changes
    if changes.is_empty:
        st.info(f"The workbook's {changes.rows_read} action row(s) change nothing.")
        return None
    n_actions = len({change.action_id for change in changes.changes})
    st.write(f"{len(changes.changes)} change(s) to {n_actions} action(s):")
    st.dataframe(changes.preview_rows(), hide_index=True, key="export_preview")
    choices = widgets.identifier_choices(preview.flagged, key="export_identifiers")

    def apply() -> str:
        imports.apply_workbook(workspace, state.as_actor(actor), preview, choices)
        return f"Applied {len(changes.changes)} change(s) to {n_actions} action(s)."

    return widgets.Apply("Apply these changes", "export_apply", apply)


if may_import:
    widgets.upload_preview_apply(
        widgets.Upload(
            key="export",
            label="Edited workbook (.xlsx)",
            types=("xlsx", "xlsm"),
            max_bytes=WORKBOOK_LIMITS.max_bytes,
            megabyte=BINARY_MEGABYTE,
            help="A workbook exported from this audit, with only the yellow columns edited.",
            scope=audit.id,
        ),
        lambda file: imports.preview_workbook(
            workspace, file.getvalue(), audit_id=audit.id, filename=file.name
        ),
        _show_changes,
    )

restore_panel.render()
