"""The audits on file as cards: open the walk, mark complete, reopen or archive.

Status changes run as button callbacks through `datawalk.services.audits`; the trail records them.
"""

from __future__ import annotations

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.models import AuditStatus
from datawalk.services import AuditSummary, audits
from datawalk.ui import errors, permissions, rewalk_panel, state, widgets
from datawalk.ui.retention_panel import render_card_governance

# (button label, new status) offered for each current status.
STATUS_ACTIONS: dict[AuditStatus, list[tuple[str, AuditStatus]]] = {
    AuditStatus.IN_PROGRESS: [("Mark complete", AuditStatus.COMPLETE)],
    AuditStatus.COMPLETE: [("Reopen", AuditStatus.IN_PROGRESS), ("Archive", AuditStatus.ARCHIVED)],
    AuditStatus.ARCHIVED: [("Unarchive", AuditStatus.COMPLETE)],
}


def _set_status(audit_id: str, status: AuditStatus, school: str) -> None:
    with errors.user_errors():
        workspace = state.get_workspace()
        actor = state.current_actor(workspace.reads.get_audit(audit_id))
        audits.set_status(workspace, actor, audit_id, status)
        state.flash(f"{school}: {widgets.STATUS_NAMES[status].lower()}.")


def _render_card(summary: AuditSummary) -> None:
    with st.container(border=True, key=f"audit_{summary.id}"):
        title = f"{summary.school_name} · {summary.site_name}"
        st.markdown(f"**{widgets.escape_markdown(title)}**")
        status = AuditStatus(summary.status)
        st.caption(
            widgets.escape_markdown(
                f"Walk {summary.walk_at:%d %b %Y %H:%M} · {widgets.STATUS_NAMES[status]} · "
                f"{summary.finding_count} finding(s)"
            )
        )
        # Completing or archiving is the consultant's; legal hold and deletion an admin's.
        actions = STATUS_ACTIONS[status] if permissions.may(Permission.WALK) else ()
        columns = st.columns(len(actions) + 2)
        with columns[0]:
            if permissions.may(Permission.WALK):
                widgets.page_link(
                    "walk",
                    "Open walk",
                    state.audit_params(summary.id),
                    icon=":material/directions_walk:",
                )
            else:  # a school's own people read the walk, from its dashboard
                widgets.page_link(
                    "dashboard",
                    "Dashboard",
                    state.audit_params(summary.id),
                    icon=":material/dashboard:",
                )
        with columns[1]:
            widgets.page_link(
                "findings", "Findings", state.audit_params(summary.id), icon=":material/table_rows:"
            )
        for column, (label, new_status) in zip(columns[2:], actions, strict=True):
            column.button(
                label,
                key=f"{new_status.value}_{summary.id}",
                on_click=_set_status,
                args=(summary.id, new_status, summary.school_name),
            )
        if status != AuditStatus.IN_PROGRESS and permissions.may(Permission.WALK):
            rewalk_panel.render_start_next_walk(summary.id, summary.school_name)
        if permissions.may(Permission.GOVERN):
            render_card_governance(summary)


def render_audit_list(summaries: list[AuditSummary]) -> None:
    """Audits in progress and complete first; archived ones folded away."""
    active = [s for s in summaries if s.status != AuditStatus.ARCHIVED]
    archived = [s for s in summaries if s.status == AuditStatus.ARCHIVED]
    st.subheader("Audits on file", anchor=False)
    if not summaries:
        st.caption("No audits yet.")
    for summary in active:
        _render_card(summary)
    if archived:
        with st.expander(f"Archived audits ({len(archived)})"):
            for summary in archived:
                _render_card(summary)
