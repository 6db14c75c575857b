"""DataWalk entry point: the server (`app`) and, in the same file, the page script.

`streamlit run streamlit_app.py` finds `app`, an `st.App`: Streamlit's server with DataWalk's
sign-in routes and the middleware that keeps media, uploads and the websocket from anyone not
signed in (`datawalk.ui.server`). Its page script is this file again, which Streamlit runs as
`__main__` for every page run: the shared frame, the sign-in gate and the page router, nothing
else. Pages live in `datawalk/ui/pages/`; their URL paths are listed in `datawalk.ui.routes`.
"""

import streamlit as st

if __name__ == "__main__":
    from datawalk.errors import DatabaseUnavailableError
    from datawalk.ui.errors import show_error
    from datawalk.ui.frame import set_page_frame
    from datawalk.ui.routes import PAGES
    from datawalk.ui.session_gate import require_sign_in, show_account_bar

    set_page_frame()
    # Sign-in gate: stops the run (nothing else renders) unless this session may see the app.
    try:
        signed_in = require_sign_in()
    except DatabaseUnavailableError as unavailable:
        show_error(unavailable)
        st.stop()
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
    show_account_bar(signed_in)
    # A database that is down or restarting shows one clear message, not a crash: nothing was
    # lost.
    try:
        navigation.run()
    except DatabaseUnavailableError as unavailable:
        show_error(unavailable)
else:
    from datawalk.ui.server import server_middleware, server_routes

    app = st.App(__file__, routes=server_routes(), middleware=server_middleware())
