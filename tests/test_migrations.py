"""Migrations: a database written by the first schema is upgraded without loss, and the head
schema is exactly what the repository's tables describe."""

from __future__ import annotations

import json
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from datawalk.models import Action, AuditStatus
from datawalk.store import Store, tables
from datawalk.store.engine import create_store_engine, current_revision, downgrade, upgrade

ACTOR = "Migration Test"
PHOTO_BYTES = b"\x89PNG\r\n\x1a\n" + os.urandom(512)
CHECKLIST = {"id": "old_checklist", "version": 3, "objects": {"severities": []}}
HEAD = "0005_finding_title"
OLD_NOTE = "Old note with <b>markup</b>, =formula and 🧒"


def _insert_at_0001(connection) -> None:
    """Write rows the way the 0001 schema stored them: two audits, locations, findings, a photo."""
    audit_sql = text(
        "INSERT INTO audits (id, school, site, walk_at, auditor, accompanied_by, "
        "scope_limitations, status, checklist_id, checklist_version, checklist_hash, "
        "checklist_content, last_reference, created_at, updated_at, version) VALUES "
        "(:id, :school, :site, :walk_at, 'A. Consultant', 'Bursar', 'Nursery closed', :status, "
        "'old_checklist', 3, :hash, :content, 2, '2024-01-10 08:00:00.000000', :updated, 7)"
    )
    site = {"name": "Main site", "floors": [{"id": "g", "name": "Ground", "order": 0}]}
    for audit_id, status, updated in (
        ("audit-complete-0001", "complete", "2024-01-12 16:30:00.000000"),
        ("audit-open-00000001", "in_progress", "2024-02-01 10:00:00.000000"),
    ):
        connection.execute(
            audit_sql,
            {
                "id": audit_id,
                "school": json.dumps({"name": f"School {audit_id}", "phase": "primary"}),
                "site": json.dumps(site),
                "walk_at": "2024-01-10 09:00:00.000000",
                "status": status,
                "hash": "a" * 64,
                "content": json.dumps(CHECKLIST),
                "updated": updated,
            },
        )
    connection.execute(
        text(
            "INSERT INTO locations (id, audit_id, name, location_type, floor_id, position_x, "
            "position_y, created_at, updated_at, last_used_at) VALUES "
            "('location-00000001', 'audit-complete-0001', 'Servery', 'servery', 'g', 0.5, 0.25, "
            "'2024-01-10 09:05:00.000000', '2024-01-10 09:05:00.000000', "
            "'2024-01-10 09:05:00.000000')"
        )
    )
    finding_sql = text(
        "INSERT INTO findings (id, audit_id, location_id, number, reference, categories, format, "
        "identifiability, detail_level, visible_to, needed_by, reach, controls, evidence, "
        "review_date, need_override, good_practice, good_practice_note, notes, template_id, "
        "created_at, updated_at, version) VALUES (:id, 'audit-complete-0001', "
        "'location-00000001', :number, :reference, '[\"food_allergy\"]', 'poster', "
        "'full_name_photo', 'condition_action', '[\"visitors\"]', '[\"all_staff\"]', "
        "'immediately', '[]', 'observed', '2024-09-01', NULL, 0, '', :notes, NULL, "
        "'2024-01-10 09:10:00.000000', '2024-01-10 09:10:00.000000', 3)"
    )
    for number in (1, 2):
        connection.execute(
            finding_sql,
            {
                "id": f"finding-0000000{number}",
                "number": number,
                "reference": f"F-00{number}",
                "notes": OLD_NOTE,
            },
        )
    connection.execute(
        text(
            "INSERT INTO photos (id, finding_id, ordinal, media_type, width, height, caption, "
            "data, created_at) VALUES ('photo-0000000001', 'finding-00000001', 0, 'image/png', "
            "4, 3, 'Poster', :data, '2024-01-10 09:11:00.000000')"
        ),
        {"data": PHOTO_BYTES},
    )


