"""Re-walks: a finding marked Resolved may hold this walk's photos as evidence it is gone or
fixed. They are stored like a finding's photos (redacted at intake, awaiting a person's check),
belong to the re-walk record they prove, and are purged with the audit's other photos.

Revision ID: 0010_rewalk_photos
Revises: 0009_concurrent_editing
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_rewalk_photos"
down_revision = "0009_concurrent_editing"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200


def upgrade() -> None:
    op.create_table(
        "rewalk_photos",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column(
            "audit_id",
            sa.String(ID),
            sa.ForeignKey("audits.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "rewalk_item_id",
            sa.String(ID),
            sa.ForeignKey("rewalk_items.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(SHORT), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redaction", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rewalk_photos")
