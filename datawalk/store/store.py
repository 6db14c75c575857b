"""`Store`: the one object the app, the CLI and the tests use to reach the database.

It composes one mixin per kind of entity; each public method is one transaction. Opening a store
runs the schema migrations, so a database from any earlier version is upgraded before first use.
"""

from __future__ import annotations

from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from datawalk.errors import DatabaseUnavailableError, StoreError
from datawalk.models import TrailEvent

from .accounts import AccountsMixin
from .actions import ActionsMixin
from .audits import AuditsMixin
from .base import bump_audit, require_actor
from .documents import DocumentsMixin
from .drafts import DraftsMixin
from .engine import create_store_engine, describe_database_location, resolve_url
from .findings import FindingsMixin
from .locations import LocationsMixin
from .migrate import upgrade
from .photos import PhotosMixin
from .places import PlacesMixin
from .retention import RetentionMixin
from .rewalk_photos import RewalkPhotosMixin
from .rewalks import RewalksMixin
from .schools import SchoolsMixin
from .trail import record, select_trail


class Store(
    AuditsMixin,
    LocationsMixin,
    FindingsMixin,
    PhotosMixin,
    DraftsMixin,
    ActionsMixin,
    DocumentsMixin,
    RetentionMixin,
    PlacesMixin,
    SchoolsMixin,
    AccountsMixin,
    RewalksMixin,
    RewalkPhotosMixin,
):
    """Durable storage of audits and everything they own. `engine` is exposed for tests only."""

    engine: Engine
    # True when this open created the schema: only then does the app add the fictional sample,
    # so a school that deleted its last audit does not see the sample come back.
    brand_new: bool = False

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating and migrating as needed) the database at `url` and return a store.

        `url` defaults to `DATAWALK_DATABASE_URL`, else `sqlite:///data/datawalk.db` (the `data/`
        directory is created). Any SQLAlchemy URL works; SQLite gets WAL, foreign keys and
        secure_delete.

        Raises:
            StoreError: the URL is not usable.
        """
        engine = create_store_engine(resolve_url(url))
        try:
            brand_new = upgrade(engine)
        except (OperationalError, CommandError) as error:
            engine.dispose()
            raise _open_failure(describe_database_location(engine.url), error) from error
        store = cls(engine)
        store.brand_new = brand_new
        return store

    def close(self) -> None:
        """Release the database connections (the store must not be used afterwards)."""
        self.engine.dispose()

    def database_location(self) -> str:
        """Return where the data is kept, safe to show on the privacy notice."""
        return describe_database_location(self.engine.url)

    def list_trail(self, audit_id: str) -> list[TrailEvent]:
        """Return the audit's trail, oldest first: who changed which fields of what, and when."""
        with self._read() as connection:
            return select_trail(connection, audit_id)

    def record_kept_identifiers(
        self,
        audit_id: str,
        actor: str,
        *,
        entity: str,
        entity_id: str,
        kept: dict[str, list[str]],
    ) -> TrailEvent | None:
        """Record in the trail that `actor` saved text they were warned may hold pupil
        identifiers: the fields and kinds (see `datawalk.privacy.text_checks`), never the text.

        Called straight after the save it accounts for; nothing is recorded when nothing was kept.

        Raises:
            NotFoundError: no audit has this id.
            ValidationError: the actor is empty.
        """
        if not kept:
            return None
        # Imported here: the store must not load the privacy scanners just to open.
        from datawalk.privacy.text_checks import kept_changes

        require_actor(actor)
        with self._write() as connection:
            bump_audit(connection, audit_id)
            return record(
                connection,
                audit_id=audit_id,
                actor=actor,
                entity=entity,
                entity_id=entity_id,
                operation="update",
                changes=kept_changes(kept),
            )


def _open_failure(where: str, error: Exception) -> StoreError:
    """The user's error for a database that would not open; `where` is already safe to show and
    the driver's first line never holds the password (libpq does not repeat it)."""
    if isinstance(error, CommandError):
        return StoreError(
            f"The database at {where} was written by a newer version of DataWalk ({error}). "
            "Update DataWalk, or open another database."
        )
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    return DatabaseUnavailableError(
        f"Database unavailable: cannot open the database at {where} ({reason}). "
        "Nothing was lost; try again once it is reachable."
    )
