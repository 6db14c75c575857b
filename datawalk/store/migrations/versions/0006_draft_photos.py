"""Draft photos stored once each, by reference: the capture draft is written on every tap, and
with its photos inline a draft of seven detailed photos passed 16 MB and broke the walk page.
The draft's payload now names each photo by the SHA-256 of its bytes; the bytes live here, per
(audit, location), and go when the draft is cleared or the audit deleted.

Revision ID: 0006_draft_photos
Revises: 0005_finding_title
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_draft_photos"
down_revision = "0005_finding_title"
branch_labels = None
depends_on = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "draft_photos",
        sa.Column(
            "audit_id",
            sa.String(ID),
            sa.ForeignKey("audits.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("location_key", sa.String(ID), primary_key=True),
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("draft_photos")
