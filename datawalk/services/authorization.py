"""The one check every use case makes: may this actor do this, to this audit?

Order matters. The audit's school is looked up first: an audit outside the actor's scope is
"not found", in the very words of a missing one, so an id from another school tells nothing.
Only then is the role asked, and a role that may not act gets "not allowed". The implicit local
admin of the no-accounts mode (`Actor(name)`) is refused by everything once the first user
exists, so a page that forgot to pass the signed-in user fails closed.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from datawalk.accounts.roles import Permission, Role, allows
from datawalk.errors import NotFoundError, PermissionDeniedError, ValidationError
from datawalk.models import Action, ActionStatus, School
from datawalk.services.workspace import Actor, Workspace

F = TypeVar("F", bound=Callable[..., Any])
# Every guarded use case, "module.function" -> the permission it needs (tests check coverage).
GUARDED: dict[str, Permission] = {}

REFUSALS = {
    Permission.WALK: "create or walk audits",
    Permission.PLAN_ACTIONS: "write, merge or add actions",
    Permission.UPDATE_ACTIONS: "update actions",
    Permission.ACCEPT_RISK: "accept a risk",
    Permission.GOVERN: "put audits on legal hold or delete them",
    Permission.MANAGE: "manage users, schools or the checklist library",
    Permission.READ: "read the full audit (photos, notes and trail)",
    Permission.READ_GOVERNORS: "read this audit",
}


def audit_not_found(audit_id: str) -> NotFoundError:
    """The message for a missing audit, the same whether it is gone or another school's."""
    return NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")


def require_signed_in(workspace: Workspace, actor: Actor) -> None:
    """Refuse the implicit local admin once accounts exist.

    Raises:
        PermissionDeniedError: user accounts exist and this actor is not one of them.
    """
    if actor.kind == "local" and workspace.accounts_exist():
        raise PermissionDeniedError(
            "DataWalk has user accounts now: sign in to do this (the single app password no "
            "longer opens it)."
        )


def require(workspace: Workspace, actor: Actor, permission: Permission) -> None:
    """Check the role alone (for what belongs to no school: users, the library).

    Raises:
        PermissionDeniedError: the actor's role may not do this.
    """
    require_signed_in(workspace, actor)
    if not allows(actor.role, permission):
        raise PermissionDeniedError(f"A {actor.role.label.lower()} may not {REFUSALS[permission]}.")


def require_school(
    workspace: Workspace, actor: Actor, permission: Permission, school_id: str | None
) -> None:
    """Check the role and that the school is in scope (a foreign school is not found).

    Raises:
        NotFoundError: the school is not in the actor's scope.
        PermissionDeniedError: the actor's role may not do this.
    """
    require_signed_in(workspace, actor)
    if not actor.sees_school(school_id):
        raise NotFoundError(f"No school with id {school_id!r}.")
    require(workspace, actor, permission)


def require_audit(
    workspace: Workspace, actor: Actor, permission: Permission, audit_id: str
) -> None:
    """Check that the audit exists in the actor's scope, then the role.

    Raises:
        NotFoundError: no such audit in the actor's scope (the same words either way).
        PermissionDeniedError: the actor's role may not do this.
    """
    require_signed_in(workspace, actor)
    if actor.role is not Role.ADMIN:
        try:
            school_id = workspace._store.audit_school_id(audit_id)
        except NotFoundError:
            raise audit_not_found(audit_id) from None
        if not actor.sees_school(school_id):
            raise audit_not_found(audit_id)
    require(workspace, actor, permission)


def audit_of_location(workspace: Workspace, location_id: str) -> str:
    """Raises NotFoundError: the location is gone."""
    return workspace._store.get_location(location_id).audit_id


def audit_of_finding(workspace: Workspace, finding_id: str) -> str:
    """Raises NotFoundError: the finding is gone."""
    return workspace._store.get_finding(finding_id).audit_id


# --- the guard every use case wears ---------------------------------------------------------

AuditOf = Callable[[Workspace, Mapping[str, Any]], "str | list[str] | None"]


def guard(
    permission: Permission, audit: AuditOf | None = None, *, school_decides: bool = False
) -> Callable[[F], F]:
    """Make a use case check `permission` for its actor, and the school scope of the audit that
    `audit(workspace, arguments)` names (see `by_id`, `by_location`, `by_finding`, `of`), before
    it runs. Without `audit`, the role alone is checked (users, the checklist library).

    `school_decides`: the use case records a school's own decision in the actor's name (a risk
    accepted again), so a consultant may not make it: they record it on the action plan,
    naming the school person who decided.
    """

    def wrap(func: F) -> F:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind_partial(*args, **kwargs).arguments
            actor: Actor = arguments["actor"]
            if school_decides and actor.role is Role.CONSULTANT:
                raise PermissionDeniedError(
                    "The school decides this: record it on the action plan, naming the school "
                    "person who decided."
                )
            workspace: Workspace | None = arguments.get("workspace")
            if workspace is None:  # a use case outside the database (the checklist library)
                if not allows(actor.role, permission):
                    raise PermissionDeniedError(
                        f"A {actor.role.label.lower()} may not {REFUSALS[permission]}."
                    )
            elif audit is None or actor.role is Role.ADMIN:
                require(workspace, actor, permission)
            else:
                require_signed_in(workspace, actor)
                found = audit(workspace, arguments)
                for audit_id in [found] if isinstance(found, str) else found or []:
                    require_audit(workspace, actor, permission, audit_id)
            return func(*args, **kwargs)

        GUARDED[f"{func.__module__}.{func.__qualname__}"] = permission
        return guarded  # type: ignore[return-value]

    return wrap


