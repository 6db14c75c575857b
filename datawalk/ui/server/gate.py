"""The sign-in gate in front of every request Streamlit serves (ASGI middleware for `st.App`).

Once the first user exists, a request without a valid session cookie:

- for an app page (`/`, `/walk?audit=…`) is sent to the sign-in page, which comes back to the
  same address after sign-in;
- for `/media/`, `/_stcore/upload_file/`, a component or anything else under `/_stcore/` is
  refused with 403 before Streamlit reads a byte of it, so nothing is uploaded into memory;
- for the websocket (`/_stcore/stream`) is refused at the handshake, so a client that is not
  signed in never gets a Streamlit session (and cannot rerun, upload or clear caches).

A signed-in user gets a `/media/` file only if their own websocket was sent its URL
(`datawalk.ui.server.media_owners`): another user's download is "not found", as a missing one.

Until the first user exists the app works as before: the page's own gate (`datawalk.ui.access`)
serves this machine, or anyone with the old app password. Media and uploads are then refused to
a client the page gate would refuse outright (another computer, no password configured).

The page script checks the session again on every run (`datawalk.ui.session_gate`), because the
websocket outlives the handshake: a session that expires or ends mid-walk stops the next run.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse

from datawalk.access import Outcome, decide_access
from datawalk.ui.server import accounts_port
from datawalk.ui.server.client import ClientRequest, scope_client
from datawalk.ui.server.context import ServerContext
from datawalk.ui.server.cookies import SESSION_COOKIE, unsign
from datawalk.ui.server.media_owners import OWNERS, is_media
from datawalk.ui.server.paths import SIGN_IN, PathKind, classify, is_upload_or_media, safe_next

log = logging.getLogger(__name__)
# Policy violation: the browser's Streamlit client shows a connection error and retries.
_WS_REFUSED = 1008
SCOPE_USER_KEY = "datawalk_user_id"


class SignInGate:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: Any, context: ServerContext | None = None) -> None:
        self.app = app
        self._context = context

    @property
    def context(self) -> ServerContext:
        return self._context or ServerContext.current()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "/")
        kind = classify(path)
        if kind is PathKind.PUBLIC:
            await self.app(scope, receive, send)
            return
        context = self.context
        if not await run_in_threadpool(accounts_port.users_exist, context.workspace):
            await self._before_first_user(scope, receive, send, path)
            return
        user_id = await run_in_threadpool(self._session_user_id, scope)
        if user_id is not None:
            scope.setdefault("state", {})[SCOPE_USER_KEY] = user_id
            # A media file is this user's only if their websocket was sent its URL.
            if is_media(path) and not OWNERS.may_fetch(user_id, path):
                await _not_found(scope, receive, send)
                return
            if scope["type"] == "websocket":
                send = _noting_media(send, user_id)
            await self.app(scope, receive, send)
            return
        await self._refuse(scope, receive, send, kind)

    def _session_user_id(self, scope: dict) -> str | None:
        context = self.context
        token = unsign(HTTPConnection(scope).cookies.get(SESSION_COOKIE), context.session_secret)
        if token is None:
            return None
        return accounts_port.session_user_id(context.workspace, token)

    async def _before_first_user(self, scope: dict, receive: Any, send: Any, path: str) -> None:
        """Today's rules: the page gate decides; data and uploads only for whom it might serve."""
        if is_upload_or_media(path) and self._refused_outright(
            scope_client(scope, self.context.trusted_proxies)
        ):
            await _forbidden(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refused_outright(self, client: ClientRequest) -> bool:
        from datawalk.ui.access import configured_password_hash

        decision = decide_access(client.address, configured_password_hash(), False)
        return decision.outcome is Outcome.REFUSED

    async def _refuse(self, scope: dict, receive: Any, send: Any, kind: PathKind) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": _WS_REFUSED})
            return
        if kind is PathKind.PAGE and scope.get("method") in ("GET", "HEAD"):
            target = safe_next(_path_with_query(scope))
            response = RedirectResponse(f"{SIGN_IN}?{urlencode({'next': target})}", 303)
            await response(scope, receive, send)
            return
        await _forbidden(scope, receive, send)


def _path_with_query(scope: dict) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope.get("path", "/") + (f"?{query}" if query else "")


def _noting_media(send: Any, user_id: str) -> Any:
    """`send` for a signed-in user's websocket, noting every media URL it carries to them."""

    async def noting(message: dict) -> None:
        if message.get("type") == "websocket.send":
            OWNERS.note_sent(user_id, message.get("bytes") or message.get("text"))
        await send(message)

    return noting


async def _not_found(scope: dict, receive: Any, send: Any) -> None:
    await PlainTextResponse("Not found.", status_code=404)(scope, receive, send)


async def _forbidden(scope: dict, receive: Any, send: Any) -> None:
    response = PlainTextResponse("Sign in to DataWalk first.", status_code=403)
    await response(scope, receive, send)
