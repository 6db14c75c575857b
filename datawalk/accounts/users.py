"""User accounts: create, list, disable, set a password or a new second factor, assign schools.

Each takes the actor making the change. Until the first user exists, only an admin can be
created, by the command line's operator or the local person of the no-accounts mode (a page
served to this computer only); after that only an admin manages users. A disabled user's
sessions end at once. Who changed what is logged (accounts belong to no audit's trail).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from datawalk.accounts import passwords, totp
from datawalk.accounts.roles import Permission, Role, User
from datawalk.errors import NotFoundError, PermissionDeniedError, ValidationError
from datawalk.models import new_id, utc_now
from datawalk.services.authorization import require, require_signed_in
from datawalk.services.workspace import Actor, Workspace

log = logging.getLogger(__name__)
MAX_TEXT = 200


@dataclass(frozen=True)
class NewUser:
    """A user just created, and the otpauth:// URI to enrol their authenticator (None: no TOTP)."""

    user: User
    totp_uri: str | None


def normalise_email(email: str) -> str:
    """The form an email is kept and looked up in: trimmed and case-folded."""
    return email.strip().casefold()


def has_users(workspace: Workspace) -> bool:
    """True once the first account exists (the no-accounts mode is then over)."""
    return workspace.accounts_exist()


def create_user(
    workspace: Workspace,
    actor: Actor,
    *,
    display_name: str,
    email: str,
    role: Role | str,
    password: str | None = None,
    totp_required: bool | None = None,
    school_ids: Iterable[str] = (),
) -> NewUser:
    """Create an account; return it with its TOTP enrolment URI.

    `totp_required` defaults to the role's default (admins and consultants). A user without a
    password signs in by single sign-on only. The first user must be an admin.

    Raises:
        PermissionDeniedError: the actor may not manage users (or the first user is no admin).
        ValidationError: a bad name, email or password (field named).
        ConflictError: the email is taken, or a school does not exist.
    """
    role = Role(role)
    _may_manage(workspace, actor, first_role=role)
    name, address = _check_name(display_name), _check_email(email)
    required = role.totp_by_default if totp_required is None else totp_required
    secret = totp.new_secret() if required else None
    row: dict[str, Any] = {
        "id": new_id(),
        "display_name": name,
        "email": address,
        "role": str(role),
        "password_hash": passwords.hash_password(password) if password is not None else None,
        "totp_secret": secret,
        "totp_required": required,
        "totp_last_step": None,
        "active": True,
        "created_at": utc_now(),
    }
    scope = list(school_ids)
    workspace._store.insert_user(row, scope)
    workspace.accounts_changed()
    log.info("%s created user %s (%s)", actor.name, address, role)
    uri = totp.provisioning_uri(secret, address) if secret else None
    return NewUser(user_from_row(row, frozenset(scope)), uri)


def list_users(workspace: Workspace, actor: Actor) -> list[User]:
    """Every account, by name.

    Raises:
        PermissionDeniedError: the actor may not manage users.
    """
    require(workspace, actor, Permission.MANAGE)
    store = workspace._store
    scope = store.all_user_school_ids()
    return [user_from_row(row, scope.get(row["id"], frozenset())) for row in store.list_user_rows()]


def get_user(workspace: Workspace, user_id: str) -> User | None:
    """The account with this id, or None (for the sign-in layer, after a session is checked)."""
    row = workspace._store.get_user_row(user_id)
    if row is None:
        return None
    return user_from_row(row, workspace._store.user_school_ids(user_id))


def find_user(workspace: Workspace, email: str) -> User | None:
    """The account with this email (however it is typed), or None."""
    row = workspace._store.find_user_row(normalise_email(email))
    if row is None:
        return None
    return user_from_row(row, workspace._store.user_school_ids(row["id"]))


def actor_for(user: User) -> Actor:
    """The actor a signed-in user is to the services: their name, role and school scope."""
    return Actor.for_user(user.display_name, user.id, user.role, user.school_ids)


