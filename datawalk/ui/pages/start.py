"""Start page (`/`): sends the visitor on to the audits page, keeping any query params.

Streamlit serves its default page only at the root, so the real pages keep their own URL paths
(`/audits` included) and this hidden page is the default.
"""

import streamlit as st

from datawalk.ui.routes import page_file

st.switch_page(page_file("audits"), query_params=st.query_params.to_dict())
