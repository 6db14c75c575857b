"""Imported history: trail events that came from backup files, kept apart from local history,
with the file's SHA-256, the import time and who imported it.

Revision ID: 0004_imported_trail
Revises: 0003_last_places
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_imported_trail"
down_revision = "0003_last_places"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200


def upgrade() -> None:
    op.create_table(
        "imported_trail_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "audit_id",
            sa.String(ID),
            sa.ForeignKey("audits.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(ID), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(SHORT), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(ID), nullable=False),
        sa.Column("operation", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(SHORT), nullable=False),
    )
    op.create_index(
        "ix_imported_trail_events_audit_seq", "imported_trail_events", ["audit_id", "seq"]
    )


def downgrade() -> None:
    op.drop_index("ix_imported_trail_events_audit_seq", table_name="imported_trail_events")
    op.drop_table("imported_trail_events")
