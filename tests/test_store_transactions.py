"""Store: one transaction per call: failures leave nothing behind, concurrent writers queue."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from datawalk.store import Store, tables

ACTOR = "Test Consultant"


def _counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in tables.metadata.sorted_tables
        }


def test_import_failing_half_way_writes_nothing(
    store, monkeypatch, make_audit, make_location, make_finding
):
    audit = store.create_audit(make_audit(), ACTOR)
    location = store.add_location(make_location(audit.id), ACTOR)
    store.save_finding(make_finding(audit.id, location.id), ACTOR)
    document = store.export_document(audit.id)
    other = Store.open("sqlite://")
    try:
        import datawalk.store.documents as documents

        def explode(*_args, **_kwargs):
            raise RuntimeError("disk unplugged")

        # Audit, locations and findings are inserted before actions: make the actions fail.
        monkeypatch.setattr(documents, "insert_actions", explode)
        with pytest.raises(RuntimeError):
            other.import_document(document, ACTOR)
        assert set(_counts(other).values()) == {0}
    finally:
        other.close()


def test_finding_save_failing_after_insert_writes_nothing(
    store, monkeypatch, audit, location, make_finding, make_photo
):
    import datawalk.store.findings as findings

    version = store.audit_version(audit.id)
    before = _counts(store)

    def explode(*_args, **_kwargs):
        raise RuntimeError("crash after the finding row")

    monkeypatch.setattr(findings, "touch_location", explode)
    with pytest.raises(RuntimeError):
        store.save_finding(make_finding(audit.id, location.id, photos=[make_photo()]), ACTOR)
    assert _counts(store) == before
    assert store.audit_version(audit.id) == version


def test_concurrent_writers_get_unique_references(
    tmp_path, make_audit, make_location, make_finding
):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    setup = Store.open(url)
    audit = setup.create_audit(make_audit(), ACTOR)
    location = setup.add_location(make_location(audit.id), ACTOR)
    errors: list[BaseException] = []

    def walk(name: str) -> None:
        own = Store.open(url)  # a second process would open its own store like this
        try:
            for _ in range(15):
                own.save_finding(make_finding(audit.id, location.id), name)
                own.save_draft(audit.id, location.id, {"by": name})
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=walk, args=(f"Consultant {i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        references = [f.reference for f in setup.list_findings(audit.id)]
        assert references == [f"F-{n:03d}" for n in range(1, 46)]
        assert setup.audit_version(audit.id) == 1 + 1 + 45
    finally:
        setup.close()


def test_a_unit_of_work_commits_several_calls_together(store, audit, make_location):
    with store.transaction():
        first = store.add_location(make_location(audit.id, name="Servery"), ACTOR)
        with store.transaction():  # a nested unit joins the outer one
            second = store.add_location(make_location(audit.id, name="Staff room"), ACTOR)
        # reads inside the unit see its own uncommitted writes
        assert {x.id for x in store.list_locations(audit.id)} >= {first.id, second.id}
    assert {x.name for x in store.list_locations(audit.id)} == {"Servery", "Staff room"}


def test_a_unit_of_work_that_fails_keeps_none_of_its_calls(store, audit, make_location):
    before = _counts(store)
    trail = len(store.list_trail(audit.id))
    with pytest.raises(RuntimeError), store.transaction():
        store.add_location(make_location(audit.id, name="Servery"), ACTOR)
        store.add_location(make_location(audit.id, name="Staff room"), ACTOR)
        raise RuntimeError("the second half of the use case failed")
    assert _counts(store) == before
    assert len(store.list_trail(audit.id)) == trail
    store.add_location(make_location(audit.id, name="Hall"), ACTOR)  # the store still works
    assert [x.name for x in store.list_locations(audit.id)] == ["Hall"]
