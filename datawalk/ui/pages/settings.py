"""Settings page (`/settings?audit=…`): floor plans for the open audit, the scoring model it is
scored with, the checklist library, the school records (and merging them), and how DataWalk
protects the data it holds.

Each section is a small module with `TITLE` and `render(audit, checklist)`, imported here and
listed in `SECTIONS` in page order: a section is added by importing it and listing it, and a
renamed or missing one fails the page loudly instead of being left out.
"""

import streamlit as st

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.ui import (
    errors,
    rescore_panel,
    settings_checklists,
    settings_plans,
    settings_privacy,
    settings_schools,
    settings_scoring,
    state,
    widgets,
)

SECTIONS = (
    settings_plans,
    settings_scoring,
    rescore_panel,
    settings_checklists,
    settings_schools,
    settings_privacy,
)


@st.cache_resource
def _bundled_checklist():
    return load_checklist(DEFAULT_CHECKLIST_PATH)


audit = state.current_audit()
if audit is not None:
    widgets.audit_header(audit)
    checklist = state.get_checklist_for(audit)
else:
    checklist = _bundled_checklist()
st.title("Settings", anchor=False)
state.show_flash()

for section in SECTIONS:
    st.header(section.TITLE, anchor=False, divider="gray")
    with errors.user_errors():
        section.render(audit, checklist)
