"""The handle the pages and the CLI hold: storage opened once by the composition root.

Use cases in `datawalk.services` take a `Workspace` and an `Actor`, and are the only code that
writes. Callers never see the store: they read through `Workspace.reads`, which offers only
reads, so no page or command can change anything past the services' checks and trail.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

from datawalk.accounts.roles import Role
from datawalk.errors import ValidationError
from datawalk.models import Model

ModelT = TypeVar("ModelT", bound=Model)
ActorKind = Literal["local", "operator", "user"]
NO_ACCOUNTS_RECHECK_SECONDS = 1.0

if TYPE_CHECKING:
    from datawalk.store import Store

READ_METHODS = frozenset(
    {
        "audit_version",
        "database_location",
        "drafts_elsewhere",
        "export_document",
        "finding_stamps",
        "findings_by_ids",
        "findings_for_scoring",
        "get_audit",
        "get_audit_rules",
        "get_finding",
        "get_location",
        "get_rewalk_item",
        "has_drafts",
        "list_actions",
        "list_audits",
        "list_findings",
        "list_locations",
        "list_photos",
        "list_tombstones",
        "list_walk_summaries",
        "list_imported_trail",
        "list_trail",
        "last_open_audit_id",
        "last_place",
        "load_draft",
        "newest_findings",
        "photo_counts",
        "rewalk_photos",
        "rewalk_record",
    }
)


@dataclass(frozen=True)
class Actor:
    """Who is making a change or reading: named in the trail of everything they do, with the
    role and school scope every use case checks (`datawalk.services.authorization`).

    `Actor(name)` is the local person of the no-accounts mode: an implicit admin, refused by
    every use case once the first user account exists. `Actor.operator(name)` is whoever runs
    the command line on the server, who holds the database itself: an admin always.
    `Actor.for_user(...)` is a signed-in user (see `datawalk.accounts.users.actor_for`).
    """

    name: str
    role: Role = Role.ADMIN
    user_id: str | None = None
    school_ids: frozenset[str] = field(default_factory=frozenset)
    kind: ActorKind = "local"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("Say who is making this change.", field="actor")
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "school_ids", frozenset(self.school_ids))
        if self.kind == "user" and not self.user_id:
            raise ValidationError("A signed-in actor names their user account.", field="actor")

    @classmethod
    def operator(cls, name: str) -> Actor:
        return cls(name, kind="operator")

    @classmethod
    def for_user(
        cls, name: str, user_id: str, role: Role, school_ids: frozenset[str] = frozenset()
    ) -> Actor:
        return cls(name, role=role, user_id=user_id, school_ids=school_ids, kind="user")

    def sees_school(self, school_id: str | None) -> bool:
        """True when the school is in this actor's scope (an admin's scope is every school)."""
        if self.role is Role.ADMIN:
            return True
        return school_id is not None and school_id in self.school_ids


class Reads:
    """The read side of the store and nothing else (see READ_METHODS)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str):
        if name not in READ_METHODS:
            raise AttributeError(f"{name} is not a read; changes go through datawalk.services")
        return getattr(self._store, name)


@dataclass
class _AccountsCheck:
    """Whether accounts exist, as last asked (see `Workspace.accounts_exist`)."""

    seen: bool = False
    checked_at: float = -NO_ACCOUNTS_RECHECK_SECONDS


class Workspace:
    """One database, opened once per process by the composition root."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads = Reads(store)
        # Shared with every view of this workspace (`for_actor`), so one check serves them all.
        self._accounts = _AccountsCheck()

    def accounts_exist(self) -> bool:
        """True once the first user account exists. From then on the no-accounts mode is over:
        the implicit local admin is refused and only signed-in users (and the CLI operator)
        act. Users are disabled, never deleted, so once true it stays true."""
        check = self._accounts
        if not check.seen:
            now = time.monotonic()
            # Until then a page run asks on every read, so "none yet" is believed for a moment.
            if now - check.checked_at >= NO_ACCOUNTS_RECHECK_SECONDS:
                check.seen = self._store.count_users() > 0
                check.checked_at = now
        return check.seen

    def accounts_changed(self) -> None:
        """An account was just created: ask the database at the next check."""
        self._accounts.checked_at = -NO_ACCOUNTS_RECHECK_SECONDS

    def reads_for(self, actor: Actor) -> Reads:
        """The reads this actor may make: audits of other schools are "not found", and a school
        viewer gets what the governors edition shows (see `services/scoped_reads.py`)."""
        from datawalk.services.scoped_reads import ScopedReads

        return ScopedReads(self, actor)

    def for_actor(self, actor: Actor) -> Workspace:
        """This workspace as `actor` sees it: the same database and use cases, with `reads`
        scoped to the actor (see `reads_for`). A view: never close it; close the workspace."""
        view = copy.copy(self)
        view.reads = self.reads_for(actor)
        return view

    @classmethod
    def open(cls, url: str | None = None, *, sample_if_new: bool = False) -> Workspace:
        """Open (creating and migrating as needed) the database at `url`.

        With `sample_if_new`, a brand-new database gets the fictional sample walk (the app's
        first start); an existing one never does, so the sample does not come back after a
        school deletes its last audit.

        Raises:
            StoreError: the URL is not usable.
        """
        from datawalk.store import Store

        workspace = cls(Store.open(url))
        if sample_if_new and workspace.brand_new:
            from datawalk.samples import load_sample

            load_sample(workspace._store)
        return workspace

    @property
    def brand_new(self) -> bool:
        """True when opening it created the schema."""
        return self._store.brand_new

    def close(self) -> None:
        self._store.close()


def checked(record: ModelT) -> ModelT:
    """Return the record validated again before a use case stores it (see `Model.checked`).

    Raises:
        ValidationError: a field breaks its rule, named as the person would see it.
    """
    import pydantic

    from datawalk.errors import validation_error

    try:
        return record.checked()
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from exc
