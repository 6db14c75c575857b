"""Settings page (`/settings?audit=…`): floor plans for the open audit, the scoring model it is
scored with, and how DataWalk protects the data it holds.

Each section is a small module `datawalk/ui/settings_<name>.py` with `TITLE` and
`render(audit, checklist)`, listed in `SECTIONS`; a section whose module is not there yet is
skipped, so sections can be added by whoever owns them without touching this page.
"""

import importlib

import streamlit as st

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.ui import errors, state, widgets

SECTIONS = (
    "datawalk.ui.settings_plans",
    "datawalk.ui.settings_scoring",
    "datawalk.ui.rescore_panel",
    "datawalk.ui.settings_checklists",
    "datawalk.ui.settings_privacy",
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

for name in SECTIONS:
    try:
        section = importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
        continue
    st.header(section.TITLE, anchor=False, divider="gray")
    with errors.user_errors():
        section.render(audit, checklist)
