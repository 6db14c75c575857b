"""Walk drafts, privacy (redaction records, retention, trail, tombstones) and the action plan.

Photos stored before redaction existed have no redaction record: they are flagged needs_review so
the consultant redacts or confirms them before anything else uses them. Audits already complete get
completed_at from their last update, so their retention clock starts somewhere.

Revision ID: 0002_walk_privacy_actions
Revises: 0001_core
Create Date: 2025-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_walk_privacy_actions"
down_revision = "0001_core"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=nullable)


def _audit_fk() -> sa.ForeignKey:
    return sa.ForeignKey("audits.id", ondelete="CASCADE")


def _add_columns() -> None:
    # Plain ADD COLUMN (no batch "move and copy"): SQLite supports it natively, and recreating a
    # parent table is exactly what could cascade-delete its children.
    op.add_column("audits", sa.Column("overall_opinion", sa.Text, nullable=False, server_default=""))
    op.add_column(
        "audits", sa.Column("legal_hold", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column("audits", _when("completed_at", nullable=True))
    op.add_column(
        "locations",
        sa.Column("nothing_found", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "locations",
        sa.Column(
            "prompts_checked",
            sa.JSON(none_as_null=True),
            nullable=False,
            server_default=sa.text("'[]'"),
        ),
    )
    op.add_column("photos", _json("redaction", nullable=True))
    op.add_column(
        "photos", sa.Column("needs_review", sa.Boolean, nullable=False, server_default=sa.false())
    )


def _backfill() -> None:
    photos = sa.table(
        "photos",
        sa.column("redaction", sa.JSON(none_as_null=True)),
        sa.column("needs_review", sa.Boolean),
    )
    op.execute(photos.update().where(photos.c.redaction.is_(None)).values(needs_review=True))
    audits = sa.table(
        "audits",
        sa.column("status", sa.String),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("completed_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        audits.update()
        .where(audits.c.status.in_(("complete", "archived")), audits.c.completed_at.is_(None))
        .values(completed_at=audits.c.updated_at)
    )


def _create_tables() -> None:
    op.create_table(
        "drafts",
        sa.Column("audit_id", sa.String(ID), _audit_fk(), primary_key=True),
        sa.Column("location_key", sa.String(ID), primary_key=True),
        _json("payload"),
        _when("updated_at"),
    )
    op.create_table(
        "actions",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("audit_id", sa.String(ID), _audit_fk(), nullable=False),
        sa.Column("recommendation", sa.Text, nullable=False),
        sa.Column("owner", sa.String(SHORT), nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("accepted_reason", sa.Text, nullable=False),
        sa.Column("accepted_by", sa.String(SHORT), nullable=False),
        sa.Column("accepted_on", sa.Date, nullable=True),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_index("ix_actions_audit_id", "actions", ["audit_id"])
    op.create_table(
        "action_findings",
        sa.Column(
            "action_id",
            sa.String(ID),
            sa.ForeignKey("actions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "finding_id",
            sa.String(ID),
            sa.ForeignKey("findings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("ordinal", sa.Integer, nullable=False),
    )
    op.create_index("ix_action_findings_finding_id", "action_findings", ["finding_id"])
    op.create_table(
        "trail_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(ID), nullable=False, unique=True),
        sa.Column("audit_id", sa.String(ID), _audit_fk(), nullable=False),
        _when("at"),
        sa.Column("actor", sa.String(SHORT), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(ID), nullable=False),
        sa.Column("operation", sa.String(20), nullable=False),
        _json("changes"),
    )
    op.create_index("ix_trail_events_audit_seq", "trail_events", ["audit_id", "seq"])
    op.create_table(
        "tombstones",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("audit_id", sa.String(ID), nullable=False),
        sa.Column("school_name", sa.String(SHORT), nullable=False),
        _when("walk_at"),
        _when("created_at"),
        _when("completed_at", nullable=True),
        sa.Column("deleted_by", sa.String(SHORT), nullable=False),
        _when("deleted_at"),
    )
    op.create_index("ix_tombstones_audit_id", "tombstones", ["audit_id"])


def upgrade() -> None:
    _add_columns()
    _backfill()
    _create_tables()


def downgrade() -> None:
    for table in ("tombstones", "trail_events", "action_findings", "actions", "drafts"):
        op.drop_table(table)
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("needs_review")
        batch.drop_column("redaction")
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("prompts_checked")
        batch.drop_column("nothing_found")
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("completed_at")
        batch.drop_column("legal_hold")
        batch.drop_column("overall_opinion")