def by_id(name: str) -> AuditOf:
    """The audit id (or ids) in argument `name`."""
    return lambda _workspace, arguments: arguments[name]


def of(name: str, *path: str) -> AuditOf:
    """The audit of the record (finding, location, action) in argument `name`, or of the one
    reached from it through the attributes `path`."""

    def audit_of(_workspace: Workspace, arguments: Mapping[str, Any]) -> str:
        record = arguments[name]
        for attribute in path:
            record = getattr(record, attribute)
        return record.audit_id

    return audit_of


def by_rewalk_item(name: str = "item_id") -> AuditOf:
    """The audit of the carried-over finding whose id is in argument `name`."""
    return lambda workspace, arguments: workspace._store.get_rewalk_item(arguments[name]).audit_id


def by_location(name: str = "location_id") -> AuditOf:
    """The audit of the location whose id is in argument `name` (a foreign one: not found)."""
    return lambda workspace, arguments: audit_of_location(workspace, arguments[name])


def by_finding(name: str = "finding_id") -> AuditOf:
    """The audit of the finding whose id is in argument `name`."""
    return lambda workspace, arguments: audit_of_finding(workspace, arguments[name])


# --- rules a guard alone cannot state ---------------------------------------------------------

# What a school lead may change on an action, and what makes a change an acceptance of risk.
ACTION_UPDATE_FIELDS = frozenset({"status", "owner", "due_date", "notes"})
ACCEPTANCE_FIELDS = frozenset({"accepted_reason", "accepted_by", "accepted_on"})
_BOOKKEEPING = frozenset({"id", "audit_id", "created_at", "updated_at", "version"})


def check_action_change(
    workspace: Workspace, actor: Actor, action: Action, stored: Action | None
) -> None:
    """Check that the actor may make this change to an action (`stored`: as it is now).

    Writing, merging and creating actions is planning (consultant, admin); status, owner, due
    date and notes are updates (and a school lead's); recording or changing a risk acceptance
    needs the acceptance permission, and a consultant must name the school person who decided.

    Raises:
        PermissionDeniedError: the role may not make this change.
        ValidationError: a consultant records an acceptance without naming someone else.
    """
    changed = _changed_fields(stored, action)
    accepting = action.status is ActionStatus.RISK_ACCEPTED and (
        stored is None
        or stored.status is not ActionStatus.RISK_ACCEPTED
        or changed & ACCEPTANCE_FIELDS
    )
    unaccepting = (
        stored is not None
        and stored.status is ActionStatus.RISK_ACCEPTED
        and (action.status is not ActionStatus.RISK_ACCEPTED)
    )
    if stored is None or changed - ACTION_UPDATE_FIELDS - ACCEPTANCE_FIELDS:
        require(workspace, actor, Permission.PLAN_ACTIONS)
    if accepting or unaccepting or changed & ACCEPTANCE_FIELDS:
        require(workspace, actor, Permission.ACCEPT_RISK)
    if changed & ACTION_UPDATE_FIELDS:
        require(workspace, actor, Permission.UPDATE_ACTIONS)
    if accepting and actor.role is Role.CONSULTANT:
        decided_by = " ".join(action.accepted_by.split()).casefold()
        if not decided_by or decided_by == " ".join(actor.name.split()).casefold():
            raise ValidationError(
                "Name the school person who decided to accept this risk: the school is the "
                "controller and the decision is theirs. The trail records you as the one who "
                "recorded it.",
                field="accepted_by",
            )


def _changed_fields(stored: Action | None, action: Action) -> set[str]:
    names = set(type(action).model_fields) - _BOOKKEEPING
    if stored is None:
        return names
    return {name for name in names if getattr(stored, name) != getattr(action, name)}


def stored_action(workspace: Workspace, action: Action) -> Action | None:
    """The action as stored now, or None when it is new."""
    for existing in workspace._store.list_actions(action.audit_id):
        if existing.id == action.id:
            return existing
    return None


def school_for_new_audit(workspace: Workspace, actor: Actor, school: School) -> str | None:
    """The school record a new audit of this actor's goes to: for an admin None (the store takes
    the school of that exact name, or makes one); for anyone else the school of that exact name
    among their own.

    Raises:
        PermissionDeniedError: the school is not one of the actor's.
    """
    if actor.role is Role.ADMIN:
        return None
    for row in workspace._store.list_school_rows():
        if row["id"] in actor.school_ids and row["name"] == school.name:
            return row["id"]
    raise PermissionDeniedError(
        f"{school.name} is not one of your schools: choose one of yours, or ask an admin to "
        "assign it to you.",
    )
