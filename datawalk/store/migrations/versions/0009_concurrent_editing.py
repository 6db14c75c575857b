"""Several people on one audit: a draft belongs to one person on one device, and actions carry a
version so a save from an out-of-date form is refused instead of written over another change.

Drafts were one per (audit, location), shared by every tablet there; they are now keyed by
(audit, location, owner, device). A draft kept before this revision becomes the audit's auditor's
(the name the app acted under before sign-in) on the shared device, so it still comes back on the
next reload. The few draft rows are copied through Python, which changes a primary key the same
way on SQLite and PostgreSQL. Downgrading keeps the newest draft of each place.

Revision ID: 0009_concurrent_editing
Revises: 0008_rewalk
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_concurrent_editing"
down_revision = "0008_rewalk"
branch_labels = None
depends_on = None

ID = 64
SHORT = 200
SHARED_DEVICE = "shared"  # datawalk.editing.SHARED_DEVICE when this revision was written


def _key(keyed: bool) -> list[sa.Column[Any]]:
    """The audit and place, and with `keyed` whose draft it is (owner and device)."""
    owner = [
        sa.Column("owner", sa.String(SHORT), primary_key=True),
        sa.Column("device", sa.String(ID), primary_key=True),
    ]
    return [
        sa.Column(
            "audit_id",
            sa.String(ID),
            sa.ForeignKey("audits.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("location_key", sa.String(ID), primary_key=True),
        *(owner if keyed else []),
    ]


def _drafts(keyed: bool) -> list[sa.Column[Any]]:
    return [
        *_key(keyed),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _draft_photos(keyed: bool) -> list[sa.Column[Any]]:
    return [
        *_key(keyed),
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _rows(name: str) -> list[dict[str, Any]]:
    table = sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())
    return [dict(row) for row in op.get_bind().execute(sa.select(table)).mappings()]


def _replace(name: str, columns: list[sa.Column[Any]], rows: list[dict[str, Any]]) -> None:
    op.drop_table(name)
    table = op.create_table(name, *columns)
    if rows:
        op.bulk_insert(table, rows)


def upgrade() -> None:
    auditors = dict(op.get_bind().execute(sa.text("SELECT id, auditor FROM audits")).all())

    def owned(row: dict[str, Any]) -> dict[str, Any]:
        return row | {"owner": auditors.get(row["audit_id"], ""), "device": SHARED_DEVICE}

    drafts = [owned(row) for row in _rows("drafts")]
    photos = [owned(row) for row in _rows("draft_photos")]
    _replace("draft_photos", _draft_photos(keyed=True), photos)
    _replace("drafts", _drafts(keyed=True), drafts)
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("version")
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in sorted(_rows("drafts"), key=lambda row: row["updated_at"]):
        newest[(row["audit_id"], row["location_key"])] = row
    kept = {_whose(row) for row in newest.values()}
    photos = [_unowned(row) for row in _rows("draft_photos") if _whose(row) in kept]
    _replace("draft_photos", _draft_photos(keyed=False), photos)
    _replace("drafts", _drafts(keyed=False), [_unowned(row) for row in newest.values()])


def _whose(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return (row["audit_id"], row["location_key"], row["owner"], row["device"])


def _unowned(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in ("owner", "device")}
