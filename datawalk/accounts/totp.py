"""The TOTP second factor (RFC 6238, 30-second steps, 6 digits), with pyotp.

A code is accepted one step either side of now (a phone's clock drifts), and each step once:
the user's last accepted step is kept (`users.totp_last_step`) and a code of that step or an
earlier one is refused, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "DataWalk"
STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    """A random base32 secret of 160 bits, as authenticator apps expect."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads (shown as text or a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def current_code(secret: str, now: datetime) -> str:
    """The code for `now` (tests, and a first check at enrolment)."""
    return pyotp.TOTP(secret).at(now)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """Return the time step whose code `code` is (now, or one step either side), else None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    here = int(now.timestamp()) // STEP_SECONDS
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
