"""Account passwords, hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile).

The hash string carries its own parameters, so raising them later only needs `needs_rehash` at
the next sign-in. A password is NFC-normalised first: the same password typed on an iPad and a
laptop may differ in Unicode composition.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from datawalk.errors import ValidationError

MIN_LENGTH = 10
# A cap keeps a pasted novel from turning each check into a long hash run.
MAX_LENGTH = 1024
_HASHER = PasswordHasher(type=Type.ID)


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def check_strength(password: str) -> None:
    """Raises ValidationError: the password is too short or too long."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_LENGTH} characters.", field="password"
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(
            f"A password may have at most {MAX_LENGTH} characters.", field="password"
        )


def hash_password(password: str) -> str:
    """Return the argon2id hash to store.

    Raises:
        ValidationError: the password is too short or too long.
    """
    check_strength(password)
    return _HASHER.hash(_normalise(password))


def verify_password(password: str, stored_hash: str | None) -> bool:
    """True when `password` matches `stored_hash`. With no hash (an unknown account, one without
    a password) a dummy hash is checked, so the answer takes as long either way."""
    if not password or len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), _normalise(password)) and bool(
            stored_hash
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a password anyone has")
