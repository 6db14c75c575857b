"""Roles, the records of the accounts core, and what each role may do.

Pure core: no database, no Streamlit. The services ask `allows(role, permission)`; the school
scope is checked separately (see `datawalk.services.authorization`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """Who someone is to DataWalk; the table in the README says what each may do."""

    ADMIN = "admin"
    CONSULTANT = "consultant"
    SCHOOL_LEAD = "school_lead"
    SCHOOL_VIEWER = "school_viewer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def totp_by_default(self) -> bool:
        """Admins and consultants can read many schools' special-category data: a second
        factor is required of them unless an admin decides otherwise."""
        return self in (Role.ADMIN, Role.CONSULTANT)


class Permission(StrEnum):
    """Kinds of use case; each service function needs one."""

    READ = "read"  # everything of an audit in scope
    READ_GOVERNORS = "read_governors"  # what the governors edition shows
    WALK = "walk"  # create and walk audits: locations, findings, plans, drafts, status
    UPDATE_ACTIONS = "update_actions"  # an action's status, owner, due date, notes
    ACCEPT_RISK = "accept_risk"  # record the school's decision to accept a risk
    PLAN_ACTIONS = "plan_actions"  # write, merge and create actions
    GOVERN = "govern"  # legal hold, retention deletion, deletion on request
    MANAGE = "manage"  # users, schools, the checklist library, the sample


_ALLOWED: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CONSULTANT: frozenset(
        {
            Permission.READ,
            Permission.READ_GOVERNORS,
            Permission.WALK,
            Permission.UPDATE_ACTIONS,
            Permission.ACCEPT_RISK,  # only naming the school person who decided
            Permission.PLAN_ACTIONS,
        }
    ),
    Role.SCHOOL_LEAD: frozenset(
        {
            Permission.READ,
            Permission.READ_GOVERNORS,
            Permission.UPDATE_ACTIONS,
            Permission.ACCEPT_RISK,
        }
    ),
    Role.SCHOOL_VIEWER: frozenset({Permission.READ_GOVERNORS}),
}


def allows(role: Role, permission: Permission) -> bool:
    """True when `role` may do `permission` (in the schools of its scope)."""
    return permission in _ALLOWED[role]


@dataclass(frozen=True)
class User:
    """A DataWalk account. The password hash and TOTP secret never leave the accounts core."""

    id: str
    display_name: str
    email: str
    role: Role
    totp_required: bool
    totp_enrolled: bool
    has_password: bool
    active: bool
    created_at: datetime
    school_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class SchoolRecord:
    """A school as its own record: audits point to it and users are scoped to it."""

    id: str
    name: str
    phase: str
    urn: str | None
    created_at: datetime
    audit_count: int = 0


@dataclass(frozen=True)
class SessionRecord:
    """A signed-in browser, as the sessions table keeps it (never the session id itself)."""

    user_id: str
    device_id: str
    method: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    idle_expires_at: datetime
    ended_at: datetime | None
