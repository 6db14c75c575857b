"""Schema migrations: Alembic run in code, one write transaction per upgrade, with no alembic.ini.

On SQLite a migration may rebuild a parent table, so foreign keys are off while it runs and the
whole file is checked before commit (SQLite's documented schema-change procedure).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from datawalk.errors import StoreError
from datawalk.store.engine import WRITE_OPTION, is_sqlite, read_transaction

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def migration_config(connection: Connection) -> Config:
    """Return an Alembic config built in code: no alembic.ini, the connection passed through."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in one write transaction fit for schema changes.

    On SQLite, foreign keys are switched off for the duration (outside the transaction, where the
    pragma takes effect) and checked before commit: a migration that rebuilds a parent table would
    otherwise cascade-delete its children. This is SQLite's documented schema-change procedure.
    The check reads every row that points at another, so it runs only when the schema revision
    moved: every open of a database already up to date would otherwise pay for it.
    """
    sqlite = is_sqlite(engine)
    with engine.connect() as connection:
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                before = _revision_of(connection)
                yield connection
                if sqlite and _revision_of(connection) != before:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise StoreError(
                            "The database upgrade would leave rows pointing at missing rows "
                            f"({len(broken)} found), so it was not applied."
                        )
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _revision_of(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys on the driver's own connection, where no transaction is open
    (inside one the pragma does nothing)."""
    driver = connection.connection.dbapi_connection
    if driver is None:
        raise StoreError("The database connection closed during the upgrade; nothing was applied.")
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Migrate the schema to `revision` in one write transaction (a second process just waits).

    Returns True when the database had no schema at all before: brand new. Judged inside the
    migration's own transaction, so of two processes opening a new file only one is told so.
    """
    with migration_transaction(engine) as connection:
        brand_new = _revision_of(connection) is None
        command.upgrade(migration_config(connection), revision)
    return brand_new


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the schema back to `revision` (for tests and emergencies; data in dropped columns
    and tables is lost)."""
    with migration_transaction(engine) as connection:
        command.downgrade(migration_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None for an empty database."""
    with read_transaction(engine) as connection:
        return _revision_of(connection)
