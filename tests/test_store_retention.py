"""Store: hard deletion (tombstone, bytes gone from the file), legal hold, and the text purge."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from datawalk.errors import NotFoundError, StoreError
from datawalk.models import Action
from datawalk.store import tables
from tests.pictures import noise_png

ACTOR = "Retention Officer"
NOTE = "Quillon-Marchbank-5519 keeps the care plan"  # distinctive free text


def _file_bytes(store) -> bytes:
    """Return the database's own files as they are on disk now: SQLite's file plus its WAL, or
    every file of the PostgreSQL database (tables, TOAST, indexes) after a CHECKPOINT."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("CHECKPOINT")
            oid = connection.exec_driver_sql(
                "SELECT oid FROM pg_database WHERE datname = current_database()"
            ).scalar()
            data = connection.exec_driver_sql("SHOW data_directory").scalar()
        files = sorted((Path(data) / "base" / str(oid)).iterdir())
        return b"".join(path.read_bytes() for path in files if path.is_file())
    database = Path(store.engine.url.database)
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def file_store(engine_name, new_database_url):
    """A store whose files the test can read: a SQLite file, or a new PostgreSQL database in
    the test cluster (overrides conftest's SQLite-only `file_store` in this module)."""
    from datawalk.store import Store

    opened = Store.open(new_database_url)
    yield opened
    opened.close()


def _fill(store, make_audit, make_location, make_finding, make_photo):
    audit = store.create_audit(make_audit(scope_limitations=NOTE), ACTOR)
    location = store.add_location(make_location(audit.id), ACTOR)
    photo = make_photo(data=noise_png())
    finding = store.save_finding(
        make_finding(audit.id, location.id, notes=NOTE, photos=[photo]), ACTOR
    )
    store.save_action(
        Action(audit_id=audit.id, finding_ids=[finding.id], notes=NOTE, recommendation="Move"),
        ACTOR,
    )
    store.save_draft(audit.id, location.id, {"notes": NOTE})
    return audit, finding


def _photo_marker(finding) -> bytes:
    """48 bytes from the middle of the stored (redacted) noise photo: found nowhere else."""
    data = finding.photos[0].data
    return data[len(data) // 2 : len(data) // 2 + 48]


# A school record (name, phase, URN) holds no personal data and outlives its audits: users'
# scopes point at it, and next year's walk of the same school joins it again.
SCHOOL_RECORDS = "schools"


def _row_counts(store) -> dict[str, int]:
    """Rows per table, the school records left out (see SCHOOL_RECORDS)."""
    with store.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in tables.metadata.sorted_tables
            if table.name != SCHOOL_RECORDS
        }


def test_delete_removes_rows_and_keeps_a_tombstone(
    store, make_audit, make_location, make_finding, make_photo
):
    audit, _ = _fill(store, make_audit, make_location, make_finding, make_photo)
    store.set_audit_status(audit.id, "complete", ACTOR)
    tombstone = store.delete_audit(audit.id, ACTOR)
    assert tombstone.audit_id == audit.id
    assert tombstone.school_name == audit.school.name
    assert tombstone.walk_at == audit.walk_at
    assert tombstone.completed_at is not None
    assert tombstone.deleted_by == ACTOR
    assert store.list_tombstones() == [tombstone]
    counts = _row_counts(store)
    assert counts.pop("tombstones") == 1
    assert set(counts.values()) == {0}, counts
    with pytest.raises(NotFoundError):
        store.get_audit(audit.id)
    assert store.list_audits() == []


def test_deleted_text_and_photo_bytes_leave_the_file(
    file_store, make_audit, make_location, make_finding, make_photo
):
    audit, finding = _fill(file_store, make_audit, make_location, make_finding, make_photo)
    before = _file_bytes(file_store)
    assert NOTE.encode() in before  # the test can see what it looks for
    assert _photo_marker(finding) in before
    file_store.delete_audit(audit.id, ACTOR)
    after = _file_bytes(file_store)
    assert NOTE.encode() not in after
    assert _photo_marker(finding) not in after
    if file_store.engine.dialect.name == "sqlite":
        wal = Path(file_store.engine.url.database + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def test_legal_hold_stops_deletion_and_purge(
    store, make_audit, make_location, make_finding, make_photo
):
    audit, _ = _fill(store, make_audit, make_location, make_finding, make_photo)
    held = store.set_legal_hold(audit.id, True, ACTOR)
    assert held.legal_hold
    before = store.export_document(audit.id)
    with pytest.raises(StoreError, match="legal hold"):
        store.delete_audit(audit.id, ACTOR)
    with pytest.raises(StoreError, match="legal hold"):
        store.purge_photos_and_text(audit.id, ACTOR)
    assert store.export_document(audit.id) == before
    assert store.list_tombstones() == []
    store.set_legal_hold(audit.id, False, ACTOR)
    store.delete_audit(audit.id, ACTOR)
    assert [t.audit_id for t in store.list_tombstones()] == [audit.id]


def test_purge_removes_photos_and_free_text_only(
    file_store, make_audit, make_location, make_finding, make_photo
):
    audit, finding = _fill(file_store, make_audit, make_location, make_finding, make_photo)
    result = file_store.purge_photos_and_text(audit.id, ACTOR)
    assert result == {"photos": 1, "texts": 3}  # audit scope, finding notes, action notes
    kept = file_store.get_finding(finding.id)
    assert kept.notes == "" and kept.photos == []
    assert kept.categories == finding.categories
    assert kept.version > finding.version
    (action,) = file_store.list_actions(audit.id)
    assert action.notes == "" and action.recommendation == "Move"
    assert file_store.get_audit(audit.id).scope_limitations == ""
    assert file_store.load_draft(audit.id, finding.location_id) is None
    after = _file_bytes(file_store)
    assert NOTE.encode() not in after
    assert _photo_marker(finding) not in after


def test_delete_of_missing_audit_is_not_found(store):
    with pytest.raises(NotFoundError):
        store.delete_audit("no-such-audit-id", ACTOR)


def test_foreign_keys_cascade_from_audits(
    store, make_audit, make_location, make_finding, make_photo
):
    """The schema itself removes children, even if a raw DELETE skips the repository."""
    audit, _ = _fill(store, make_audit, make_location, make_finding, make_photo)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audits WHERE id = :id"), {"id": audit.id})
    counts = _row_counts(store)
    assert set(counts.values()) == {0}, counts
