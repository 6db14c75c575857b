"""`user` and `school`: the accounts and schools of a shared DataWalk, from the server's shell.

Whoever runs these holds the database itself, so they act as the operator, an admin, whatever
accounts exist; the first admin is made here. Passwords are asked for hidden, twice, and never
printed; a new TOTP secret is printed once, as the otpauth:// URI an authenticator app reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from datawalk.accounts import schools as school_accounts
from datawalk.accounts import users
from datawalk.accounts.roles import Role, User
from datawalk.cli.app import ACTOR, db_option, main, open_workspace
from datawalk.errors import NotFoundError
from datawalk.models import Phase
from datawalk.services import Actor, Workspace

T = TypeVar("T")

OPERATOR = Actor.operator(ACTOR)
ROLES = click.Choice([role.value for role in Role])


@main.group(cls=click.Group)
def user() -> None:
    """Manage user accounts (admins, consultants, school leads and viewers).

    Until the first account exists DataWalk runs in its no-accounts mode (this computer only, or
    the single app password); create the first admin with `user add --role admin`.
    """


@user.command("add")
@click.option("--name", required=True, help="The person's name, as the audit trail shows it.")
@click.option("--email", required=True, help="Their email address: the sign-in name.")
@click.option("--role", type=ROLES, required=True, help="What they may do (see the README).")
@click.option(
    "--school",
    "school_ids",
    multiple=True,
    metavar="SCHOOL_ID",
    help="A school they may see (repeatable; see `school list`). Admins see every school.",
)
@click.option(
    "--no-password",
    is_flag=True,
    help="Sign in by single sign-on only: no password is asked for.",
)
@click.option(
    "--totp/--no-totp",
    "totp_required",
    default=None,
    help="Require an authenticator code (default: yes for admins and consultants).",
)
@db_option
def user_add(
    name: str,
    email: str,
    role: str,
    school_ids: tuple[str, ...],
    no_password: bool,
    totp_required: bool | None,
    db_url: str | None,
) -> None:
    """Create an account.

    Asks for the password twice, hidden. Prints the user id, and the otpauth:// URI to add to
    the person's authenticator app (shown once: keep it private).
    """
    password = None if no_password else _ask_password()
    with open_workspace(db_url) as workspace:
        created = users.create_user(
            workspace,
            OPERATOR,
            display_name=name,
            email=email,
            role=role,
            password=password,
            totp_required=totp_required,
            school_ids=school_ids,
        )
    click.echo(f"created {created.user.role.label.lower()} {created.user.email}", err=True)
    if created.totp_uri:
        click.echo("add this to their authenticator app (shown once):", err=True)
        click.echo(created.totp_uri)
    click.echo(created.user.id)


@user.command("list")
@db_option
def user_list(db_url: str | None) -> None:
    """List the accounts: email, name, role, status, second factor and schools."""
    with open_workspace(db_url) as workspace:
        listed = users.list_users(workspace, OPERATOR)
        names = {s.id: s.name for s in school_accounts.list_schools(workspace, OPERATOR)}
    if not listed:
        click.echo("no accounts yet: DataWalk runs without sign-in (this computer only)", err=True)
    for account in listed:
        click.echo(_describe(account, names))


@user.command("disable")
@click.argument("email")
@db_option
def user_disable(email: str, db_url: str | None) -> None:
    """Disable an account: its sessions end at once and it can no longer sign in."""
    _change_account(email, db_url, lambda w, user_id: users.set_active(w, OPERATOR, user_id, False))
    click.echo(f"disabled {email}", err=True)


@user.command("enable")
@click.argument("email")
@db_option
def user_enable(email: str, db_url: str | None) -> None:
    """Enable a disabled account again."""
    _change_account(email, db_url, lambda w, user_id: users.set_active(w, OPERATOR, user_id, True))
    click.echo(f"enabled {email}", err=True)


@user.command("assign")
@click.argument("email")
@click.argument("school_ids", nargs=-1, metavar="SCHOOL_ID...")
@db_option
def user_assign(email: str, school_ids: tuple[str, ...], db_url: str | None) -> None:
    """Set the schools an account may see (replacing its list; none clears it)."""
    _change_account(
        email, db_url, lambda w, user_id: users.assign_schools(w, OPERATOR, user_id, school_ids)
    )
    click.echo(f"{email}: {len(school_ids)} school(s)", err=True)


@user.command("set-password")
@click.argument("email")
@db_option
def user_set_password(email: str, db_url: str | None) -> None:
    """Give an account a new password (asked twice, hidden); its sessions end."""
    password = _ask_password()
    _change_account(
        email, db_url, lambda w, user_id: users.set_password(w, OPERATOR, user_id, password)
    )
    click.echo(f"new password set for {email}", err=True)


@user.command("reset-totp")
@click.argument("email")
@db_option
def user_reset_totp(email: str, db_url: str | None) -> None:
    """Give an account a new authenticator secret (a lost phone); prints its otpauth:// URI."""
    uri = _change_account(email, db_url, lambda w, user_id: users.reset_totp(w, OPERATOR, user_id))
    click.echo("add this to their authenticator app (shown once):", err=True)
    click.echo(uri)


