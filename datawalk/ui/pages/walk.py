"""Walk page (`/walk?audit=…&location=…`): where am I, what to look for, then the capture form
and what is already recorded here."""

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.ui import capture, locations, permissions, plan_picker, rewalk_panel, state, widgets
from datawalk.ui.capture_state import CaptureContext
from datawalk.ui.location_manage import render_manage_location

audit = widgets.require_audit()
if not permissions.may(Permission.WALK):
    # Walking is the consultant's: a school's own people read the walk on these pages.
    widgets.audit_header(audit)
    st.info("Walking an audit is for its consultant. See what was found on these pages.")
    widgets.page_link("findings", "Findings", state.audit_params(audit.id))
    widgets.page_link("dashboard", "Dashboard", state.audit_params(audit.id))
    st.stop()
checklist = state.get_checklist_for(audit)
actor = state.actor(audit)
widgets.audit_header(audit, state.current_location_id())

all_locations = state.locations_of(audit)
location = state.current_location(audit)
state.remember_place(audit, location)
locations.render_location_picker(audit, all_locations, location)
locations.render_add_location(audit, checklist, actor, expanded=not all_locations)
state.show_flash()

if location is None:
    st.info("Choose the location you are in, or add it, to start recording.")
    st.stop()

locations.render_prompts(location, checklist, actor)
rewalk_panel.render_last_time(audit, location, checklist, actor)
render_manage_location(audit, location, actor)
plan_picker.render_plan_picker(audit, location, all_locations, actor)
capture.render_capture(
    CaptureContext(
        audit_id=audit.id,
        location_id=location.id,
        location_name=location.name,
        location_type=location.location_type,
        walk_date=audit.walk_at.date(),
        checklist=checklist,
        actor=actor,
    )
)
