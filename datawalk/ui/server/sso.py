"""Single sign-on with OpenID Connect through st.login's own routes, turned into a DataWalk
session.

Streamlit's `/auth/login` and `/oauth2callback` routes (configured by the `[auth]` section of
the secrets, as for `st.login`) run the OpenID Connect flow. When the callback answers, the
identity Streamlit signed into its `_streamlit_user` cookie is read here and handed to the
accounts core (`datawalk.accounts.identities.user_for_identity`: by issuer and subject, linked
once through a verified email, never on the email alone). Streamlit's identity cookies are then
replaced with DataWalk's own session cookie (`sso_callback`), so both kinds of sign-in have one
session, one lifetime and one sign-out. Nothing reads `st.user`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlencode

log = logging.getLogger(__name__)
USER_COOKIE = "_streamlit_user"
TOKENS_COOKIE = "_streamlit_user_tokens"
_PROVIDER_KEYS = ("client_id", "server_metadata_url")


# --- the configured providers (the `[auth]` secrets section, as for st.login) -----------------


def _auth_section() -> Mapping[str, Any]:
    from streamlit.runtime.secrets import secrets_singleton

    try:
        if not secrets_singleton.load_if_toml_exists():
            return {}
        section = secrets_singleton.get("auth")
    except Exception:  # an unreadable secrets file means no single sign-on, not a crash
        log.warning("The [auth] secrets could not be read; single sign-on is off.")
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})


def providers() -> list[tuple[str, str]]:
    """Return (name, label) of each provider configured for st.login, in the file's order."""
    section = _auth_section()
    found = [
        name
        for name, value in section.items()
        if isinstance(value, Mapping) and any(key in value for key in _PROVIDER_KEYS)
    ]
    if not found and any(key in section for key in _PROVIDER_KEYS):
        found = ["default"]
    return [(name, "your school account" if name == "default" else name.title()) for name in found]


def login_url(provider: str) -> str | None:
    """Return st.login's own start address for a configured provider, or None."""
    if provider not in {name for name, _ in providers()}:
        return None
    from streamlit.auth_util import encode_provider_token

    return "/auth/login?" + urlencode({"provider": encode_provider_token(provider)})


def encode_next(path: str) -> str:
    return quote(path, safe="")


def decode_next(value: str | None) -> str:
    return unquote(value or "")


# --- reading the callback's answer ---------------------------------------------------------


def _set_cookies(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in headers:
        if key.lower() != b"set-cookie":
            continue
        pair = value.decode("latin-1").split(";", 1)[0]
        name, _, cookie_value = pair.partition("=")
        found[name.strip()] = cookie_value.strip().strip('"')
    return found


def claims_from_callback(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, Any] | None:
    """Return the identity claims Streamlit's callback signed into its user cookie, or None."""
    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

    cookies = _set_cookies(headers)
    secret = get_cookie_secret()

    def single(name: str) -> bytes | None:
        value = cookies.get(name)
        return None if not value else decode_signed_value(secret, name, value)

    raw = get_cookie_with_chunks(single, USER_COOKIE)
    if raw is None:
        return None
    try:
        claims = json.loads(raw)
    except ValueError:
        return None
    return claims if isinstance(claims, dict) and claims.get("is_logged_in") else None


def is_streamlit_identity_cookie(header_value: bytes) -> bool:
    """True for a Set-Cookie of Streamlit's identity or token cookies (or their chunks)."""
    name = header_value.decode("latin-1").split("=", 1)[0].strip()
    return name.startswith(USER_COOKIE)
