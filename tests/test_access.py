"""The access decision table and the app password hash (datawalk.access)."""

from __future__ import annotations

import pytest

from datawalk.access import (
    HASH_COMMAND,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PASSWORD_HASH_SETTING,
    Outcome,
    decide_access,
    hash_password,
    is_loopback,
    is_password_hash,
    verify_password,
)
from datawalk.errors import ValidationError

PASSWORD = "fictional school walk 2026"
LOCAL = ["127.0.0.1", "127.4.5.6", "::1", "::ffff:127.0.0.1", " 127.0.0.1 "]
# Documentation and private ranges only: these strings are parsed, never contacted.
REMOTE = ["10.200.1.2", "192.168.1.20", "203.0.113.7", "2001:db8::5", "fe80::1%eth0", "0.0.0.0"]
UNKNOWN = [None, "", "not-an-ip", "localhost", "[link](javascript:x)"]


@pytest.fixture(scope="module")
def stored_hash() -> str:
    """One real scrypt hash, made once because scrypt is deliberately slow."""
    return hash_password(PASSWORD)


@pytest.mark.parametrize("address", LOCAL)
def test_loopback_addresses_are_local(address: str) -> None:
    assert is_loopback(address)


@pytest.mark.parametrize("address", REMOTE + UNKNOWN)
def test_other_and_unknown_addresses_are_not_local(address: str | None) -> None:
    assert not is_loopback(address)


@pytest.mark.parametrize("address", LOCAL)
def test_no_password_allows_this_machine(address: str) -> None:
    assert decide_access(address, None, password_given=False).outcome is Outcome.ALLOWED


@pytest.mark.parametrize("address", REMOTE)
@pytest.mark.parametrize("configured", [None, "", "   "])
def test_no_password_refuses_another_host_and_says_why_and_how(
    address: str, configured: str | None
) -> None:
    decision = decide_access(address, configured, password_given=False)
    assert decision.outcome is Outcome.REFUSED
    assert not decision.allowed
    assert "another computer" in decision.reason
    assert "no app password is configured" in decision.reason
    assert HASH_COMMAND in decision.reason
    assert PASSWORD_HASH_SETTING in decision.reason


@pytest.mark.parametrize("address", UNKNOWN)
def test_unknown_address_is_refused_without_echoing_it(address: str | None) -> None:
    decision = decide_access(address, None, password_given=False)
    assert decision.outcome is Outcome.REFUSED
    assert "could not tell" in decision.reason
    if address:
        assert address not in decision.reason


@pytest.mark.parametrize("address", LOCAL + REMOTE + UNKNOWN)
def test_configured_password_is_asked_of_everyone(address: str | None, stored_hash: str) -> None:
    decision = decide_access(address, stored_hash, password_given=False)
    assert decision.outcome is Outcome.NEEDS_PASSWORD
    assert "password" in decision.reason


@pytest.mark.parametrize("address", LOCAL + REMOTE + UNKNOWN)
def test_given_password_allows_everyone(address: str | None, stored_hash: str) -> None:
    assert decide_access(address, stored_hash, password_given=True).allowed


@pytest.mark.parametrize("bad_hash", ["secret", "scrypt$1$2", "pbkdf2$1$1$1$aa$bb"])
@pytest.mark.parametrize("given", [False, True])
def test_unreadable_hash_locks_everyone_and_says_how_to_fix(bad_hash: str, given: bool) -> None:
    for address in ("127.0.0.1", "10.200.1.2"):
        decision = decide_access(address, bad_hash, password_given=given)
        assert decision.outcome is Outcome.REFUSED
        assert HASH_COMMAND in decision.reason
        assert bad_hash not in decision.reason


def test_hash_round_trip(stored_hash: str) -> None:
    assert stored_hash.startswith("scrypt$")
    assert PASSWORD not in stored_hash
    assert is_password_hash(stored_hash)
    assert verify_password(PASSWORD, stored_hash)


@pytest.mark.parametrize(
    "attempt", ["", "fictional school walk 2025", "FICTIONAL SCHOOL WALK 2026", PASSWORD + " "]
)
def test_other_passwords_do_not_match(attempt: str, stored_hash: str) -> None:
    assert not verify_password(attempt, stored_hash)


def test_hashes_are_salted() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert verify_password(PASSWORD, first)
    assert verify_password(PASSWORD, second)


def test_unicode_composition_does_not_matter() -> None:
    composed, decomposed = "café au lait 2026", "cafe\u0301 au lait 2026"
    assert composed != decomposed
    assert verify_password(decomposed, hash_password(composed))


def test_emoji_password_round_trips() -> None:
    password = "walk 🏫 the corridor"
    assert verify_password(password, hash_password(password))


@pytest.mark.parametrize("length", [0, MIN_PASSWORD_LENGTH - 1, MAX_PASSWORD_LENGTH + 1])
def test_hash_refuses_unsuitable_length(length: int) -> None:
    with pytest.raises(ValidationError) as error:
        hash_password("x" * length)
    assert error.value.field == "password"


def test_over_long_attempt_never_matches(stored_hash: str) -> None:
    assert not verify_password("x" * (MAX_PASSWORD_LENGTH + 1), stored_hash)


def test_tampered_hash_does_not_verify(stored_hash: str) -> None:
    scheme, n, r, p, salt, key = stored_hash.split("$")
    flipped = key[:-2] + ("A" if key[-2] != "A" else "B") + key[-1]
    assert not verify_password(PASSWORD, "$".join([scheme, n, r, p, salt, flipped]))
    other_salt = hash_password("another password").split("$")[4]
    assert not verify_password(PASSWORD, "$".join([scheme, n, r, p, other_salt, key]))


@pytest.mark.parametrize(
    "bad_hash",
    [
        "",
        "plain text",
        "scrypt$16384$8$1$c2FsdHNhbHQ",
        "scrypt$16385$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",  # n not a power of two
        "scrypt$1048576$32$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",  # gigabytes of memory
        "scrypt$16384$8$1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5",
        "scrypt$x$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
    ],
)
def test_malformed_hashes_are_rejected_not_crashing(bad_hash: str) -> None:
    assert not is_password_hash(bad_hash)
    assert not verify_password(PASSWORD, bad_hash)
