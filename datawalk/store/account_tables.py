"""Accounts' tables (migration 0007): schools as records, users, their school scope, sessions,
sign-in attempts and single sign-on identities."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from .columns import (
    ID,
    SHORT,
    VOCAB,
    UTCDateTime,
    metadata,
)


def _user_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


# A school as its own record: audits point to it, users are scoped to it. The name is not unique
# (two schools may share one); duplicates made by typing are merged in Settings.
schools = Table(
    "schools",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(SHORT), nullable=False, index=True),
    Column("phase", String(VOCAB), nullable=False),
    Column("urn", String(20), nullable=True, unique=True),  # DfE unique reference number
    Column("created_at", UTCDateTime(), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("display_name", String(SHORT), nullable=False),
    # Kept case-folded, so one address is one account however it is typed.
    Column("email", String(SHORT), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(SHORT), nullable=True),  # argon2id; None: sign-in by SSO only
    Column("totp_secret", String(64), nullable=True),
    Column("totp_required", Boolean, nullable=False),
    # The last TOTP time step accepted, so one code cannot be used twice.
    Column("totp_last_step", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

user_schools = Table(
    "user_schools",
    metadata,
    Column("user_id", String(ID), _user_fk(), primary_key=True),
    Column(
        "school_id",
        String(ID),
        ForeignKey("schools.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

# A signed-in browser. Only the SHA-256 of the random session id is kept, so a copy of the
# table signs nobody in.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(ID), _user_fk(), nullable=False, index=True),
    Column("device_id", String(ID), nullable=False),
    Column("method", String(20), nullable=False),  # "password" or "oidc"
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),  # absolute
    Column("idle_expires_at", UTCDateTime(), nullable=False),  # moved on by each touch
    Column("ended_at", UTCDateTime(), nullable=True),
)

# Every sign-in attempt, kept for the rate limit (per account and per client address) and as the
# log of failed sign-ins. `account` is the case-folded address typed, whether or not it exists.
sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("account", String(SHORT), nullable=False),
    Column("client", String(64), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("reason", String(40), nullable=False),
    Index("ix_sign_in_attempts_account_at", "account", "at"),
    Index("ix_sign_in_attempts_client_at", "client", "at"),
)

# An OpenID Connect identity (issuer, subject) linked once to a user, through a verified email.
identities = Table(
    "identities",
    metadata,
    Column("issuer", String(SHORT), primary_key=True),
    Column("subject", String(SHORT), primary_key=True),
    Column("user_id", String(ID), _user_fk(), nullable=False, index=True),
    Column("email", String(SHORT), nullable=False),  # the verified address it was linked through
    Column("linked_at", UTCDateTime(), nullable=False),
)
