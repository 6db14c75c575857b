"""Dashboard page (`/dashboard?audit=…`): one audit for school leaders and governors, on a tablet
or a projector. Scope and opinion first, then filters that apply to everything, KPI tiles, the
floor-plan hotspot map (tap a marker for its findings), the quadrant, heatmap and bar charts,
and the ten top hotspots with their actions."""

import streamlit as st

from datawalk.dashboard import filter_frame
from datawalk.ui import dashboard_map, errors, rewalk_dashboard, state, widgets
from datawalk.ui import dashboard_view as view

audit = widgets.require_audit()
checklist = state.get_checklist_for(audit)
widgets.audit_header(audit)
st.title("Dashboard", anchor=False)
if checklist.scoring is None:
    st.warning("This audit's checklist has no scoring model, so there is nothing to chart.")
    st.stop()

with errors.user_errors():
    data = view.DashboardData(audit, checklist)
    view.render_context(audit)
    filters = view.render_filters(data)
    shown = filter_frame(data.frame, filters)
    if not filters.is_empty():
        st.caption(f"Showing {len(shown)} of {len(data.frame)} findings (filtered).")
    view.render_kpis(shown, len(data.frame), data.levels)
    rewalk_dashboard.render_since_last_walk(audit, checklist)
    st.subheader("Hotspots on the floor plans", anchor=False)
    side = dashboard_map.render_side_choice()
    dashboard_map.render_hotspot_map(data, filters, side, shown)
    view.render_charts(data, filters, side, shown)
    view.render_hotspots(shown, data.levels)
