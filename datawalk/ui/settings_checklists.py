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

from datawalk.checklist import CHECKLISTS_DIR, available_checklists, pin_checklist
from datawalk.checklist.library import Installation, plan_install, read_upload
from datawalk.checklist.reading import MAX_BYTES
from datawalk.errors import ChecklistError
from datawalk.models import Audit
from datawalk.services import Actor, checklists
from datawalk.ui import state, widgets
from datawalk.vocabulary import Checklist

TITLE = "Checklist library"
PENDING_KEY = "_checklist_upload_pending"  # (file id, text, plan) of the previewed upload
ROUND_KEY = "_checklist_upload_round"  # bumped after an install, to empty the uploader


def render(audit: Audit | None, checklist: Checklist) -> None:
    """The installed checklists, then the uploader with its preview or its problems."""
    _render_library()
    st.caption(
        "Adding a checklist never changes an existing audit: each audit keeps the copy it was "
        "started with until you rescore it under Checklist version."
    )
    upload_round = st.session_state.get(ROUND_KEY, 0)
    uploaded = widgets.limited_uploader(
        "Add a checklist (.yaml)",
        max_bytes=MAX_BYTES,
        help="A DataWalk checklist file. It must have a higher version than the one installed.",
        type=["yaml", "yml"],
        key=f"checklist_upload_{upload_round}",
    )
    if uploaded is None:
        st.session_state.pop(PENDING_KEY, None)
        return
    pending = st.session_state.get(PENDING_KEY)
    if pending is None or pending[0] != uploaded.file_id:
        st.session_state.pop(PENDING_KEY, None)
        try:
            text = read_upload(uploaded.getvalue(), uploaded.name)
            plan = plan_install(text, uploaded.name, CHECKLISTS_DIR)
        except ChecklistError as problems:
            _show_problems(problems)
            return
        pending = (uploaded.file_id, text, plan)
        st.session_state[PENDING_KEY] = pending
    _render_plan(uploaded.name, pending[1], pending[2], upload_round, Actor(state.actor(audit)))


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
    filename: str, text: str, plan: Installation, upload_round: int, actor: Actor
) -> None:
    new = plan.checklist
    label = f"{new.name} ({new.id}), version {new.version}"
    if plan.unchanged:
        st.info(
            widgets.escape_markdown(f"{label} is already in the library; nothing to add."),
            icon=":material/check_circle:",
        )
        return
    was = f"newer than the installed v{plan.installed_version}" if plan.installed_version else "new"
    message = f"{label} is valid ({was}); once added, new audits use it."
    st.success(widgets.escape_markdown(message), icon=":material/verified:")
    st.dataframe(pd.DataFrame([_row(new)]), hide_index=True, key="checklist_preview")
    if st.button("Add to the library", key="checklist_install", type="primary"):
        try:
            checklists.add_checklist(actor, text, filename, CHECKLISTS_DIR)
        except ChecklistError as problems:
            _show_problems(problems)
            return
        st.session_state.pop(PENDING_KEY, None)
        st.session_state[ROUND_KEY] = upload_round + 1
        state.flash(f"Added {label} to the checklist library.")
        st.rerun()


def _show_problems(problems: ChecklistError, heading: str | None = None) -> None:
    """One error box saying nothing was added, then every problem verbatim in a code block."""
    count = len(problems.problems)
    st.error(
        heading or f"The checklist was not added: {count} problem(s). Nothing was changed.",
        icon=":material/error:",
    )
    st.code("\n".join(problems.problems), language=None, wrap_lines=True)