@main.group(cls=click.Group)
def school() -> None:
    """Manage schools: the records audits point to and users are scoped to."""


@school.command("add")
@click.argument("name")
@click.option(
    "--phase",
    type=click.Choice([phase.value for phase in Phase]),
    required=True,
    help="The school's phase.",
)
@click.option("--urn", default=None, help="The DfE unique reference number, if known.")
@db_option
def school_add(name: str, phase: str, urn: str | None, db_url: str | None) -> None:
    """Add a school; prints its id."""
    with open_workspace(db_url) as workspace:
        added = school_accounts.add_school(workspace, OPERATOR, name, phase, urn)
    click.echo(added.id)


@school.command("list")
@db_option
def school_list(db_url: str | None) -> None:
    """List the schools: id, name, phase, URN and number of audits."""
    with open_workspace(db_url) as workspace:
        listed = school_accounts.list_schools(workspace, OPERATOR)
    if not listed:
        click.echo("no schools yet: a new audit adds its school", err=True)
    for record in listed:
        urn = f"URN {record.urn}" if record.urn else "no URN"
        click.echo(
            f"{record.id}  {record.name}  {record.phase}  {urn}  {record.audit_count} audit(s)"
        )


@school.command("merge")
@click.argument("keep_id", metavar="KEEP_ID")
@click.argument("merged_ids", nargs=-1, required=True, metavar="MERGED_ID...")
@db_option
def school_merge(keep_id: str, merged_ids: tuple[str, ...], db_url: str | None) -> None:
    """Merge schools into KEEP_ID: their audits and users' scopes move, and they are deleted."""
    with open_workspace(db_url) as workspace:
        moved = school_accounts.merge_schools(workspace, OPERATOR, keep_id, merged_ids)
    click.echo(f"merged {len(merged_ids)} school(s); {moved} audit(s) moved", err=True)


def _ask_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True, type=str)


def _change_account(email: str, db_url: str | None, change: Callable[[Workspace, str], T]) -> T:
    """Run one use case on the account with this email (by its id), in the operator's name."""
    with open_workspace(db_url) as workspace:
        return change(workspace, _find(workspace, email).id)


def _find(workspace: Workspace, email: str) -> User:
    found = users.find_user(workspace, email)
    if found is None:
        raise NotFoundError(f"No account with the email {email!r}.")
    return found


def _describe(account: User, school_names: dict[str, str]) -> str:
    status = "active" if account.active else "disabled"
    factor = "TOTP" if account.totp_enrolled else "no TOTP"
    if account.role is Role.ADMIN:
        scope = "all schools"
    else:
        scope = ", ".join(sorted(school_names.get(i, i) for i in account.school_ids)) or "none"
    return (
        f"{account.email}  {account.display_name}  {account.role.value}  {status}  {factor}  "
        f"schools: {scope}"
    )
