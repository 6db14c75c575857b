"""Re-walks: an audit can start from a completed one (`previous_audit_id`), carrying last time's
findings as structured copies to mark Resolved / Still as it was / Changed / Not checked, and its
open actions and accepted risks. A walk's per-location counts and worst levels are kept for the
trend after its records reach the end of their retention (no personal data).

Revision ID: 0008_rewalk
Revises: 0007_accounts
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_rewalk"
down_revision = "0007_accounts"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200
VOCAB = 80


def _audit_fk() -> sa.ForeignKey:
    return sa.ForeignKey("audits.id", ondelete="CASCADE")


def upgrade() -> None:
    with op.batch_alter_table("audits") as batch:
        batch.add_column(sa.Column("previous_audit_id", sa.String(ID), nullable=True))
    op.create_table(
        "rewalk_items",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("audit_id", sa.String(ID), _audit_fk(), nullable=False, index=True),
        sa.Column(
            "location_id",
            sa.String(ID),
            sa.ForeignKey("locations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("previous_finding_id", sa.String(ID), nullable=False),
        sa.Column("previous_reference", sa.String(16), nullable=False),
        sa.Column("previous", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "new_finding_id",
            sa.String(ID),
            sa.ForeignKey("findings.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("decided_by", sa.String(SHORT), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "carried_actions",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("audit_id", sa.String(ID), _audit_fk(), nullable=False, index=True),
        sa.Column("origin_action_id", sa.String(ID), nullable=False),
        sa.Column("origin_audit_id", sa.String(ID), nullable=False),
        sa.Column("previous_finding_ids", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(SHORT), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("accepted_reason", sa.Text(), nullable=False),
        sa.Column("accepted_by", sa.String(SHORT), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("accept_again", sa.Boolean(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by", sa.String(SHORT), nullable=False),
    )
    op.create_table(
        "unchecked_locations",
        sa.Column("audit_id", sa.String(ID), _audit_fk(), primary_key=True),
        sa.Column(
            "location_id",
            sa.String(ID),
            sa.ForeignKey("locations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("marked_by", sa.String(SHORT), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "walk_summaries",
        sa.Column("audit_id", sa.String(ID), primary_key=True),
        sa.Column("school_key", sa.String(SHORT), nullable=False, index=True),
        sa.Column("school_name", sa.String(SHORT), nullable=False),
        sa.Column("walk_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checklist_id", sa.String(VOCAB), nullable=False),
        sa.Column("checklist_version", sa.Integer(), nullable=False),
        sa.Column("levels", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("locations", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("walk_summaries", "unchecked_locations", "carried_actions", "rewalk_items"):
        op.drop_table(table)
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("previous_audit_id")
