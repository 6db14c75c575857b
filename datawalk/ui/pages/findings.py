"""Findings page (`/findings?audit=…`): every finding of the audit in a filterable table, sorted
by location; choose a row to edit or delete it."""

import streamlit as st

from datawalk.finding_table import filter_findings
from datawalk.scored_table import RANK_TIE_BREAK
from datawalk.scoring import CLASSIFICATION_NAMES, CLASSIFICATIONS
from datawalk.ui import errors, finding_list, permissions, state, widgets

# The levels are the point of the page: reference, place and both levels come first and are
# narrow, so at 1024 px (and 820 px portrait) they show without scrolling the table sideways.
TABLE_COLUMNS = {
    "reference": st.column_config.TextColumn("Ref", width=64),
    "location": st.column_config.TextColumn("Location", width=170),
    "privacy_level": st.column_config.TextColumn("Privacy", width=96),
    "safeguarding_level": st.column_config.TextColumn("Safeguarding", width=116),
    "classification_name": st.column_config.TextColumn("Classification"),
    # A rank ("3 of 26") people can read; the priority score itself is in the leadership
    # workbook and on the action plan's hover.
    "rank_label": st.column_config.TextColumn("Rank", help=RANK_TIE_BREAK),
    "categories": st.column_config.TextColumn("Categories", width="large"),
    "format": st.column_config.TextColumn("Format"),
    "visible_to": st.column_config.TextColumn("Visible to"),
    "needed_by": st.column_config.TextColumn("Needed by"),
    "good_practice": st.column_config.CheckboxColumn("Good practice"),
    "notes": st.column_config.TextColumn("Notes", width="large"),
}
ROW_HEIGHT = 48  # a row is the touch target that selects it: at least 44 px

audit = widgets.require_audit()
checklist = state.get_checklist_for(audit)
actor = state.actor(audit)
widgets.audit_header(audit)
state.show_flash()
finding_list.render_undo(audit.id, actor)

# A school viewer reads the table as the governors edition shows it: without the notes.
table = permissions.as_reader_sees(state.findings_table(audit))
locations = dict(zip(table["location_id"], table["location"], strict=True))
location_col, category_col = st.columns(2)
chosen_locations = location_col.multiselect(
    "Location", list(locations), format_func=locations.__getitem__, key="filter_locations"
)
categories = {c.id: c.name for c in checklist.objects.data_categories}
chosen_categories = category_col.multiselect(
    "Data category", list(categories), format_func=categories.__getitem__, key="filter_categories"
)
chosen_classes: list[str] = []
if "classification" in table:
    chosen_classes = st.pills(
        "Classification",
        list(CLASSIFICATIONS),
        selection_mode="multi",
        format_func=CLASSIFICATION_NAMES.__getitem__,
        key="filter_classification",
    )
shown = filter_findings(table, chosen_locations, chosen_categories, chosen_classes)
st.caption(f"{len(shown)} of {len(table)} finding(s). Choose a row to edit or delete it.")

columns = [column for column in TABLE_COLUMNS if column in shown]
event = st.dataframe(
    widgets.style_levels(shown[columns], checklist, ["privacy_level", "safeguarding_level"]),
    column_config=TABLE_COLUMNS,
    column_order=columns,
    row_height=ROW_HEIGHT,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="findings_table",
)
rows = event.selection.rows
if rows and rows[0] < len(shown):
    row = shown.iloc[rows[0]]
    with errors.user_errors():
        finding = state.reads().get_finding(row["id"])
        finding_list.render_finding_card(finding, checklist, actor, location_name=row["location"])
