"""The SQLAlchemy engine: where the database is, and how SQLite is set up (schema migrations are
in `migrate.py`).

SQLite is the embedded default, so its connections get the pragmas that make the file durable and
private (WAL, foreign keys, secure_delete). SQLAlchemy takes over BEGIN from the sqlite3 driver so a
transaction really starts at the first statement: without that, reads before the first write run
outside the transaction and SAVEPOINT and DDL misbehave. Write transactions use BEGIN IMMEDIATE so
two writers queue on busy_timeout instead of failing when a read lock cannot be upgraded.

PostgreSQL (psycopg 3) is the shared-server engine. Its pooled connections are pinged before use
(`pool_pre_ping`), so the first request after a server restart reconnects instead of failing, and
a server that is really down becomes one clear `DatabaseUnavailableError`. A database URL may hold
a password: no message, log line or exception text built here ever includes more of it than
`describe_database_location` shows (driver, host, port and database name).

Nothing here knows about audits; the repository modules own every query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import StaticPool

from datawalk.errors import DatabaseUnavailableError, NotFoundError, StoreError, ValidationError
from datawalk.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_DATABASE_PATH = Path("data") / "datawalk.db"
BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "datawalk_write"
# How long a hard delete's VACUUM FULL waits for another session's lock on a table.
LOCK_WAIT_SECONDS = 5

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


def describe_database_location(url: URL) -> str:
    """Return a SQLite file's absolute path (":memory:" for an in-memory database), else the URL
    without user name, password or query options, which can carry credentials too. Works on a
    bare URL so no database driver has to be importable to show or test it."""
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return ":memory:"
        return str(Path(url.database).expanduser().resolve())
    bare = URL.create(url.drivername, host=url.host, port=url.port, database=url.database)
    return bare.render_as_string(hide_password=True)


def create_store_engine(url: str) -> Engine:
    """Return an engine for `url`, with SQLite pragmas and transaction handling installed, and
    pooled connections pinged before use on a database server.

    Raises:
        StoreError: the URL cannot be parsed or names a driver that is not installed (the message
            never quotes the URL: it may hold a password).
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # `from None`: a parser's message can quote a piece of the URL, and a traceback prints it.
        raise StoreError(
            "The database URL is not valid (it is not repeated here, as it may hold a password): "
            "expected a SQLAlchemy URL such as sqlite:///data/datawalk.db or "
            "postgresql+psycopg://user@host/datawalk."
        ) from None
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
    else:
        # A pooled connection may have died with a server restart: test it at checkout and
        # reconnect, rather than fail the first request after the restart.
        options["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **options)
    except (ImportError, ArgumentError) as error:
        where = describe_database_location(parsed)
        raise StoreError(
            f"Cannot use the database {where}: its driver ({parsed.drivername}) is not installed "
            "or not known. For PostgreSQL use postgresql+psycopg://… (psycopg is in "
            "requirements.txt)."
        ) from error
    if is_sqlite:
        _install_sqlite_hooks(engine)
    _install_value_guard(engine)
    return engine


def _install_value_guard(engine: Engine) -> None:
    """Refuse, on every engine alike, a text value the column cannot hold, before it is sent.

    PostgreSQL cannot store a NUL character in text and refuses a value longer than its
    VARCHAR; SQLite would store both silently. The models limit lengths already; this is the
    last line for any path that skipped them, so both engines give the same clear error. Reads
    are not length-checked (a long id is simply not found), and a NUL in one finds nothing.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def _guard(_conn: Any, _cursor: Any, _sql: Any, _params: Any, context: Any, _many: Any) -> None:
        compiled = getattr(context, "compiled", None)
        if compiled is None:
            return
        writes = context.isinsert or context.isupdate
        lengths: dict[str, int | None] = {}  # per bind name, looked up once per statement
        for parameters in context.compiled_parameters:
            for name, value in parameters.items():
                if not isinstance(value, str):
                    continue
                if writes:
                    if name not in lengths:
                        bind = compiled.binds.get(name)
                        lengths[name] = getattr(getattr(bind, "type", None), "length", None)
                    length = lengths[name]
                    if "\x00" in value or (length is not None and len(value) > length):
                        check_storable(name, value, length)
                elif "\x00" in value:
                    # Nothing stored holds a NUL, so nothing can match: on PostgreSQL the driver
                    # would refuse to send it at all, on SQLite the query would find nothing.
                    raise NotFoundError("Nothing stored matches a value holding a NUL character.")


def check_storable(name: str, value: str, length: int | None) -> None:
    """Raise the user's ValidationError if `value` holds a NUL or is longer than `length`.

    `name` is the bind parameter's name, which is the column's (with a numeric suffix when a
    statement binds it twice).
    """
    if "\x00" not in value and (length is None or len(value) <= length):
        return  # the common case, checked for every value an executemany writes
    field = name.rstrip("0123456789").rstrip("_") or name
    label = field.replace("_", " ").capitalize()
    if "\x00" in value:
        raise ValidationError(
            f"{label} holds a NUL character (\\x00), which cannot be stored: remove it and try "
            "again. Nothing was saved.",
            field=field,
        )
    if length is not None and len(value) > length:
        raise ValidationError(
            f"{label} is {len(value):,} characters long; at most {length:,} can be stored. "
            "Shorten it and try again. Nothing was saved.",
            field=field,
        )


# SQLite says these when the file cannot be used at all; "locked" and "busy" mean other writers
# held it past busy_timeout. Any other OperationalError is a bug and is left to surface.
_SQLITE_UNAVAILABLE = ("unable to open", "disk i/o", "readonly", "disk is full", "not a database")
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
# PostgreSQL: a deadlock or serialization failure (class 40), a lock wait or statement timeout.
_SERVER_BUSY_CLASS = "40"
_SERVER_BUSY_STATES = ("55P03", "57014")


def unavailable(engine: Engine, error: DBAPIError) -> DatabaseUnavailableError | None:
    """Return the user's error for a database that is down, unreachable or too busy to answer
    now, or None when `error` is something else (a constraint, a bug).

    Nothing was written: the transaction did not commit. The message says so, and never quotes
    the driver's text (which may name the server and user).
    """
    if is_sqlite(engine):
        text = str(error.orig or error).lower()
        sqlite_error = isinstance(error, OperationalError)
        busy = sqlite_error and any(words in text for words in _SQLITE_BUSY)
        down = sqlite_error and any(words in text for words in _SQLITE_UNAVAILABLE)
    else:
        state = str(getattr(error.orig, "sqlstate", None) or "")
        busy = state.startswith(_SERVER_BUSY_CLASS) or state in _SERVER_BUSY_STATES
        down = error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))
    if busy:
        return DatabaseUnavailableError(
            "The database was busy with other changes made at the same moment, so this was not "
            "done; nothing was lost. Try again."
        )
    if down:
        return DatabaseUnavailableError(
            "Database unavailable: this was not done, and nothing was lost. "
            "Try again in a moment; if it lasts, tell whoever runs the database "
            f"({describe_database_location(engine.url)})."
        )
    return None


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


def scrub_deleted(engine: Engine, table_names: Sequence[str]) -> bool:
    """After a hard delete has committed, make the deleted bytes leave the database's own files.

    SQLite zeroes freed content as it goes (secure_delete); its WAL is checkpointed and truncated
    here. PostgreSQL keeps deleted rows, and the old versions of updated ones, in the table files:
    a plain VACUUM frees their space but leaves the bytes there until reused, so each affected
    table is rewritten with VACUUM FULL (autocommit: VACUUM cannot run in a transaction; only the
    tables' owner may). The rewrite locks one table at a time, briefly for tables this size; a
    table another session keeps locked past LOCK_WAIT gets a plain VACUUM instead, and False is
    returned. What stays elsewhere (the WAL until recycled, backups, dump files) is in the README.

    Returns True when every table was scrubbed; False (and a log line saying why) otherwise.
    """
    if is_sqlite(engine):
        return checkpoint_wal(engine)
    if engine.dialect.name != "postgresql" or not table_names:
        return True
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        owned = set(
            connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tableowner = current_user AND tablename = ANY(%(names)s)",
                {"names": list(table_names)},
            ).scalars()
        )
        connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_WAIT_SECONDS}s'")
        busy = [name for name in table_names if name in owned and not _rewrite(connection, name)]
        connection.exec_driver_sql("RESET lock_timeout")
    skipped = sorted(set(table_names) - owned)
    if skipped:
        log.warning("not vacuumed after a hard delete (owned by another role): %s", skipped)
    if busy:
        log.warning("only a plain VACUUM after a hard delete (tables in use): %s", busy)
    return not (skipped or busy)


def _rewrite(connection: Connection, table: str) -> bool:
    """VACUUM FULL the table; if it stays locked past the wait, a plain VACUUM and False."""
    try:
        connection.exec_driver_sql(f'VACUUM FULL "{table}"')
    except OperationalError:
        connection.exec_driver_sql(f'VACUUM "{table}"')
        return False
    return True
