"""A finding's optional title: free text a consultant gives it (a template fills in its name);
lists fall back to the categories while it is empty. Existing findings start without one.

Revision ID: 0005_finding_title
Revises: 0004_imported_trail
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_finding_title"
down_revision = "0004_imported_trail"
branch_labels = None
depends_on = None

SHORT = 200


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("title", sa.String(SHORT), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("title")
