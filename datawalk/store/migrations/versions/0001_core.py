"""Core schema: audits with their pinned checklist, floor plans, locations, findings and photos.

Revision ID: 0001_core
Revises:
Create Date: 2025-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

ID = 64
SHORT = 200
VOCAB = 80


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=nullable)


def _audit_fk() -> sa.ForeignKey:
    return sa.ForeignKey("audits.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.String(ID), primary_key=True),
        _json("school"),
        _json("site"),
        _when("walk_at"),
        sa.Column("auditor", sa.String(SHORT), nullable=False),
        sa.Column("accompanied_by", sa.String(SHORT), nullable=False),
        sa.Column("scope_limitations", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("checklist_id", sa.String(VOCAB), nullable=False),
        sa.Column("checklist_version", sa.Integer, nullable=False),
        sa.Column("checklist_hash", sa.String(64), nullable=False),
        _json("checklist_content"),
        sa.Column("last_reference", sa.Integer, nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "floor_plans",
        sa.Column("audit_id", sa.String(ID), _audit_fk(), primary_key=True),
        sa.Column("floor_id", sa.String(VOCAB), primary_key=True),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "locations",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("audit_id", sa.String(ID), _audit_fk(), nullable=False),
        sa.Column("name", sa.String(SHORT), nullable=False),
        sa.Column("location_type", sa.String(VOCAB), nullable=False),
        sa.Column("floor_id", sa.String(VOCAB), nullable=True),
        sa.Column("position_x", sa.Float, nullable=True),
        sa.Column("position_y", sa.Float, nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _when("last_used_at"),
    )
    op.create_index("ix_locations_audit_id", "locations", ["audit_id"])
    op.create_table(
        "findings",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("audit_id", sa.String(ID), _audit_fk(), nullable=False),
        sa.Column("location_id", sa.String(ID), sa.ForeignKey("locations.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        _json("categories"),
        sa.Column("format", sa.String(VOCAB), nullable=False),
        sa.Column("identifiability", sa.String(VOCAB), nullable=False),
        sa.Column("detail_level", sa.String(VOCAB), nullable=False),
        _json("visible_to"),
        _json("needed_by"),
        sa.Column("reach", sa.String(VOCAB), nullable=False),
        _json("controls"),
        sa.Column("evidence", sa.String(VOCAB), nullable=False),
        sa.Column("review_date", sa.Date, nullable=True),
        sa.Column("need_override", sa.Integer, nullable=True),
        sa.Column("good_practice", sa.Boolean, nullable=False),
        sa.Column("good_practice_note", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("template_id", sa.String(VOCAB), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("audit_id", "reference", name="uq_findings_audit_reference"),
    )
    op.create_index("ix_findings_audit_location", "findings", ["audit_id", "location_id"])
    op.create_index("ix_findings_location", "findings", ["location_id"])
    op.create_table(
        "photos",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column(
            "finding_id",
            sa.String(ID),
            sa.ForeignKey("findings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("caption", sa.String(SHORT), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_photos_finding_id", "photos", ["finding_id"])


def downgrade() -> None:
    for table in ("photos", "findings", "locations", "floor_plans", "audits"):
        op.drop_table(table)
