"""Settings section "Checklist version": which checklist copy the open audit is scored with, and
"Rescore with checklist vN" when the library holds a newer (or changed) copy.

Rescoring is never implicit. The first tap only previews: how many findings would change level,
with examples. A second, explicit "Apply" re-pins the audit through `datawalk.services.rescoring`,
which the trail records, and keeps the default actions in step with the new scores. An older
version is listed with the reason it is refused. The preview is tied to the content hash it
showed, so a checklist file edited in between is not applied unseen.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datawalk import governance
from datawalk.accounts.roles import Permission
from datawalk.checklist import available_checklists, pin_checklist
from datawalk.checklist.versions import VersionStep, version_step
from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import Audit
from datawalk.services import rescoring
from datawalk.ui import errors, permissions, state, widgets
from datawalk.vocabulary import Checklist

TITLE = "Checklist version"
SCOPE = "rescore"
PREVIEW_KEY = "_rescore_preview"  # (audit id, content hash) whose preview is open


def render(audit: Audit | None, checklist: Checklist) -> None:
    """The pinned copy, then each other copy in the library: a rescore offer or why not."""
    if audit is None:
        st.caption("Open an audit to see which checklist version it is scored with.")
        return
    pin = audit.checklist
    st.caption(
        widgets.escape_markdown(
            f"This audit is scored with {checklist.name}, version {pin.version} (content "
            f"{pin.content_hash[:12]}). A newer checklist never changes it by itself."
        )
    )
    errors.general_errors(SCOPE, set())
    candidates = governance.rescore_candidates(audit, available_checklists())
    if not candidates:
        st.caption("The checklist library holds no other copy of this checklist.")
    if not permissions.may(Permission.WALK):
        return  # rescoring is the consultant's
    for candidate in candidates:
        _render_candidate(audit, candidate)


def _render_candidate(audit: Audit, candidate: Checklist) -> None:
    try:
        target = governance.check_rescore(audit, candidate).content_hash
    except ValidationError as refused:
        st.info(errors.message_for(refused), icon=":material/block:")
        return
    label = _label(audit, candidate)
    if st.session_state.get(PREVIEW_KEY) != (audit.id, target):
        st.button(
            label,
            key=f"rescore_{candidate.version}_{target[:12]}",
            icon=":material/published_with_changes:",
            on_click=_open_preview,
            args=(audit.id, target),
        )
        return
    with st.container(border=True, key="rescore_preview"):
        try:
            preview = governance.rescore_preview(state.get_workspace().reads, audit.id, candidate)
        except DataWalkError as exc:
            errors.show_error(exc)
            preview = None
        if preview is not None:
            _render_preview(preview)
        with st.container(horizontal=True):
            if preview is not None:
                st.button(
                    f"Apply: {label[0].lower()}{label[1:]}",
                    key="rescore_apply",
                    type="primary",
                    on_click=_apply,
                    args=(audit.id, target),
                )
            st.button("Cancel", key="rescore_cancel", on_click=_close_preview)


def _label(audit: Audit, candidate: Checklist) -> str:
    if version_step(audit.checklist, pin_checklist(candidate)) is VersionStep.EDITED:
        return f"Rescore with checklist v{candidate.version} (changed content)"
    return f"Rescore with checklist v{candidate.version}"


def _render_preview(preview: governance.RescorePreview) -> None:
    st.markdown(
        f"**{preview.count_changing} of {preview.total} findings would change level** "
        f"(version {preview.from_version} → {preview.to_version}). Nothing changes until you "
        "apply it; the change is recorded in the audit trail."
    )
    if preview.examples:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Finding": e.reference,
                        "Privacy now": e.privacy_before,
                        "Privacy after": e.privacy_after,
                        "Safeguarding now": e.safeguarding_before,
                        "Safeguarding after": e.safeguarding_after,
                    }
                    for e in preview.examples
                ]
            ),
            hide_index=True,
            key="rescore_examples",
        )


# --- callbacks --------------------------------------------------------------------------------


def _open_preview(audit_id: str, content_hash: str) -> None:
    errors.clear_errors(SCOPE)
    st.session_state[PREVIEW_KEY] = (audit_id, content_hash)


def _close_preview() -> None:
    st.session_state.pop(PREVIEW_KEY, None)


def _apply(audit_id: str, content_hash: str) -> None:
    _close_preview()
    errors.clear_errors(SCOPE)
    workspace = state.get_workspace()
    try:
        chosen = _library_copy(content_hash)
        actor = state.current_actor(workspace.reads.get_audit(audit_id))
        audit = rescoring.rescore(workspace, actor, audit_id, chosen)
    except DataWalkError as exc:
        errors.record_error(SCOPE, exc)
        return
    state.flash(f"Rescored with checklist version {audit.checklist.version}.")


def _library_copy(content_hash: str) -> Checklist:
    """Return the library checklist the preview showed, by content hash.

    Raises:
        ValidationError: the file changed (or went) since the preview.
    """
    for checklist in available_checklists():
        if pin_checklist(checklist).content_hash == content_hash:
            return checklist
    raise ValidationError(
        "The checklist file changed since the preview, so nothing was applied. Preview again.",
        field="checklist",
    )
