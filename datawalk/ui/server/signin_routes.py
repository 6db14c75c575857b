"""The sign-in, sign-out and single sign-on start routes that `streamlit_app.py` adds to st.App.

A Streamlit script can read cookies but not set them, so signing in happens here: a plain HTML
form posted to `/signin`, checked by the accounts core (argon2id, TOTP, the rate limit kept in
the database), answered with the signed session cookie and a long-lived device cookie, and a
redirect back to the page (audit and location in its query) that asked for sign-in.

Rules kept here:

- a password or code is refused, unread, over plain HTTP from another computer, unless a
  trusted proxy says the original request was HTTPS (`client.ClientRequest`);
- the form carries a one-time token that must match a cookie set with the form (login CSRF),
  and a cross-site Origin is refused;
- every refused sign-in is logged (by the accounts core) with the account and client address,
  never the password.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from datawalk.ui.server import accounts_port, sso
from datawalk.ui.server.client import ClientRequest, scope_client
from datawalk.ui.server.context import ServerContext
from datawalk.ui.server.cookies import (
    DEVICE_COOKIE,
    DEVICE_MAX_AGE,
    SESSION_COOKIE,
    clear_cookie_header,
    new_device_id,
    set_cookie_header,
    sign,
    unsign,
    valid_device_id,
)
from datawalk.ui.server.paths import SIGN_IN, SIGN_OUT, SSO_START, safe_next
from datawalk.ui.server.signin_page import SignInView, render_sign_in, sso_start_href

log = logging.getLogger(__name__)
CSRF_COOKIE = "datawalk_signin"
NEXT_COOKIE = "datawalk_next"
_FORM_MAX_BYTES = 16 * 1024
_FLOW_MAX_AGE = 15 * 60
_MESSAGES = {
    "signed_out": "You are signed out.",
    "expired": "Your session has ended. Sign in again to carry on where you were.",
}
_SSO_PROBLEMS = {
    "sso_unknown": "That school account is not linked to a DataWalk user. Ask your DataWalk "
    "administrator to add you, then try again.",
    "sso_failed": "Single sign-on did not complete. Try again, or sign in with your password.",
}


def _client(request: Request, context: ServerContext) -> ClientRequest:
    return scope_client(request.scope, context.trusted_proxies)


def _page(view: SignInView, *, status: int = 200, secure: bool) -> HTMLResponse:
    response = HTMLResponse(render_sign_in(view), status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.raw_headers.append(
        (
            b"set-cookie",
            set_cookie_header(CSRF_COOKIE, view.csrf, max_age=_FLOW_MAX_AGE, secure=secure).encode(
                "latin-1"
            ),
        )
    )
    return response


def _view(request: Request, context: ServerContext, **changes: Any) -> SignInView:
    next_path = changes.pop("next_path", safe_next(request.query_params.get("next")))
    return SignInView(
        next_path=next_path,
        csrf=secrets.token_urlsafe(24),
        credentials_allowed=_client(request, context).may_send_credentials,
        providers=tuple(
            (label, sso_start_href(name, next_path)) for name, label in sso.providers()
        ),
        **changes,
    )


async def sign_in_form(request: Request) -> Response:
    """GET /signin: the form (or, before the first user exists, the app itself)."""
    context = ServerContext.current()
    if not await run_in_threadpool(accounts_port.users_exist, context.workspace):
        return RedirectResponse("/", 303)
    code = request.query_params.get("message", "")
    view = _view(request, context, info=_MESSAGES.get(code), problem=_SSO_PROBLEMS.get(code))
    return _page(view, secure=_client(request, context).https)


async def _form_fields(request: Request) -> dict[str, str] | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _FORM_MAX_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in fields.items()}


def _same_origin(request: Request) -> bool:
    """False when the browser says the form was posted from another site. An absent or
    "null" Origin (privacy settings) leaves it to the form token."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def sign_in(request: Request) -> Response:
    """POST /signin: check the account, password and code; on success set the session."""
    context = ServerContext.current()
    client = _client(request, context)
    if not await run_in_threadpool(accounts_port.users_exist, context.workspace):
        return RedirectResponse("/", 303)
    if not client.may_send_credentials:
        log.warning("Sign-in refused: plain HTTP from %s", client.address)
        view = _view(request, context, next_path="/")
        return _page(view, status=400, secure=False)
    fields = await _form_fields(request)
    if fields is None or not _same_origin(request):
        return Response("Sign-in refused.", status_code=400)
    next_path = safe_next(fields.get("next"))
    account = fields.get("account", "").strip()
    expected = request.cookies.get(CSRF_COOKIE) or ""
    if not expected or not secrets.compare_digest(expected, fields.get("csrf", "")):
        view = _view(
            request, context, next_path=next_path, account=account,
            problem="This form had expired. Enter your details again.",
        )  # fmt: skip
        return _page(view, status=400, secure=client.https)
    outcome = await run_in_threadpool(
        accounts_port.password_sign_in,
        context.workspace,
        account,
        fields.get("password", ""),
        fields.get("code", ""),
        client.address or "unknown",
    )
    if outcome.user_id is None:  # the accounts core logged it, with the reason
        view = _view(
            request, context, next_path=next_path, account=account, problem=outcome.message
        )
        return _page(view, status=outcome.status, secure=client.https)
    return await start_session(request, context, outcome.user_id, "password", next_path)


