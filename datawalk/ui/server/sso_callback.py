"""ASGI middleware around st.login's `/oauth2callback`: turns the identity Streamlit just
signed into a DataWalk session, or into nothing (see `datawalk.ui.server.sso`).

Streamlit's callback answers with a redirect that sets its identity cookies. This middleware
rewrites that answer before it leaves the server: Streamlit's identity cookies are dropped (and
any old ones cleared), the DataWalk session and device cookies are set when the identity maps
to a user, and the redirect goes back to the page that asked for sign-in.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from datawalk.ui.server import accounts_port, sso
from datawalk.ui.server.client import scope_client
from datawalk.ui.server.context import ServerContext
from datawalk.ui.server.cookies import clear_cookie_header
from datawalk.ui.server.paths import OIDC_CALLBACK, SIGN_IN, safe_next
from datawalk.ui.server.signin_routes import NEXT_COOKIE, session_cookie_headers

log = logging.getLogger(__name__)


class SsoCallback:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: Any, context: ServerContext | None = None) -> None:
        self.app = app
        self._context = context

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") != OIDC_CALLBACK:
            await self.app(scope, receive, send)
            return
        context = self._context or ServerContext.current()
        request = Request(scope)

        async def rewrite(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = await self._answer(request, context, message)
            await send(message)

        await self.app(scope, receive, rewrite)

    async def _answer(self, request: Request, context: ServerContext, message: dict) -> dict:
        headers = list(message.get("headers", []))
        claims = sso.claims_from_callback(headers)
        kept = [
            (key, value)
            for key, value in headers
            if key.lower() != b"location"
            and not (key.lower() == b"set-cookie" and sso.is_streamlit_identity_cookie(value))
        ]
        secure = scope_client(request.scope, context.trusted_proxies).https
        cookies = [
            clear_cookie_header(name, secure=secure)
            for name in (sso.USER_COOKIE, sso.TOKENS_COOKIE, NEXT_COOKIE)
        ]
        location = f"{SIGN_IN}?{urlencode({'message': 'sso_failed'})}"
        if claims is not None:
            user_id = await run_in_threadpool(
                accounts_port.user_for_identity,
                context.workspace,
                claims,
                context.settings.sso_microsoft_tenants,
            )
            if user_id is None:  # the accounts core logged why
                location = f"{SIGN_IN}?{urlencode({'message': 'sso_unknown'})}"
            else:
                cookies += await session_cookie_headers(request, context, user_id, "oidc")
                location = safe_next(sso.decode_next(request.cookies.get(NEXT_COOKIE)))
        else:
            log.warning("Single sign-on did not complete (the provider's answer was refused).")
        headers = [*kept, (b"location", location.encode("latin-1"))]
        headers += [(b"set-cookie", value.encode("latin-1")) for value in cookies]
        return {**message, "status": 303, "headers": headers}
