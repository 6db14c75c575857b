"""DataWalk entry point: the shared frame, the access gate and the page router, nothing else.

Pages live in `datawalk/ui/pages/`; their URL paths are listed in `datawalk.ui.routes.PAGES`.
"""

import streamlit as st

from datawalk.errors import DatabaseUnavailableError
from datawalk.ui.access import require_access
from datawalk.ui.errors import show_error
from datawalk.ui.frame import set_page_frame
from datawalk.ui.routes import PAGES

set_page_frame()
# Access gate: stops the run (nothing else renders) unless this session may see the app.
require_access()
navigation = st.navigation(
    [
        st.Page(
            route.file,
            title=route.title,
            icon=route.icon,
            url_path=route.url_path,
            default=route.default,
            visibility="visible" if route.visible else "hidden",
        )
        for route in PAGES
    ]
)
# A database that is down or restarting shows one clear message, not a crash: nothing was lost.
try:
    navigation.run()
except DatabaseUnavailableError as unavailable:
    show_error(unavailable)
