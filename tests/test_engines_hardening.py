"""What a real database server brings, on SQLite and PostgreSQL alike: a password in the URL is
never printed, a restarted server is reconnected to, a server that is down gives one clear
"database unavailable, nothing was lost", and a NUL character or an over-long value is one clear
error, not a crash on one engine and silent storage on the other."""

from __future__ import annotations

import logging
import sqlite3
import traceback

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import OperationalError

from datawalk.cli import main
from datawalk.errors import DatabaseUnavailableError, NotFoundError, StoreError, ValidationError
from datawalk.services import Actor, Workspace
from datawalk.services.findings import save_finding
from datawalk.store import Store
from datawalk.store import engine as engine_module
from datawalk.store.engine import create_store_engine, unavailable

ACTOR = Actor("Test Consultant")
SECRET = "Pa55-never-shown"


def _everything_said(error: BaseException) -> str:
    """The error's message and its whole traceback, chained causes included."""
    return str(error) + "".join(traceback.format_exception(error))


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+pg8000://walker:{SECRET}@127.0.0.1/datawalk",  # driver not installed
        f"postgresql+psycopg://walker:{SECRET}@127.0.0.1:notaport/datawalk",  # unparsable
        f"postgresql+psycopg://walker@127.0.0.1:9/datawalk?password={SECRET}",  # nobody there
        f"nosuchdb://walker:{SECRET}@127.0.0.1/datawalk",  # unknown dialect
    ],
)
def test_a_password_in_a_bad_database_url_is_never_printed(url, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    assert SECRET not in _everything_said(raised.value)
    assert SECRET not in caplog.text
    result = CliRunner().invoke(main, ["list", "--db", url])
    assert result.exit_code != 0
    assert SECRET not in result.output + result.stderr


def test_a_wrong_password_is_refused_without_printing_either(postgres_cluster, caplog):
    database = postgres_cluster.create_database("wrong_password")
    url = database.replace(postgres_cluster.password, SECRET)
    with pytest.raises(DatabaseUnavailableError) as raised:
        Store.open(url)
    said = _everything_said(raised.value)
    assert "password authentication failed" in said
    assert SECRET not in said and postgres_cluster.password not in said
    assert SECRET not in caplog.text


def test_the_store_tells_where_its_data_is_without_the_password(store, engine_name):
    where = store.database_location()
    assert store.engine.url.password is None or store.engine.url.password not in where
    assert where == ":memory:" if engine_name == "sqlite" else where.startswith("postgresql")


def test_a_restarted_server_is_reconnected_and_a_stopped_one_is_a_clear_error(
    postgres_cluster, make_audit
):
    url = postgres_cluster.create_database("restarts")
    store = Store.open(url)
    try:
        audit = store.create_audit(make_audit(), ACTOR.name)
        assert [a.id for a in store.list_audits()] == [audit.id]  # a pooled connection exists
        postgres_cluster.restart()  # every pooled connection is now dead
        assert [a.id for a in store.list_audits()] == [audit.id]
        postgres_cluster.pg_ctl("stop", "-m", "fast", "-w")
        try:
            with pytest.raises(DatabaseUnavailableError, match="nothing was lost") as raised:
                store.create_audit(make_audit(), ACTOR.name)
            assert postgres_cluster.password not in _everything_said(raised.value)
            with pytest.raises(DatabaseUnavailableError, match="Database unavailable"):
                store.list_audits()
        finally:
            postgres_cluster.start()
        assert [a.id for a in store.list_audits()] == [audit.id]  # nothing lost, none half-made
    finally:
        store.close()


def test_sqlite_busy_past_the_timeout_is_a_clear_error_not_database_is_locked():
    engine = create_store_engine("sqlite://")
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    error = unavailable(engine, locked)
    assert isinstance(error, DatabaseUnavailableError)
    assert "nothing was lost" in str(error) and "locked" not in str(error)
    bug = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: nowhere"))
    assert unavailable(engine, bug) is None  # a bug surfaces as itself
    engine.dispose()


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def walk_location(store, make_audit, make_location, checklist):
    from datawalk.checklist import pin_checklist

    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)
    return store.add_location(make_location(audit.id), ACTOR.name)


def test_a_nul_character_is_one_clear_error_and_nothing_is_saved(
    store, workspace, walk_location, make_finding
):
    version = store.audit_version(walk_location.audit_id)
    finding = make_finding(walk_location.audit_id, walk_location.id, notes="Poster\x00by the till")
    with pytest.raises(ValidationError, match="NUL character") as raised:
        save_finding(workspace, ACTOR, finding)
    assert raised.value.field == "notes"
    assert store.list_findings(walk_location.audit_id) == []
    assert store.audit_version(walk_location.audit_id) == version


def test_a_nul_in_any_stored_text_is_refused_on_both_engines(store, make_audit, make_location):
    audit = store.create_audit(make_audit(), ACTOR.name)
    with pytest.raises(ValidationError, match="NUL character"):
        store.add_location(make_location(audit.id, name="Staff\x00room"), ACTOR.name)
    with pytest.raises(ValidationError, match="NUL character"):
        store.create_audit(make_audit(), "A.\x00Consultant")
    assert store.list_locations(audit.id) == []
    assert len(store.list_audits()) == 1


def test_an_over_long_value_that_skipped_the_model_is_one_clear_error(
    store, make_audit, make_location
):
    audit = store.create_audit(make_audit(), ACTOR.name)
    # model_copy skips validation: the store's guard is the last line, the same on both engines.
    too_long = make_location(audit.id).model_copy(update={"name": "Servery " * 40})
    with pytest.raises(ValidationError, match="at most 200 can be stored") as raised:
        store.add_location(too_long, ACTOR.name)
    assert raised.value.field == "name"
    assert store.list_locations(audit.id) == []


def test_a_hard_delete_falls_back_to_a_plain_vacuum_while_a_table_is_in_use(
    postgres_cluster, make_audit, monkeypatch
):
    monkeypatch.setattr(engine_module, "LOCK_WAIT_SECONDS", 1)
    store = Store.open(postgres_cluster.create_database("busy_vacuum"))
    try:
        audit = store.create_audit(make_audit(), ACTOR.name)
        with store.engine.connect() as reader:
            reader.exec_driver_sql("SELECT count(*) FROM findings").scalar()  # holds a lock
            tombstone = store.delete_audit(audit.id, ACTOR.name)  # waits 1 s, then goes on
            assert engine_module.scrub_deleted(store.engine, ["findings"]) is False
        assert engine_module.scrub_deleted(store.engine, ["findings", "audits"]) is True
        assert store.list_tombstones() == [tombstone]
    finally:
        store.close()


def test_a_deadlock_on_the_server_is_busy_not_down(postgres_cluster):
    import psycopg

    engine = create_store_engine(postgres_cluster.url())
    deadlock = OperationalError("UPDATE", {}, psycopg.errors.DeadlockDetected("deadlock detected"))
    error = unavailable(engine, deadlock)
    assert isinstance(error, DatabaseUnavailableError)
    assert "busy" in str(error) and "nothing was lost" in str(error)
    engine.dispose()


def test_a_read_with_an_over_long_or_nul_id_is_simply_not_found(store):
    for bad_id in ("x" * 500, "audit\x00id"):
        with pytest.raises(NotFoundError):
            store.get_audit(bad_id)