async def start_session(
    request: Request, context: ServerContext, user_id: str, method: str, next_path: str
) -> Response:
    """Open a session for `user_id` and answer with its cookies and a redirect to `next_path`."""
    response = RedirectResponse(next_path, 303)
    for header in await session_cookie_headers(request, context, user_id, method):
        response.raw_headers.append((b"set-cookie", header.encode("latin-1")))
    response.headers["Cache-Control"] = "no-store"
    return response


async def session_cookie_headers(
    request: Request, context: ServerContext, user_id: str, method: str
) -> list[str]:
    """Open a session and return the Set-Cookie values for it and the device id."""
    secure = _client(request, context).https
    device = valid_device_id(request.cookies.get(DEVICE_COOKIE)) or new_device_id()
    token, max_age = await run_in_threadpool(
        accounts_port.open_session, context.workspace, user_id, device, method
    )
    return [
        set_cookie_header(
            SESSION_COOKIE, sign(token, context.session_secret), max_age=max_age, secure=secure
        ),
        set_cookie_header(DEVICE_COOKIE, device, max_age=DEVICE_MAX_AGE, secure=secure),
        clear_cookie_header(CSRF_COOKIE, secure=secure),
    ]


async def sign_out(request: Request) -> Response:
    """Sign out: end the session in the database and clear its cookie.

    A POST, or a GET the browser marks as coming from this site (Sec-Fetch-Site), signs out at
    once; a GET from elsewhere only shows a button, so another site cannot sign anyone out.
    """
    context = ServerContext.current()
    client = _client(request, context)
    fetch_site = request.headers.get("sec-fetch-site", "")
    if request.method == "GET" and fetch_site not in ("same-origin", "none"):
        page = (
            '<!doctype html><meta name="viewport" content="width=device-width">'
            '<form method="post" action="/signout"><button style="min-height:48px">'
            "Sign out of DataWalk</button></form>"
        )
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})
    token = unsign(request.cookies.get(SESSION_COOKIE), context.session_secret)
    if token is not None:
        await run_in_threadpool(accounts_port.close_session, context.workspace, token)
    response = RedirectResponse(f"{SIGN_IN}?{urlencode({'message': 'signed_out'})}", 303)
    response.raw_headers.append(
        (b"set-cookie", clear_cookie_header(SESSION_COOKIE, secure=client.https).encode())
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def sso_start(request: Request) -> Response:
    """GET /signin/sso?provider=…&next=…: remember where to come back to, then hand over to
    st.login's own route for that provider."""
    context = ServerContext.current()
    provider = request.query_params.get("provider", "")
    target = sso.login_url(provider)
    if target is None:
        return RedirectResponse(f"{SIGN_IN}?{urlencode({'message': 'sso_failed'})}", 303)
    response = RedirectResponse(target, 303)
    next_path = safe_next(request.query_params.get("next"))
    secure = _client(request, context).https
    response.raw_headers.append(
        (
            b"set-cookie",
            set_cookie_header(
                NEXT_COOKIE, sso.encode_next(next_path), max_age=_FLOW_MAX_AGE, secure=secure
            ).encode("latin-1"),
        )
    )
    return response


def sign_in_routes() -> list[Route]:
    """The routes `st.App` adds in front of Streamlit's own."""
    return [
        Route(SIGN_IN, sign_in_form, methods=["GET"]),
        Route(SIGN_IN, sign_in, methods=["POST"]),
        Route(SIGN_OUT, sign_out, methods=["GET", "POST"]),
        Route(SSO_START, sso_start, methods=["GET"]),
    ]
