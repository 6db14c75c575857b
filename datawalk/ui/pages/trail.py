"""Audit trail page (`/trail?audit=…`): who created, changed or deleted what in the open audit,
and when, filterable by entity and operation. Linked from the audit header."""

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.ui import permissions, state, widgets
from datawalk.ui.trail_view import render_trail

audit = widgets.require_audit()
widgets.audit_header(audit)
st.title("Audit trail", anchor=False)
state.show_flash()
if permissions.may(Permission.READ):
    render_trail(audit)
else:
    st.info("The audit trail is not part of what the governors edition shows.")
