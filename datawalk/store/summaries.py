"""Read-only views the store returns besides the domain models: audit list rows and tombstones."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from datawalk.models import AuditStatus


class AuditSummary(BaseModel):
    """One row of the audits list: enough to choose an audit and to see what retention is due."""

    model_config = ConfigDict(frozen=True)

    id: str
    school_name: str
    site_name: str
    walk_at: datetime
    status: AuditStatus
    finding_count: int
    updated_at: datetime
    created_at: datetime
    completed_at: datetime | None = None
    legal_hold: bool = False
    school_id: str | None = None  # the school record (see store/schools.py)


class Tombstone(BaseModel):
    """What remains of a hard-deleted audit: proof that it existed and who deleted it, when."""

    model_config = ConfigDict(frozen=True)

    audit_id: str
    school_name: str
    walk_at: datetime
    created_at: datetime
    completed_at: datetime | None = None
    deleted_by: str
    deleted_at: datetime