@pytest.fixture
def old_database(tmp_path) -> str:
    """A SQLite file at revision 0001_core holding rows written by that schema."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_store_engine(url)
    upgrade(engine, "0001_core")
    assert current_revision(engine) == "0001_core"
    with engine.begin() as connection:
        _insert_at_0001(connection)
    engine.dispose()
    return url


def test_upgrade_from_0001_keeps_every_row(old_database):
    store = Store.open(old_database)
    try:
        assert current_revision(store.engine) == HEAD
        complete = store.get_audit("audit-complete-0001")
        assert complete.status is AuditStatus.COMPLETE
        assert complete.scope_limitations == "Nursery closed"
        assert complete.checklist.content == CHECKLIST
        assert complete.version == 7
        assert complete.overall_opinion == ""
        assert complete.legal_hold is False
        assert complete.completed_at == complete.updated_at  # retention clock backfilled
        assert store.get_audit("audit-open-00000001").completed_at is None
        (location,) = store.list_locations("audit-complete-0001")
        assert (location.position.x, location.position.y) == (0.5, 0.25)
        assert location.nothing_found is False
        assert location.prompts_checked == []
        findings = store.list_findings("audit-complete-0001", with_photos=True)
        assert [f.reference for f in findings] == ["F-001", "F-002"]
        assert all(f.notes == OLD_NOTE for f in findings)
        (photo,) = findings[0].photos
        assert photo.data == PHOTO_BYTES
        assert photo.caption == "Poster"
        assert photo.redaction is None
        assert photo.needs_review is True  # stored before redaction: flagged for review
    finally:
        store.close()


def test_upgraded_database_takes_new_writes(old_database, make_finding):
    store = Store.open(old_database)
    try:
        audit_id = "audit-complete-0001"
        new = store.save_finding(make_finding(audit_id, "location-00000001"), ACTOR)
        assert new.reference == "F-003"
        assert store.audit_version(audit_id) == 8
        store.save_draft(audit_id, None, {"notes": "draft"})
        assert store.load_draft(audit_id, None) == {"notes": "draft"}
        store.save_action(Action(audit_id=audit_id, finding_ids=[new.id]), ACTOR)
        assert [e.entity for e in store.list_trail(audit_id)] == ["finding", "action"]
        store.set_legal_hold(audit_id, True, ACTOR)
    finally:
        store.close()


def test_opening_twice_is_idempotent(old_database):
    Store.open(old_database).close()
    store = Store.open(old_database)
    try:
        assert len(store.list_audits()) == 2
    finally:
        store.close()


def test_upgrade_from_0003_keeps_the_trail_and_starts_an_empty_imported_history(tmp_path):
    url = f"sqlite:///{tmp_path / 'at0003.db'}"
    engine = create_store_engine(url)
    upgrade(engine, "0001_core")
    with engine.begin() as connection:
        _insert_at_0001(connection)
    upgrade(engine, "0003_last_places")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO trail_events (id, audit_id, at, actor, entity, entity_id, operation, "
                "changes) VALUES ('event-000000001', 'audit-complete-0001', "
                "'2024-01-10 09:10:00.000000', 'A. Consultant', 'finding', 'finding-00000001', "
                "'create', '{}')"
            )
        )
    engine.dispose()
    store = Store.open(url)
    try:
        assert current_revision(store.engine) == HEAD
        (event,) = store.list_trail("audit-complete-0001")
        assert (event.id, event.actor) == ("event-000000001", "A. Consultant")
        assert store.list_imported_trail("audit-complete-0001") == []
        assert len(store.list_findings("audit-complete-0001")) == 2
    finally:
        store.close()


def test_head_schema_matches_the_tables_module(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, tables.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_keeps_core_rows_and_upgrade_again(old_database):
    engine = create_store_engine(old_database)
    upgrade(engine)
    downgrade(engine, "0001_core")
    assert current_revision(engine) == "0001_core"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM findings")).scalar() == 2
        assert connection.execute(text("SELECT count(*) FROM photos")).scalar() == 1
    upgrade(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()
