"""Signing in with a local account: rate limit, argon2id password, then the TOTP code.

`sign_in` is the one function the sign-in page calls. It returns what to do next, never why a
password was wrong: an unknown address, a disabled account and a wrong password all get the same
answer in the same time (a dummy hash is checked). Every failure is kept for the rate limit and
logged. The web layer decides the client address (trusting X-Forwarded-For only from its
configured proxy) and refuses passwords over plain HTTP from other machines before calling this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from datawalk.accounts import passwords, rate_limit, totp
from datawalk.accounts.roles import User
from datawalk.accounts.users import normalise_email, user_from_row
from datawalk.models import utc_now
from datawalk.services.workspace import Workspace

WRONG = "The email address or password is wrong."


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    NEEDS_CODE = "needs_code"  # the password is right; ask for the authenticator code
    REFUSED = "refused"
    WAIT = "wait"  # too many failures: try again after `retry_after` seconds


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    message: str = ""
    user: User | None = None  # set when signed in
    retry_after: float = 0.0  # seconds, when told to wait

    @property
    def signed_in(self) -> bool:
        return self.outcome is Outcome.SIGNED_IN


def sign_in(
    workspace: Workspace,
    email: str,
    password: str,
    code: str | None = None,
    *,
    client: str,
    now: datetime | None = None,
    policy: rate_limit.RateLimitPolicy = rate_limit.DEFAULT_POLICY,
) -> SignInResult:
    """Check a sign-in attempt from `client` (its address); say what happens next.

    A user whose second factor is required (or enrolled) gets NEEDS_CODE until the code is
    given with the password; a code is accepted once.
    """
    now = now or utc_now()
    account = normalise_email(email)[:200]
    wait = rate_limit.wait_before_attempt(workspace, account, client, now, policy)
    if not wait.clear:
        seconds = int(wait.seconds) + 1
        return SignInResult(
            Outcome.WAIT,
            f"Too many failed sign-ins: try again in {seconds} seconds.",
            retry_after=wait.seconds,
        )
    store = workspace._store
    row = store.find_user_row(account) if account else None
    usable = row is not None and bool(row["active"]) and row["password_hash"] is not None
    stored_hash = row["password_hash"] if usable and row is not None else None
    if not passwords.verify_password(password, stored_hash) or row is None:
        return _fail(workspace, account, client, now, "unknown" if row is None else "password")
    if row["totp_required"] or row["totp_secret"] is not None:
        if row["totp_secret"] is None:
            return _fail(workspace, account, client, now, "no_second_factor")
        if not code:
            return SignInResult(Outcome.NEEDS_CODE, "Enter the code from your authenticator app.")
        step = totp.matching_step(row["totp_secret"], code, now)
        if step is None:
            return _fail(workspace, account, client, now, "code")
        if not store.accept_totp_step(row["id"], step):
            return _fail(workspace, account, client, now, "code_reused")
    if passwords.needs_rehash(row["password_hash"]):
        store.update_user(row["id"], password_hash=passwords.hash_password(password))
    rate_limit.record_attempt(workspace, account, client, succeeded=True, reason="ok", now=now)
    return SignInResult(
        Outcome.SIGNED_IN, user=user_from_row(row, store.user_school_ids(row["id"]))
    )


def _fail(
    workspace: Workspace, account: str, client: str, now: datetime, reason: str
) -> SignInResult:
    rate_limit.record_attempt(workspace, account, client, succeeded=False, reason=reason, now=now)
    message = "The code is wrong or was already used." if reason.startswith("code") else WRONG
    return SignInResult(Outcome.REFUSED, message)
