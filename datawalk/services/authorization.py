"""The one check every use case makes: may this actor do this, to this audit?

Order matters. The audit's school is looked up first: an audit outside the actor's scope is
"not found", in the very words of a missing one, so an id from another school tells nothing.
Only then is the role asked, and a role that may not act gets "not allowed". The implicit local
admin of the no-accounts mode (`Actor(name)`) is refused by everything once the first user
exists, so a page that forgot to pass the signed-in user fails closed.
"""

from __future__ import annotations

from datawalk.accounts.roles import Permission, Role, allows
from datawalk.errors import NotFoundError, PermissionDeniedError
from datawalk.services.workspace import Actor, Workspace

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
