"""The SQLAlchemy engine: where the database is, how SQLite is set up, and schema migrations.

SQLite is the embedded default, so its connections get the pragmas that make the file durable and
private (WAL, foreign keys, secure_delete). SQLAlchemy takes over BEGIN from the sqlite3 driver so a
transaction really starts at the first statement: without that, reads before the first write run
outside the transaction and SAVEPOINT and DDL misbehave. Write transactions use BEGIN IMMEDIATE so
two writers queue on busy_timeout instead of failing when a read lock cannot be upgraded.

Nothing here knows about audits; the repository modules own every query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from datawalk.errors import StoreError
from datawalk.settings import Settings

DEFAULT_DATABASE_PATH = Path("data") / "datawalk.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "datawalk_write"

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    # FULL makes each commit survive a power cut too, not only a killed process; a walk save is
    # one small transaction, so the extra fsync is affordable.
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def resolve_url(url: str | None = None) -> str:
    """Return the database URL: the argument, else `DATAWALK_DATABASE_URL`, else `data/` SQLite.

    The default file lives under `data/` relative to the current directory; the engine creates the
    folder of any SQLite file, so a fresh checkout runs without set-up.
    """
    if url:
        return url
    return Settings.from_environment().database_url or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def create_store_engine(url: str) -> Engine:
    """Return an engine for `url`, with SQLite pragmas and transaction handling installed.

    Raises:
        StoreError: the URL cannot be parsed or names a driver that is not installed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"The database URL {url!r} is not valid: {error}") from error
    options: dict[str, Any] = {}
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        options["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        if parsed.database in (None, "", ":memory:"):
            # One in-memory database shared by every checkout, or each would see an empty one.
            options["poolclass"] = StaticPool
        else:
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"Cannot create the folder {folder} for the database: {error.strerror}."
                ) from error
    try:
        engine = create_engine(parsed, **options)
    except (ImportError, ArgumentError) as error:
        raise StoreError(f"Cannot use the database URL {url!r}: {error}") from error
    if is_sqlite:
        _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see the module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in one write transaction: committed on success, rolled back on error."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection inside one read transaction, so several SELECTs see one snapshot."""
    with engine.begin() as connection:
        yield connection


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
    """
    sqlite = is_sqlite(engine)
    with engine.connect() as connection:
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise StoreError(
                            "The database upgrade would leave rows pointing at missing rows "
                            f"({len(broken)} found), so it was not applied."
                        )
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Migrate the schema to `revision` in one write transaction (a second process just waits).

    Returns True when the database had no schema at all before: brand new. Judged inside the
    migration's own transaction, so of two processes opening a new file only one is told so.
    """
    from alembic.runtime.migration import MigrationContext

    with migration_transaction(engine) as connection:
        brand_new = MigrationContext.configure(connection).get_current_revision() is None
        command.upgrade(migration_config(connection), revision)
    return brand_new


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the schema back to `revision` (for tests and emergencies; data in dropped columns
    and tables is lost)."""
    with migration_transaction(engine) as connection:
        command.downgrade(migration_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with read_transaction(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def checkpoint_wal(engine: Engine) -> bool:
    """Fold the WAL into the main file and truncate it, so deleted bytes leave the WAL too.

    Returns False if a reader held the WAL and the checkpoint could not complete (SQLite then
    finishes it at a later checkpoint); True otherwise, and always for other databases.
    """
    if not is_sqlite(engine):
        return True
    # A raw connection, because a checkpoint must run outside any transaction and SQLAlchemy's
    # Connection would begin one.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    return busy == 0
