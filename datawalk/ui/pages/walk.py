"""Walk page (`/walk?audit=…&location=…`): where am I, what to look for, capture, and what is
already recorded here."""

import streamlit as st

from datawalk.ui import capture, finding_list, locations, state, widgets
from datawalk.ui.capture_state import CaptureContext, prepare

audit = widgets.require_audit()
checklist = state.get_checklist_for(audit)
store = state.get_store()
actor = state.actor(audit)
widgets.audit_header(audit, state.current_location_id())

all_locations = store.list_locations(audit.id)
location = state.current_location(audit)
locations.render_location_picker(audit, all_locations, location)
locations.render_add_location(audit, checklist, actor, expanded=not all_locations)
state.show_flash()

if location is None:
    st.info("Choose the location you are in, or add it, to start recording.")
    st.stop()

locations.render_prompts(location, checklist, actor)
context = CaptureContext(
    audit_id=audit.id,
    location_id=location.id,
    location_type=location.location_type,
    walk_date=audit.walk_at.date(),
    checklist=checklist,
    actor=actor,
)
prepare(context, state.current_finding_id())
capture.render_capture(context)

st.markdown(f"#### Findings here ({widgets.escape_markdown(location.name)})")
finding_list.render_undo(audit, actor)
finding_list.render_findings(
    store.list_findings(audit.id, location.id), checklist, actor, context.walk_date
)
