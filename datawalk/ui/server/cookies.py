"""The two cookies DataWalk sets: the signed session cookie and the long-lived device id.

The session cookie carries a random token (the `sessions` table keeps only its hash) and an
HMAC of it under the deployment's session secret, so a cookie that was not issued here is
refused before the database is asked. Both cookies are HttpOnly (no script on the page can read
them) and SameSite=Lax (a cross-site form cannot use them); `Secure` is added whenever the
request came over HTTPS. Pure: no streamlit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from http.cookies import SimpleCookie
from pathlib import Path

# The device cookie is the drafts' device key: its name and shape are defined with the drafts.
from datawalk.editing import DEVICE_COOKIE as DEVICE_COOKIE
from datawalk.editing import new_device_id as new_device_id
from datawalk.editing import valid_device_id as valid_device_id

SESSION_COOKIE = "datawalk_session"
# A device id outlives every session: drafts belong to one user on one device.
DEVICE_MAX_AGE = 400 * 24 * 3600
_TOKEN_BYTES = 32
_DOMAIN = b"datawalk-session-cookie|"
_SECRET_FILE = Path("data") / "session.key"


def new_token() -> str:
    """Return a fresh random session token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


def _mac(secret: bytes, token: str) -> str:
    digest = hmac.new(secret, _DOMAIN + token.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def sign(token: str, secret: bytes) -> str:
    """Return the cookie value for `token`."""
    return f"{token}.{_mac(secret, token)}"


def unsign(value: str | None, secret: bytes) -> str | None:
    """Return the token of a cookie this deployment signed, or None for anything else."""
    if not value or value.count(".") != 1 or len(value) > 200:
        return None
    token, mac = value.split(".")
    if not token.isascii() or not hmac.compare_digest(mac, _mac(secret, token)):
        return None
    return token


def load_secret(configured: str | None, fallback: Path = _SECRET_FILE) -> bytes:
    """Return the session secret: the configured one, else one kept in `fallback` (made once,
    readable by its owner only), so sessions survive a restart with no configuration. Servers
    that share a database must share the secret: set `DATAWALK_SESSION_SECRET` on each."""
    if configured:
        return configured.encode("utf-8")
    try:
        return fallback.read_bytes().strip()
    except FileNotFoundError:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48).encode("ascii")
        try:
            descriptor = os.open(fallback, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server process made it first
            return fallback.read_bytes().strip()
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secret)
        return secret


def set_cookie_header(name: str, value: str, *, max_age: int, secure: bool) -> str:
    """Return one Set-Cookie header value: HttpOnly, SameSite=Lax, Path=/."""
    cookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["max-age"] = str(max_age)
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()


def clear_cookie_header(name: str, *, secure: bool) -> str:
    """Return a Set-Cookie header value that removes cookie `name`."""
    return set_cookie_header(name, "", max_age=0, secure=secure)
