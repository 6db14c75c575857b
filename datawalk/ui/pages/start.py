"""Start page (`/`): takes a consultant back to where they were, else to the Audits list.

With no query params, `/` opens the walk page at this user's last audit and location (kept in the
database, so it survives a restart or a sign-in) if that audit is still in progress; otherwise,
and whenever params are given, it sends the visitor on to the audits page, keeping the params.
Streamlit serves its default page only at the root, so the real pages keep their own URL paths
(`/audits` included) and this hidden page is the default.
"""

import streamlit as st

from datawalk.ui import state
from datawalk.ui.routes import page_file

params = st.query_params.to_dict()
place = None if params else state.last_place()
if place is not None:
    st.switch_page(
        page_file("walk"), query_params=state.audit_params(place.audit_id, place.location_id)
    )
st.switch_page(page_file("audits"), query_params=params)
