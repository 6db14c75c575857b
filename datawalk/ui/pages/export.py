"""Export page (`/export?audit=…`): download the audit's workbook (leadership or governors edition,
with a protective marking) or a JSON backup, both built only when the button is pressed; and
upload a workbook leadership has edited, preview exactly what it changes, then apply it all or
nothing; and restore a JSON backup (`datawalk.ui.restore_panel`).
"""

import logging

import streamlit as st

from datawalk.errors import DataWalkError
from datawalk.services import Actor, imports
from datawalk.ui import errors, restore_panel, state, widgets
from datawalk.workbook.data import check_marking
from datawalk.workbook.downloads import (
    XLSX_MIME,
    backup_file_name,
    build_backup,
    build_workbook,
    workbook_file_name,
)
from datawalk.workbook.layout import DEFAULT_MARKING, EDITIONS, MAX_MARKING
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

st.subheader("Excel workbook", anchor=False)
edition = (
    st.segmented_control(
        "Edition",
        list(EDITIONS),
        default="leadership",
        format_func=EDITION_LABELS.__getitem__,
        key="export_edition",
        required=True,
    )
    or "leadership"
)
marking = st.text_input(
    "Protective marking (printed in every sheet's header and footer)",
    value=DEFAULT_MARKING,
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


marking_ok = True
try:
    marking = check_marking(marking)
except DataWalkError as error:
    marking_ok = False
    errors.show_error(error)

st.download_button(
    "Download Excel workbook",
    data=_deferred(build_workbook, reads, audit.id, edition, marking),
    file_name=workbook_file_name(audit),
    mime=XLSX_MIME,
    on_click="ignore",
    icon=":material/download:",
    type="primary",
    disabled=not marking_ok,
    key="export_download_xlsx",
)
st.download_button(
    "Download JSON backup",
    data=_deferred(build_backup, reads, audit.id),
    file_name=backup_file_name(audit),
    mime="application/json",
    on_click="ignore",
    icon=":material/save:",
    key="export_download_json",
)

st.divider()
st.subheader("Import an edited workbook", anchor=False)
st.caption(
    "Leadership may edit the yellow columns of the Action plan sheet (owner, due date, status, "
    "notes, acceptance). Upload the workbook (up to "
    f"{widgets.upload_limit_mb(WORKBOOK_LIMITS.max_bytes, BINARY_MEGABYTE)} MB) to see exactly "
    "what would change before applying it."
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
        imports.apply_workbook(workspace, Actor(actor), preview, choices)
        return f"Applied {len(changes.changes)} change(s) to {n_actions} action(s)."

    return widgets.Apply("Apply these changes", "export_apply", apply)


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
