"""The HTTP side of DataWalk's server: the sign-in routes and the middleware that `st.App` adds
around Streamlit (see `streamlit_app.py`). Runs outside any Streamlit script, so nothing here
draws elements; the page gate that runs inside scripts is `datawalk.ui.session_gate`.

Modules: `client` (who sent a request, over HTTPS or not), `cookies` (the signed session cookie
and the device id), `paths` (what the gate lets through), `context` (settings, secret and
database for the process), `accounts_port` (the accounts core's calls), `signin_page` (the HTML
form), `signin_routes`, `gate` (the middleware), `sso` and `sso_callback` (single sign-on).
"""

from __future__ import annotations

from typing import Any


def server_routes() -> list[Any]:
    """The routes to add in front of Streamlit's own."""
    from datawalk.ui.server.signin_routes import sign_in_routes

    return sign_in_routes()


def server_middleware() -> list[Any]:
    """The middleware to wrap Streamlit in: single sign-on's callback first, then the gate."""
    from starlette.middleware import Middleware

    from datawalk.ui.server.gate import SignInGate
    from datawalk.ui.server.sso_callback import SsoCallback

    return [Middleware(SsoCallback), Middleware(SignInGate)]
