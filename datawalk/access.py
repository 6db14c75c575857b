"""Who may see DataWalk: the access decision and the app password hash.

The app holds notes about child-protection records and photos, so a request that does not come
from this machine is refused unless an app password is configured. The password is configured
only as a hash (scrypt, from the standard library) and compared in constant time.

Decisions, documented here because the UI layer relies on them:

- Loopback means 127.0.0.0/8 and ::1 (also written as ::ffff:127.x.x.x). An address that is
  missing (None) or unparseable is "unknown" and treated as NOT local: we fail closed.
- Once a password is configured, everyone must give it, the local machine included. A reverse
  proxy or an SSH tunnel on the laptop makes remote iPads look local; the password must not be
  skippable through them.
- A configured hash that cannot be read refuses everyone, with a message saying how to fix it,
  rather than silently opening the app.

This module must not import streamlit; `datawalk.ui.access` reads the request and the settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from datawalk.errors import ValidationError

PASSWORD_HASH_SETTING = "DATAWALK_PASSWORD_HASH"
HASH_COMMAND = "python -m datawalk hash-password"
MIN_PASSWORD_LENGTH = 10
# A cap keeps a pasted novel from turning each check into a long scrypt run.
MAX_PASSWORD_LENGTH = 1024

_SCHEME = "scrypt"
# n=2**14, r=8 costs ~16 MiB and some tens of milliseconds: slow for guessing, quick for a login.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_KEY_BYTES = 32
_SALT_BYTES = 16
_MAX_MEMORY = 128 * 1024 * 1024


class Outcome(StrEnum):
    ALLOWED = "allowed"
    NEEDS_PASSWORD = "needs_password"
    REFUSED = "refused"


@dataclass(frozen=True)
class AccessDecision:
    """What to show this request; `reason` is written for the person at the screen."""

    outcome: Outcome
    reason: str

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED


@dataclass(frozen=True)
class _ScryptHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def is_loopback(client_ip: str | None) -> bool:
    """Return True only for an address of this machine; None or garbage is not local."""
    if not client_ip:
        return False
    try:
        address = ipaddress.ip_address(client_ip.strip())
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def _normalise(password: str) -> bytes:
    # The same password typed on an iPad and on a laptop may differ in Unicode composition.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        _normalise(password), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=length
    )


def hash_password(password: str) -> str:
    """Return `scrypt$n$r$p$salt$key` for the app password, to put in DATAWALK_PASSWORD_HASH.

    Raises:
        ValidationError: the password is too short or too long to be a sensible app password.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"The app password needs at least {MIN_PASSWORD_LENGTH} characters.",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"The app password may have at most {MAX_PASSWORD_LENGTH} characters.",
            field="password",
        )
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _KEY_BYTES)
    fields = [_SCHEME, str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(key)]
    return "$".join(fields)


def _parse_hash(stored_hash: str) -> _ScryptHash | None:
    """Read a stored hash, or None when it is not one this module wrote."""
    parts = stored_hash.strip().split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return None
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, binascii.Error):
        return None
    # Bounds keep a mistyped setting from asking scrypt for gigabytes of memory.
    if n < 2 or n & (n - 1) or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16:
        return None
    if 128 * r * n * 2 > _MAX_MEMORY or len(salt) < 8 or len(key) < 16:
        return None
    return _ScryptHash(n=n, r=r, p=p, salt=salt, key=key)


def is_password_hash(stored_hash: str) -> bool:
    """Return True when `stored_hash` is a hash `hash_password` could have written."""
    return _parse_hash(stored_hash) is not None


def verify_password(password: str, stored_hash: str) -> bool:
    """Return True when `password` matches `stored_hash`; compares in constant time.

    A malformed hash or an over-long password never matches.
    """
    parsed = _parse_hash(stored_hash)
    if parsed is None or not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    candidate = _scrypt(password, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.key))
    return hmac.compare_digest(candidate, parsed.key)


def _configure_hint() -> str:
    return (
        f"To use DataWalk from an iPad or another computer, create a password hash with "
        f"`{HASH_COMMAND}` and set it as `{PASSWORD_HASH_SETTING}`, either in the environment "
        f"or in `.streamlit/secrets.toml`, then restart DataWalk."
    )


def _parsed_address(client_ip: str | None) -> str | None:
    """Return the address in canonical form, or None; only a real address is ever displayed."""
    try:
        return str(ipaddress.ip_address((client_ip or "").strip()))
    except ValueError:
        return None


def _refused_remote(client_ip: str | None) -> AccessDecision:
    address = _parsed_address(client_ip)
    where = (
        "DataWalk could not tell which computer this request comes from"
        if address is None
        else f"This request comes from another computer ({address})"
    )
    return AccessDecision(
        Outcome.REFUSED,
        f"{where}, and no app password is configured. DataWalk holds notes about "
        f"child-protection records and photos, so without a password it only answers the "
        f"computer it runs on. {_configure_hint()}",
    )


def decide_access(
    client_ip: str | None, password_hash: str | None, password_given: bool
) -> AccessDecision:
    """Decide whether to show the app, ask for the password, or refuse, and say why.

    `password_given` means this session already entered the right password.
    """
    configured = (password_hash or "").strip()
    if not configured:
        if is_loopback(client_ip):
            return AccessDecision(Outcome.ALLOWED, "This request comes from this computer.")
        return _refused_remote(client_ip)
    if not is_password_hash(configured):
        return AccessDecision(
            Outcome.REFUSED,
            f"The configured `{PASSWORD_HASH_SETTING}` is not a password hash DataWalk can "
            f"read, so DataWalk stays locked. Create a new one with `{HASH_COMMAND}`, set it, "
            f"and restart DataWalk.",
        )
    if password_given:
        return AccessDecision(Outcome.ALLOWED, "The app password was given in this session.")
    return AccessDecision(
        Outcome.NEEDS_PASSWORD, "DataWalk is protected by an app password. Enter it to continue."
    )
