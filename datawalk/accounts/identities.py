"""Single sign-on: mapping an OpenID Connect sign-in to a DataWalk user.

A user is found by the token's issuer and subject (`iss`, `sub`), never by the email claim. The
link is made once: the first sign-in from an issuer links to the active user whose email the
provider says it verified (`email_verified`), and for Microsoft only from an allowed tenant
(`tid`). A user already linked at that issuer is not linked again, so a second account at the
same provider claiming the same address gets nothing. Unknown identities get nothing and are
logged (issuer and a digest of the subject, never the token).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from datawalk.accounts.roles import User
from datawalk.accounts.users import get_user, normalise_email
from datawalk.errors import ConflictError
from datawalk.models import utc_now
from datawalk.services.workspace import Workspace

log = logging.getLogger(__name__)
MICROSOFT_ISSUER = "https://login.microsoftonline.com/"


def user_for_identity(
    workspace: Workspace,
    claims: Mapping[str, Any],
    *,
    allowed_tenants: Collection[str] = (),
    now: datetime | None = None,
) -> User | None:
    """The active user these ID-token claims sign in as, linking them the first time; else None."""
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject or len(issuer) > 200 or len(subject) > 200:
        log.warning("single sign-on without an issuer and subject refused")
        return None
    store = workspace._store
    linked = store.get_identity_row(issuer, subject)
    if linked is not None:
        user = get_user(workspace, linked["user_id"])
        if user is None or not user.active:
            _unknown(issuer, subject, "linked user disabled")
            return None
        return user
    return _link(workspace, claims, issuer, subject, allowed_tenants, now or utc_now())


def _link(
    workspace: Workspace,
    claims: Mapping[str, Any],
    issuer: str,
    subject: str,
    allowed_tenants: Collection[str],
    now: datetime,
) -> User | None:
    if claims.get("email_verified") not in (True, "true", "True"):
        return _unknown(issuer, subject, "email not verified")
    if issuer.startswith(MICROSOFT_ISSUER) and str(claims.get("tid") or "") not in allowed_tenants:
        return _unknown(issuer, subject, "tenant not allowed")
    email = normalise_email(str(claims.get("email") or ""))
    store = workspace._store
    row = store.find_user_row(email) if email else None
    if row is None or not row["active"]:
        return _unknown(issuer, subject, "no active user with this email")
    if any(identity["issuer"] == issuer for identity in store.identity_rows_of(row["id"])):
        return _unknown(issuer, subject, "user already linked at this issuer")
    try:
        store.insert_identity(
            {
                "issuer": issuer,
                "subject": subject,
                "user_id": row["id"],
                "email": email,
                "linked_at": now,
            }
        )
    except ConflictError:  # a second server linked it a moment ago
        return user_for_identity(workspace, {"iss": issuer, "sub": subject})
    log.info("single sign-on identity at %s linked to user %s", issuer, row["id"])
    return get_user(workspace, row["id"])


def _unknown(issuer: str, subject: str, why: str) -> User | None:
    """Log a refused single sign-on (never the subject itself) and give nobody."""
    digest = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:12]
    log.warning("single sign-on refused (%s): issuer %s, subject #%s", why, issuer, digest)
    return None
