"""SQLAlchemy Core tables of the current schema (the head migration), for the repository modules.

The migrations in `migrations/versions` create this schema; `tests/test_migrations.py` checks that
the two agree. Types are portable (JSON, LargeBinary, String, DateTime with time zone) so the same
tables run on SQLite and PostgreSQL. Every child row carries `audit_id` with ON DELETE CASCADE, so
deleting an audit removes everything it owns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

ID = 64
SHORT = 200
VOCAB = 80


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC and always read back aware (UTC).

    SQLite has no time zone storage; PostgreSQL's timestamptz keeps the instant, not the offset.
    Normalising to UTC gives the same value back on both. A naive datetime is taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json() -> JSON:
    # none_as_null: Python None is SQL NULL, not the JSON text 'null', so IS NULL works.
    return JSON(none_as_null=True)


def _audit_fk() -> ForeignKey:
    return ForeignKey("audits.id", ondelete="CASCADE")


metadata = MetaData()

audits = Table(
    "audits",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("school", _json(), nullable=False),
    Column("site", _json(), nullable=False),  # floors without plan bytes: see floor_plans
    Column("walk_at", UTCDateTime(), nullable=False),
    Column("auditor", String(SHORT), nullable=False),
    Column("accompanied_by", String(SHORT), nullable=False),
    Column("scope_limitations", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("checklist_id", String(VOCAB), nullable=False),
    Column("checklist_version", Integer, nullable=False),
    Column("checklist_hash", String(64), nullable=False),
    Column("checklist_content", _json(), nullable=False),
    Column("last_reference", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("overall_opinion", Text, nullable=False),
    Column("legal_hold", Boolean, nullable=False),
    Column("completed_at", UTCDateTime(), nullable=True),
    # Always set by the store; nullable only so 0007_accounts could add it in place on SQLite.
    Column("school_id", String(ID), ForeignKey("schools.id"), nullable=True, index=True),
    # The walk this one re-walks (no foreign key: it may be deleted, or not restored here).
    Column("previous_audit_id", String(ID), nullable=True),
)

floor_plans = Table(
    "floor_plans",
    metadata,
    Column("audit_id", String(ID), _audit_fk(), primary_key=True),
    Column("floor_id", String(VOCAB), primary_key=True),
    Column("media_type", String(40), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False, index=True),
    Column("name", String(SHORT), nullable=False),
    Column("location_type", String(VOCAB), nullable=False),
    Column("floor_id", String(VOCAB), nullable=True),
    Column("position_x", Float, nullable=True),
    Column("position_y", Float, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("last_used_at", UTCDateTime(), nullable=False),
    Column("nothing_found", Boolean, nullable=False),
    Column("prompts_checked", _json(), nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False),
    Column("location_id", String(ID), ForeignKey("locations.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("reference", String(16), nullable=False),
    Column("title", String(SHORT), nullable=False, server_default=""),
    Column("categories", _json(), nullable=False),
    Column("format", String(VOCAB), nullable=False),
    Column("identifiability", String(VOCAB), nullable=False),
    Column("detail_level", String(VOCAB), nullable=False),
    Column("visible_to", _json(), nullable=False),
    Column("needed_by", _json(), nullable=False),
    Column("reach", String(VOCAB), nullable=False),
    Column("controls", _json(), nullable=False),
    Column("evidence", String(VOCAB), nullable=False),
    Column("review_date", Date, nullable=True),
    Column("need_override", Integer, nullable=True),
    Column("good_practice", Boolean, nullable=False),
    Column("good_practice_note", Text, nullable=False),
    Column("notes", Text, nullable=False),
    Column("template_id", String(VOCAB), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("audit_id", "reference", name="uq_findings_audit_reference"),
    Index("ix_findings_audit_location", "audit_id", "location_id"),
    Index("ix_findings_location", "location_id"),
)

photos = Table(
    "photos",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column(
        "finding_id",
        String(ID),
        ForeignKey("findings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("ordinal", Integer, nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("caption", String(SHORT), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("redaction", _json(), nullable=True),
    Column("needs_review", Boolean, nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("audit_id", String(ID), _audit_fk(), primary_key=True),
    # "" stands for "no location": NULL would not be unique in a key on SQLite or PostgreSQL.
    Column("location_key", String(ID), primary_key=True),
    # Whose draft: a person on one device (datawalk/editing.py); never shown to anyone else.
    Column("owner", String(SHORT), primary_key=True),
    Column("device", String(ID), primary_key=True),
    Column("payload", _json(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# A draft's photo bytes, once each by SHA-256: the draft payload, written on every tap, only
# names them (see store/drafts.py).
draft_photos = Table(
    "draft_photos",
    metadata,
    Column("audit_id", String(ID), _audit_fk(), primary_key=True),
    Column("location_key", String(ID), primary_key=True),
    Column("owner", String(SHORT), primary_key=True),
    Column("device", String(ID), primary_key=True),
    Column("digest", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

actions = Table(
    "actions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False, index=True),
    Column("recommendation", Text, nullable=False),
    Column("owner", String(SHORT), nullable=False),
    Column("due_date", Date, nullable=True),
    Column("priority", Float, nullable=False),
    Column("status", String(20), nullable=False),
    Column("notes", Text, nullable=False),
    Column("accepted_reason", Text, nullable=False),
    Column("accepted_by", String(SHORT), nullable=False),
    Column("accepted_on", Date, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # Bumped on every change: an edit names the version it started from (stale-edit check).
    Column("version", Integer, nullable=False, server_default="1"),
)

action_findings = Table(
    "action_findings",
    metadata,
    Column(
        "action_id",
        String(ID),
        ForeignKey("actions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "finding_id",
        String(ID),
        ForeignKey("findings.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("ordinal", Integer, nullable=False),
)

trail_events = Table(
    "trail_events",
    metadata,
    # seq keeps the order of events written in the same instant, and of imported trails.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(ID), nullable=False, unique=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(SHORT), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", String(ID), nullable=False),
    Column("operation", String(20), nullable=False),
    Column("changes", _json(), nullable=False),
    Index("ix_trail_events_audit_seq", "audit_id", "seq"),
)

# Trail events that came from backup files: what the file said, which file (SHA-256), when and by
# whom it was imported. Kept apart from `trail_events`, which holds only what happened here.
imported_trail_events = Table(
    "imported_trail_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False),
    Column("event_id", String(ID), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(SHORT), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", String(ID), nullable=False),
    Column("operation", String(20), nullable=False),
    Column("changes", _json(), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("imported_at", UTCDateTime(), nullable=False),
    Column("imported_by", String(SHORT), nullable=False),
    Index("ix_imported_trail_events_audit_seq", "audit_id", "seq"),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("audit_id", String(ID), nullable=False, index=True),
    Column("school_name", String(SHORT), nullable=False),
    Column("walk_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("completed_at", UTCDateTime(), nullable=True),
    Column("deleted_by", String(SHORT), nullable=False),
    Column("deleted_at", UTCDateTime(), nullable=False),
)

# Each user's last audit and location on the walk page (see `places.py`); scratch state.
last_places = Table(
    "last_places",
    metadata,
    Column("user_key", String(SHORT), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False, index=True),
    Column(
        "location_id",
        String(ID),
        ForeignKey("locations.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# --- accounts (0007): schools as records, users, their school scope, sessions, sign-ins -----


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

# Re-walks (see store/rewalks.py): last walk's findings as structured copies (no photos, notes or
# purged text) with what the consultant found this time, its carried-over actions, locations not
# checked this time, and what is kept of a walk for the trend once its records are deleted.
rewalk_items = Table(
    "rewalk_items",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False, index=True),
    Column(
        "location_id", String(ID), ForeignKey("locations.id", ondelete="CASCADE"), nullable=False
    ),
    Column("ordinal", Integer, nullable=False),
    Column("previous_finding_id", String(ID), nullable=False),
    Column("previous_reference", String(16), nullable=False),
    Column("previous", _json(), nullable=False),
    Column("state", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column(
        "new_finding_id", String(ID), ForeignKey("findings.id", ondelete="SET NULL"), nullable=True
    ),
    Column("decided_by", String(SHORT), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=True),
)

# A resolved finding's evidence photos (store/rewalk_photos.py): redacted at intake like a
# finding's photos, purged with them, never carried to a later walk.
rewalk_photos = Table(
    "rewalk_photos",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False, index=True),
    Column(
        "rewalk_item_id",
        String(ID),
        ForeignKey("rewalk_items.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("ordinal", Integer, nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("caption", String(SHORT), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("redaction", _json(), nullable=True),
    Column("needs_review", Boolean, nullable=False),
)

carried_actions = Table(
    "carried_actions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), _audit_fk(), nullable=False, index=True),
    Column("origin_action_id", String(ID), nullable=False),
    Column("origin_audit_id", String(ID), nullable=False),
    Column("previous_finding_ids", _json(), nullable=False),
    Column("recommendation", Text, nullable=False),
    Column("owner", String(SHORT), nullable=False),
    Column("due_date", Date, nullable=True),
    Column("status", String(20), nullable=False),
    Column("accepted_reason", Text, nullable=False),
    Column("accepted_by", String(SHORT), nullable=False),
    Column("accepted_on", Date, nullable=True),
    Column("accept_again", Boolean, nullable=False),
    Column("checked_on", Date, nullable=True),
    Column("checked_by", String(SHORT), nullable=False),
)

unchecked_locations = Table(
    "unchecked_locations",
    metadata,
    Column("audit_id", String(ID), _audit_fk(), primary_key=True),
    Column(
        "location_id", String(ID), ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("marked_by", String(SHORT), nullable=False),
    Column("marked_at", UTCDateTime(), nullable=False),
)

# No foreign key: kept after the walk itself is deleted. No personal data (see README).
walk_summaries = Table(
    "walk_summaries",
    metadata,
    Column("audit_id", String(ID), primary_key=True),
    Column("school_key", String(SHORT), nullable=False, index=True),
    Column("school_name", String(SHORT), nullable=False),
    Column("walk_at", UTCDateTime(), nullable=False),
    Column("checklist_id", String(VOCAB), nullable=False),
    Column("checklist_version", Integer, nullable=False),
    Column("levels", _json(), nullable=False),
    Column("locations", _json(), nullable=False),
    Column("kept_at", UTCDateTime(), nullable=False),
)
