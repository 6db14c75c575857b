"""The handle the pages and the CLI hold: storage opened once by the composition root.

Use cases in `datawalk.services` take a `Workspace` and an `Actor`, and are the only code that
writes. Callers never see the store: they read through `Workspace.reads`, which offers only
reads, so no page or command can change anything past the services' checks and trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from datawalk.errors import ValidationError
from datawalk.models import Model

ModelT = TypeVar("ModelT", bound=Model)

if TYPE_CHECKING:
    from datawalk.store import Store

READ_METHODS = frozenset(
    {
        "audit_version",
        "database_location",
        "export_document",
        "findings_for_scoring",
        "get_audit",
        "get_audit_rules",
        "get_finding",
        "get_location",
        "get_rewalk_item",
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
        "rewalk_record",
    }
)


@dataclass(frozen=True)
class Actor:
    """Who is making a change: named in the trail of everything they do."""

    name: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("Say who is making this change.", field="actor")


class Reads:
    """The read side of the store and nothing else (see READ_METHODS)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str):
        if name not in READ_METHODS:
            raise AttributeError(f"{name} is not a read; changes go through datawalk.services")
        return getattr(self._store, name)


class Workspace:
    """One database, opened once per process by the composition root."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads = Reads(store)

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
