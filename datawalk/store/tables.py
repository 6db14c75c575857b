"""SQLAlchemy Core tables of the current schema (the head migration), for the repository modules.

The migrations in `migrations/versions` create this schema; `tests/test_migrations.py` checks that
the two agree. Types are portable (JSON, LargeBinary, String, DateTime with time zone) so the same
tables run on SQLite and PostgreSQL. Every child row carries `audit_id` with ON DELETE CASCADE, so
deleting an audit removes everything it owns.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .account_tables import (
    identities,
    schools,
    sessions,
    sign_in_attempts,
    user_schools,
    users,
)
from .columns import (
    ID,
    SHORT,
    VOCAB,
    UTCDateTime,
    audit_fk,
    json_column,
    metadata,
    photo_columns,
)
from .rewalk_tables import (
    carried_actions,
    rewalk_items,
    rewalk_photos,
    unchecked_locations,
    walk_summaries,
)

# Every table of the schema, whichever module defines it: the store reads them all from here.
__all__ = [
    "ID",
    "SHORT",
    "VOCAB",
    "action_findings",
    "actions",
    "audits",
    "carried_actions",
    "draft_photos",
    "drafts",
    "findings",
    "floor_plans",
    "identities",
    "imported_trail_events",
    "last_places",
    "locations",
    "metadata",
    "photos",
    "rewalk_items",
    "rewalk_photos",
    "schools",
    "sessions",
    "sign_in_attempts",
    "tombstones",
    "trail_events",
    "unchecked_locations",
    "user_schools",
    "users",
    "walk_summaries",
]

audits = Table(
    "audits",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("school", json_column(), nullable=False),
    Column("site", json_column(), nullable=False),  # floors without plan bytes: see floor_plans
    Column("walk_at", UTCDateTime(), nullable=False),
    Column("auditor", String(SHORT), nullable=False),
    Column("accompanied_by", String(SHORT), nullable=False),
    Column("scope_limitations", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("checklist_id", String(VOCAB), nullable=False),
    Column("checklist_version", Integer, nullable=False),
    Column("checklist_hash", String(64), nullable=False),
    Column("checklist_content", json_column(), nullable=False),
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
    Column("audit_id", String(ID), audit_fk(), primary_key=True),
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
    Column("audit_id", String(ID), audit_fk(), nullable=False, index=True),
    Column("name", String(SHORT), nullable=False),
    Column("location_type", String(VOCAB), nullable=False),
    Column("floor_id", String(VOCAB), nullable=True),
    Column("position_x", Float, nullable=True),
    Column("position_y", Float, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("last_used_at", UTCDateTime(), nullable=False),
    Column("nothing_found", Boolean, nullable=False),
    Column("prompts_checked", json_column(), nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), audit_fk(), nullable=False),
    Column("location_id", String(ID), ForeignKey("locations.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("reference", String(16), nullable=False),
    Column("title", String(SHORT), nullable=False, server_default=""),
    Column("categories", json_column(), nullable=False),
    Column("format", String(VOCAB), nullable=False),
    Column("identifiability", String(VOCAB), nullable=False),
    Column("detail_level", String(VOCAB), nullable=False),
    Column("visible_to", json_column(), nullable=False),
    Column("needed_by", json_column(), nullable=False),
    Column("reach", String(VOCAB), nullable=False),
    Column("controls", json_column(), nullable=False),
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
    *photo_columns(),
)

drafts = Table(
    "drafts",
    metadata,
    Column("audit_id", String(ID), audit_fk(), primary_key=True),
    # "" stands for "no location": NULL would not be unique in a key on SQLite or PostgreSQL.
    Column("location_key", String(ID), primary_key=True),
    # Whose draft: a person on one device (datawalk/editing.py); never shown to anyone else.
    Column("owner", String(SHORT), primary_key=True),
    Column("device", String(ID), primary_key=True),
    Column("payload", json_column(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# A draft's photo bytes, once each by SHA-256: the draft payload, written on every tap, only
# names them (see store/drafts.py).
draft_photos = Table(
    "draft_photos",
    metadata,
    Column("audit_id", String(ID), audit_fk(), primary_key=True),
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
    Column("audit_id", String(ID), audit_fk(), nullable=False, index=True),
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
    Column("audit_id", String(ID), audit_fk(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(SHORT), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", String(ID), nullable=False),
    Column("operation", String(20), nullable=False),
    Column("changes", json_column(), nullable=False),
    Index("ix_trail_events_audit_seq", "audit_id", "seq"),
)

# Trail events that came from backup files: what the file said, which file (SHA-256), when and by
# whom it was imported. Kept apart from `trail_events`, which holds only what happened here.
imported_trail_events = Table(
    "imported_trail_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("audit_id", String(ID), audit_fk(), nullable=False),
    Column("event_id", String(ID), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(SHORT), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", String(ID), nullable=False),
    Column("operation", String(20), nullable=False),
    Column("changes", json_column(), nullable=False),
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
    Column("audit_id", String(ID), audit_fk(), nullable=False, index=True),
    Column(
        "location_id",
        String(ID),
        ForeignKey("locations.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("updated_at", UTCDateTime(), nullable=False),
)
