"""A re-walk's tables (migrations 0008 and 0010): last walk's findings as carried over and what
each became, a resolved finding's evidence photos, carried actions, locations not checked this
time, and the per-walk summaries kept for the trend after retention."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
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

# Re-walks (see store/rewalks.py): last walk's findings as structured copies (no photos, notes or
# purged text) with what the consultant found this time, its carried-over actions, locations not
# checked this time, and what is kept of a walk for the trend once its records are deleted.
rewalk_items = Table(
    "rewalk_items",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), audit_fk(), nullable=False, index=True),
    Column(
        "location_id", String(ID), ForeignKey("locations.id", ondelete="CASCADE"), nullable=False
    ),
    Column("ordinal", Integer, nullable=False),
    Column("previous_finding_id", String(ID), nullable=False),
    Column("previous_reference", String(16), nullable=False),
    Column("previous", json_column(), nullable=False),
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
    Column("audit_id", String(ID), audit_fk(), nullable=False, index=True),
    Column(
        "rewalk_item_id",
        String(ID),
        ForeignKey("rewalk_items.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    *photo_columns(),
)

carried_actions = Table(
    "carried_actions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("audit_id", String(ID), audit_fk(), nullable=False, index=True),
    Column("origin_action_id", String(ID), nullable=False),
    Column("origin_audit_id", String(ID), nullable=False),
    Column("previous_finding_ids", json_column(), nullable=False),
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
    Column("audit_id", String(ID), audit_fk(), primary_key=True),
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
    Column("levels", json_column(), nullable=False),
    Column("locations", json_column(), nullable=False),
    Column("kept_at", UTCDateTime(), nullable=False),
)