def set_active(workspace: Workspace, actor: Actor, user_id: str, active: bool) -> User:
    """Disable (every session ends at once) or enable an account; return it.

    Raises:
        PermissionDeniedError: the actor may not manage users, or would disable themselves.
        NotFoundError: no such user.
    """
    require(workspace, actor, Permission.MANAGE)
    if not active and actor.user_id == user_id:
        raise PermissionDeniedError("You cannot disable your own account.")
    store = workspace._store
    with store.transaction():
        store.update_user(user_id, active=active)
        if not active:
            store.end_sessions(utc_now(), user_id=user_id)
    log.info("%s %s user %s", actor.name, "enabled" if active else "disabled", user_id)
    return _require_user(workspace, user_id)


def set_password(workspace: Workspace, actor: Actor, user_id: str, password: str) -> None:
    """Give a user a new password; their other sessions end. A user may change their own.

    Raises:
        PermissionDeniedError: neither an admin nor the user themselves.
        ValidationError: the password is too short or too long.
        NotFoundError: no such user.
    """
    if actor.user_id != user_id:
        require(workspace, actor, Permission.MANAGE)
    hashed = passwords.hash_password(password)
    store = workspace._store
    with store.transaction():
        store.update_user(user_id, password_hash=hashed)
        store.end_sessions(utc_now(), user_id=user_id)
    log.info("%s set a new password for user %s", actor.name, user_id)


def reset_totp(workspace: Workspace, actor: Actor, user_id: str) -> str:
    """Give a user a new TOTP secret (a lost phone); return the URI to enrol it.

    Raises:
        PermissionDeniedError: the actor may not manage users. NotFoundError: no such user.
    """
    require(workspace, actor, Permission.MANAGE)
    user = _require_user(workspace, user_id)
    secret = totp.new_secret()
    workspace._store.update_user(
        user_id, totp_secret=secret, totp_required=True, totp_last_step=None
    )
    log.info("%s reset the second factor of user %s", actor.name, user_id)
    return totp.provisioning_uri(secret, user.email)


def set_role(workspace: Workspace, actor: Actor, user_id: str, role: Role | str) -> User:
    """Change a user's role.

    Raises:
        PermissionDeniedError: the actor may not manage users. NotFoundError: no such user.
    """
    require(workspace, actor, Permission.MANAGE)
    workspace._store.update_user(user_id, role=str(Role(role)))
    log.info("%s made user %s a %s", actor.name, user_id, role)
    return _require_user(workspace, user_id)


def assign_schools(
    workspace: Workspace, actor: Actor, user_id: str, school_ids: Iterable[str]
) -> User:
    """Replace the schools a user may see (an admin sees every school regardless).

    Raises:
        PermissionDeniedError: the actor may not manage users.
        NotFoundError: no such user. ConflictError: a school does not exist.
    """
    require(workspace, actor, Permission.MANAGE)
    _require_user(workspace, user_id)
    workspace._store.set_user_schools(user_id, list(school_ids))
    log.info("%s set the schools of user %s", actor.name, user_id)
    return _require_user(workspace, user_id)


def user_from_row(row: dict[str, Any], school_ids: frozenset[str]) -> User:
    return User(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        role=Role(row["role"]),
        totp_required=bool(row["totp_required"]),
        totp_enrolled=row["totp_secret"] is not None,
        has_password=row["password_hash"] is not None,
        active=bool(row["active"]),
        created_at=row["created_at"],
        school_ids=school_ids,
    )


def _require_user(workspace: Workspace, user_id: str) -> User:
    user = get_user(workspace, user_id)
    if user is None:
        raise NotFoundError(f"No user with id {user_id!r}.")
    return user


def _may_manage(workspace: Workspace, actor: Actor, *, first_role: Role) -> None:
    if workspace.accounts_exist():
        require(workspace, actor, Permission.MANAGE)
        return
    require_signed_in(workspace, actor)
    if first_role is not Role.ADMIN:
        raise PermissionDeniedError(
            "The first account must be an admin: create it with "
            "`python -m datawalk user add --role admin`."
        )


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_TEXT:
        raise ValidationError(
            f"Give the person's name (at most {MAX_TEXT} characters).", field="display_name"
        )
    return name


def _check_email(email: str) -> str:
    address = normalise_email(email)
    local, _, domain = address.partition("@")
    if not local or "." not in domain or " " in address or len(address) > MAX_TEXT:
        raise ValidationError(
            "Give a valid email address, such as a.consultant@example.org.", "email"
        )
    return address
