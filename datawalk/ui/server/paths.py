"""Which request paths the sign-in gate lets through, refuses, or sends to the sign-in page, and
which return addresses it accepts after sign-in. Pure.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit

SIGN_IN = "/signin"
SIGN_OUT = "/signout"
SSO_START = "/signin/sso"
OIDC_CALLBACK = "/oauth2callback"
UPLOAD_PREFIX = "/_stcore/upload_file/"
MEDIA_PREFIX = "/media/"
STREAM = "/_stcore/stream"
_MAX_NEXT = 2000

# Served to anyone: the sign-in routes, Streamlit's health checks and its front-end bundle. The
# bundle is the same public code for every install and holds no data.
_PUBLIC_EXACT = frozenset(
    {
        SIGN_IN,
        SIGN_OUT,
        SSO_START,
        OIDC_CALLBACK,
        "/auth/login",
        "/_stcore/health",
        "/_stcore/host-config",
        "/_stcore/script-health-check",
    }
)
_PUBLIC_ASSET = re.compile(r"^/(static/.+|[A-Za-z0-9_.-]+\.(png|ico|json|txt|svg|webmanifest))$")
# Data or the live app: refused outright without a session.
_PROTECTED_PREFIXES = ("/_stcore/", "/media/", "/component/", "/app/static/")


class PathKind(StrEnum):
    PUBLIC = "public"  # anyone
    PAGE = "page"  # an app page: without a session, sent to the sign-in page
    PROTECTED = "protected"  # data, uploads, the websocket: 403 without a session


def classify(path: str) -> PathKind:
    """Say how the gate treats a request for `path`."""
    if path in _PUBLIC_EXACT or _PUBLIC_ASSET.match(path):
        return PathKind.PUBLIC
    if path.startswith(_PROTECTED_PREFIXES):
        return PathKind.PROTECTED
    return PathKind.PAGE


def is_upload_or_media(path: str) -> bool:
    return path.startswith((UPLOAD_PREFIX, MEDIA_PREFIX))


def safe_next(candidate: str | None) -> str:
    """Return `candidate` if it is a path on this server (with its query), else "/".

    Only a path that starts with one "/" is kept, so the return address can never send a
    browser to another site after sign-in.
    """
    text = (candidate or "").strip()
    if not text or len(text) > _MAX_NEXT or not text.startswith("/") or "\\" in text:
        return "/"
    if text.startswith("//") or any(ord(char) < 32 for char in text):
        return "/"
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return "/"
    if parts.path in _PUBLIC_EXACT or classify(parts.path) is not PathKind.PAGE:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")
