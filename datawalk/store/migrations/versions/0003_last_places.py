"""Each user's last place: the audit and location the walk page last showed them, so `/` and a
reload after a restart or a sign-in land back there.

Revision ID: 0003_last_places
Revises: 0002_walk_privacy_actions
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_last_places"
down_revision = "0002_walk_privacy_actions"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200


def upgrade() -> None:
    op.create_table(
        "last_places",
        sa.Column("user_key", sa.String(SHORT), primary_key=True),
        sa.Column(
            "audit_id",
            sa.String(ID),
            sa.ForeignKey("audits.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "location_id",
            sa.String(ID),
            sa.ForeignKey("locations.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_last_places_audit_id", "last_places", ["audit_id"])


def downgrade() -> None:
    op.drop_index("ix_last_places_audit_id", table_name="last_places")
    op.drop_table("last_places")
