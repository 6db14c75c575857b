"""Accounts: schools as records, users with roles and school scope, sessions, sign-in attempts and
OpenID Connect identities.

Every existing audit is given a school: one `schools` row per exact school name found in the
audits (its phase from the most recently changed audit of that name), so two spellings of one
school become two records, merged later in Settings. `audits.school_id` is added in place with a
plain ADD COLUMN … REFERENCES (no copy of the biggest parent table on SQLite), which SQLite
allows only for a nullable column; the store always sets it.

Revision ID: 0007_accounts
Revises: 0006_draft_photos
Create Date: 2026-12-05
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_accounts"
down_revision = "0006_draft_photos"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200
VOCAB = 80


def _at() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _user_fk() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("name", sa.String(SHORT), nullable=False),
        sa.Column("phase", sa.String(VOCAB), nullable=False),
        sa.Column("urn", sa.String(20), nullable=True, unique=True),
        sa.Column("created_at", _at(), nullable=False),
    )
    op.create_index("ix_schools_name", "schools", ["name"])
    op.create_table(
        "users",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("display_name", sa.String(SHORT), nullable=False),
        sa.Column("email", sa.String(SHORT), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(SHORT), nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_required", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
    )
    op.create_table(
        "user_schools",
        sa.Column("user_id", sa.String(ID), _user_fk(), primary_key=True),
        sa.Column(
            "school_id",
            sa.String(ID),
            sa.ForeignKey("schools.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_user_schools_school_id", "user_schools", ["school_id"])
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(ID), _user_fk(), nullable=False),
        sa.Column("device_id", sa.String(ID), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("last_seen_at", _at(), nullable=False),
        sa.Column("expires_at", _at(), nullable=False),
        sa.Column("idle_expires_at", _at(), nullable=False),
        sa.Column("ended_at", _at(), nullable=True),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", _at(), nullable=False),
        sa.Column("account", sa.String(SHORT), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
    )
    op.create_index("ix_sign_in_attempts_account_at", "sign_in_attempts", ["account", "at"])
    op.create_index("ix_sign_in_attempts_client_at", "sign_in_attempts", ["client", "at"])
    op.create_table(
        "identities",
        sa.Column("issuer", sa.String(SHORT), primary_key=True),
        sa.Column("subject", sa.String(SHORT), primary_key=True),
        sa.Column("user_id", sa.String(ID), _user_fk(), nullable=False),
        sa.Column("email", sa.String(SHORT), nullable=False),
        sa.Column("linked_at", _at(), nullable=False),
    )
    op.create_index("ix_identities_user_id", "identities", ["user_id"])
    op.add_column(
        "audits",
        sa.Column("school_id", sa.String(ID), sa.ForeignKey("schools.id"), nullable=True),
        inline_references=True,
    )
    op.create_index("ix_audits_school_id", "audits", ["school_id"])
    _give_every_audit_a_school()


def _give_every_audit_a_school() -> None:
    """One school per exact name among the audits; each audit points to its name's school."""
    connection = op.get_bind()
    audits = sa.table(
        "audits",
        sa.column("id", sa.String),
        sa.column("school", sa.JSON),
        sa.column("updated_at", _at()),
        sa.column("school_id", sa.String),
    )
    schools = sa.table(
        "schools",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("phase", sa.String),
        sa.column("created_at", _at()),
    )
    rows = connection.execute(
        sa.select(audits.c.id, audits.c.school).order_by(audits.c.updated_at.desc(), audits.c.id)
    ).all()
    school_of_name: dict[str, str] = {}
    now = datetime.now(UTC)
    for audit_id, school in rows:
        name = str((school or {}).get("name") or "Unnamed school")
        if name not in school_of_name:
            school_of_name[name] = secrets.token_urlsafe(12)
            connection.execute(
                sa.insert(schools).values(
                    id=school_of_name[name],
                    name=name,
                    phase=str((school or {}).get("phase") or "primary"),
                    created_at=now,
                )
            )
        connection.execute(
            sa.update(audits).where(audits.c.id == audit_id).values(school_id=school_of_name[name])
        )


def downgrade() -> None:
    op.drop_index("ix_audits_school_id", table_name="audits")
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("school_id")
    op.drop_table("identities")
    op.drop_table("sign_in_attempts")
    op.drop_table("sessions")
    op.drop_table("user_schools")
    op.drop_table("users")
    op.drop_table("schools")
