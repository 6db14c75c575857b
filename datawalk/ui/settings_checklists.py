"""Settings section "Checklist library": the checklists installed, and adding one from a file.

An uploaded `.yaml` goes through the real loader and the library rules of
`datawalk.checklist.library` (newer versions only, no same-version edits) and is previewed; it is
written only on an explicit tap. Problems are shown as `file:line: message` in a code block,
never as Markdown or HTML. The section reads the directory each run, so a test can point
`CHECKLISTS_DIR` at a temporary one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from datawalk.accounts.roles import Permission
from datawalk.checklist import CHECKLISTS_DIR, available_checklists, pin_checklist
from datawalk.checklist.library import Installation, plan_install, read_upload
from datawalk.checklist.reading import MAX_BYTES
from datawalk.errors import ChecklistError, DataWalkError
from datawalk.models import Audit
from datawalk.services import Actor, checklists
from datawalk.ui import permissions, state, uploads, widgets
from datawalk.vocabulary import Checklist

TITLE = "Checklist library"


def render(audit: Audit | None, checklist: Checklist) -> None:
    """The installed checklists, then the uploader with its preview or its problems."""
    _render_library()
    if not permissions.may(Permission.MANAGE):
        return  # the checklist library is an admin's
    st.caption(
        "Adding a checklist never changes an existing audit: each audit keeps the copy it was "
        "started with until you rescore it under Checklist version."
    )
    actor = state.current_actor(audit)
    widgets.upload_preview_apply(
        widgets.Upload(
            key="checklist",
            label="Add a checklist (.yaml)",
            types=("yaml", "yml"),
            max_bytes=MAX_BYTES,
            help="A DataWalk checklist file. It must have a higher version than the one installed.",
        ),
        _planned,
        lambda pending: _render_plan(*pending, actor),
        _refuse,
    )


def _planned(file: UploadedFile) -> tuple[str, str, Installation]:
    """The upload's name, text and what adding it would do, by the library's rules."""
    text = read_upload(file.getvalue(), file.name)
    return file.name, text, plan_install(text, file.name, CHECKLISTS_DIR)


def _refuse(error: DataWalkError) -> None:
    if isinstance(error, ChecklistError):
        _show_problems(error)
    else:
        uploads.refuse(error)


def _render_library() -> None:
    try:
        installed = available_checklists(CHECKLISTS_DIR)
    except ChecklistError as problems:
        _show_problems(problems, "The installed library has problems; fix these files:")
        return
    if not installed:
        st.info("No checklist is installed.", icon=":material/info:")
        return
    st.dataframe(pd.DataFrame(_row(c) for c in installed), hide_index=True, key="checklist_table")


def _row(checklist: Checklist) -> dict[str, object]:
    return {
        "Id": checklist.id,
        "Name": checklist.name,
        "Version": checklist.version,
        "Jurisdiction": checklist.jurisdiction.primary,
        "Content": pin_checklist(checklist).content_hash[:12],
        "Location types": len(checklist.objects.location_types),
        "Templates": len(checklist.objects.templates),
    }


def _render_plan(
    filename: str, text: str, plan: Installation, actor: Actor
) -> widgets.Apply | None:
    new = plan.checklist
    label = f"{new.name} ({new.id}), version {new.version}"
    if plan.unchanged:
        st.info(
            widgets.escape_markdown(f"{label} is already in the library; nothing to add."),
            icon=":material/check_circle:",
        )
        return None
    was = f"newer than the installed v{plan.installed_version}" if plan.installed_version else "new"
    message = f"{label} is valid ({was}); once added, new audits use it."
    st.success(widgets.escape_markdown(message), icon=":material/verified:")
    st.dataframe(pd.DataFrame([_row(new)]), hide_index=True, key="checklist_preview")

    def add() -> str:
        checklists.add_checklist(state.get_workspace(), actor, text, filename, CHECKLISTS_DIR)
        return f"Added {label} to the checklist library."

    return widgets.Apply("Add to the library", "checklist_install", add)


def _show_problems(problems: ChecklistError, heading: str | None = None) -> None:
    """One error box saying nothing was added, then every problem verbatim in a code block."""
    count = len(problems.problems)
    st.error(
        heading or f"The checklist was not added: {count} problem(s). Nothing was changed.",
        icon=":material/error:",
    )
    st.code("\n".join(problems.problems), language=None, wrap_lines=True)
