"""Audits page (`/audits`): start a walk; open, complete or archive the ones on file; retention
and deletion; restore a JSON backup."""

from datetime import date, time

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.audit_setup import DEFAULT_FLOORS, AuditSetup, build_audit, split_floor_names
from datawalk.checklist import available_checklists
from datawalk.errors import DataWalkError, ValidationError
from datawalk.models import Phase
from datawalk.services import audits
from datawalk.ui import errors, permissions, restore_panel, state
from datawalk.ui.audit_list import render_audit_list
from datawalk.ui.retention_panel import render_retention_panel
from datawalk.ui.routes import page_file

SCOPE = "new_audit"
FIELDS = (
    "school_name",
    "phase",
    "site_name",
    "floors",
    "walk_date",
    "auditor",
    "scope_limitations",
    "checklist",
)
SCOPE_FLAGGED = "audit_scope_flagged"
PHASE_NAMES = {
    Phase.PRIMARY: "Primary",
    Phase.SECONDARY: "Secondary",
    Phase.ALL_THROUGH: "All-through",
    Phase.SPECIAL: "Special",
    Phase.EARLY_YEARS: "Early years",
}

st.title("Audits")
state.show_flash()
checklists = {checklist.id: checklist for checklist in available_checklists()}
workspace = state.get_workspace()
summaries = workspace.reads.list_audits()

# Starting a walk is a consultant's (or an admin's): a school's own people only read.
if permissions.may(Permission.WALK):
    new_audit = st.expander(
        "Start a new audit", expanded=not summaries, icon=":material/add_circle:"
    )
    with new_audit, st.form("new_audit", border=False):
        school_name = st.text_input("School name", key="audit_school", max_chars=200)
        errors.field_error(SCOPE, "school_name")
        phase = st.segmented_control(
            "Phase",
            list(PHASE_NAMES),
            format_func=PHASE_NAMES.__getitem__,
            default=Phase.PRIMARY,
            key="audit_phase",
            required=True,
        )
        errors.field_error(SCOPE, "phase")
        site_name = st.text_input("Site name", value="Main site", key="audit_site", max_chars=200)
        errors.field_error(SCOPE, "site_name")
        floors = st.text_input(
            "Floors (comma separated)", value=", ".join(DEFAULT_FLOORS), key="audit_floors"
        )
        errors.field_error(SCOPE, "floors")
        date_col, time_col = st.columns(2)
        walk_date = date_col.date_input(
            "Walk date", value=date.today(), key="audit_date", format="DD/MM/YYYY"
        )
        walk_time = time_col.time_input("Start time", value=time(9, 0), key="audit_time")
        errors.field_error(SCOPE, "walk_date")
        auditor = st.text_input("Auditor", key="audit_auditor", max_chars=200)
        errors.field_error(SCOPE, "auditor")
        accompanied_by = st.text_input(
            "Accompanied by", key="audit_accompanied", max_chars=200, help="e.g. the DPO or DSL"
        )
        scope = st.text_area(
            "Scope and limitations",
            key="audit_scope",
            help="Areas not visited, and why. Shown beside every chart and in the report.",
        )
        errors.field_error(SCOPE, "scope_limitations")
        if st.session_state.get(SCOPE_FLAGGED):
            st.checkbox("Save anyway: not a pupil identifier", key="audit_scope_ok")
        checklist_id = st.selectbox(
            "Checklist",
            list(checklists),
            format_func=lambda cid: f"{checklists[cid].name} (v{checklists[cid].version})",
            key="audit_checklist",
        )
        errors.field_error(SCOPE, "checklist")
        errors.general_errors(SCOPE, set(FIELDS))
        submitted = st.form_submit_button("Create audit", key="audit_create", type="primary")

    if submitted:
        errors.clear_errors(SCOPE)
        setup = AuditSetup(
            school_name=school_name,
            phase=phase,
            site_name=site_name,
            floor_names=split_floor_names(floors),
            walk_date=walk_date if isinstance(walk_date, date) else None,
            walk_time=walk_time,
            auditor=auditor,
            accompanied_by=accompanied_by,
            scope_limitations=scope,
        )
        try:
            if checklist_id not in checklists:
                raise ValidationError("Choose a checklist.", field="checklist")
            audit = build_audit(setup, checklists[checklist_id], date.today())
            keep = {"scope_limitations"} if st.session_state.get("audit_scope_ok") else set()
            try:
                audit = audits.create_audit(workspace, state.current_actor(audit), audit, keep=keep)
            except ValidationError as exc:
                if exc.field == "scope_limitations":
                    st.session_state[SCOPE_FLAGGED] = True
                raise
        except DataWalkError as exc:
            errors.record_error(SCOPE, exc)
            st.rerun()
        st.session_state.pop(SCOPE_FLAGGED, None)
        state.flash(f"Created the audit of {audit.school.name}. Add the first location.")
        st.switch_page(page_file("walk"), query_params=state.audit_params(audit.id))

render_audit_list(summaries)
if permissions.may(Permission.GOVERN):
    render_retention_panel()
# Also here, so a backup can be restored when no audit is open (the Export page needs one).
restore_panel.render()
