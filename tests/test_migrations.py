"""Migrations, on SQLite and on PostgreSQL: a database written at any earlier revision is upgraded
without loss, and the head schema is exactly what the repository's tables describe (alembic check).

Every test takes `engine_name` (through `new_database_url`), so conftest runs it on both engines.
Old rows are written through the reflected tables of the revision being tested, with Python
values, so the same data goes into both engines."""

from __future__ import annotations

import base64
import os
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, insert, text

from datawalk.editing import DraftHolder
from datawalk.models import Action, AuditStatus
from datawalk.store import Store, tables
from datawalk.store.engine import create_store_engine
from datawalk.store.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    migration_config,
    upgrade,
)

ACTOR = "Migration Test"
PHOTO_BYTES = b"\x89PNG\r\n\x1a\n" + os.urandom(512)
CHECKLIST = {"id": "old_checklist", "version": 3, "objects": {"severities": []}}
OLD_NOTE = "Old note with <b>markup</b>, =formula and 🧒"
# Every revision, oldest first, read from the migrations themselves: a new one is covered at once.
REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()))
]
HEAD = REVISIONS[-1]


def _at(text_value: str) -> datetime:
    return datetime.fromisoformat(text_value).replace(tzinfo=UTC)


def _insert(connection, name: str, rows: list[dict]) -> None:
    """Insert rows into the table as the database has it now (reflected), whatever the revision."""
    table = Table(name, MetaData(), autoload_with=connection)
    connection.execute(insert(table), rows)


def _insert_at_0001(connection) -> None:
    """Write rows the way the 0001 schema stored them: two audits, locations, findings, a photo."""
    site = {"name": "Main site", "floors": [{"id": "g", "name": "Ground", "order": 0}]}
    audit = {
        "walk_at": _at("2024-01-10 09:00"),
        "auditor": "A. Consultant",
        "accompanied_by": "Bursar",
        "scope_limitations": "Nursery closed",
        "checklist_id": "old_checklist",
        "checklist_version": 3,
        "checklist_hash": "a" * 64,
        "checklist_content": CHECKLIST,
        "last_reference": 2,
        "created_at": _at("2024-01-10 08:00"),
        "version": 7,
        "site": site,
    }
    _insert(
        connection,
        "audits",
        [
            audit
            | {
                "id": audit_id,
                "status": status,
                "updated_at": _at(updated),
                "school": {"name": f"School {audit_id}", "phase": "primary"},
            }
            for audit_id, status, updated in (
                ("audit-complete-0001", "complete", "2024-01-12 16:30"),
                ("audit-open-00000001", "in_progress", "2024-02-01 10:00"),
            )
        ],
    )
    when = _at("2024-01-10 09:05")
    _insert(
        connection,
        "locations",
        [
            {
                "id": "location-00000001",
                "audit_id": "audit-complete-0001",
                "name": "Servery",
                "location_type": "servery",
                "floor_id": "g",
                "position_x": 0.5,
                "position_y": 0.25,
                "created_at": when,
                "updated_at": when,
                "last_used_at": when,
            }
        ],
    )
    finding = {
        "audit_id": "audit-complete-0001",
        "location_id": "location-00000001",
        "categories": ["food_allergy"],
        "format": "poster",
        "identifiability": "full_name_photo",
        "detail_level": "condition_action",
        "visible_to": ["visitors"],
        "needed_by": ["all_staff"],
        "reach": "immediately",
        "controls": [],
        "evidence": "observed",
        "review_date": date(2024, 9, 1),
        "need_override": None,
        "good_practice": False,
        "good_practice_note": "",
        "notes": OLD_NOTE,
        "template_id": None,
        "created_at": _at("2024-01-10 09:10"),
        "updated_at": _at("2024-01-10 09:10"),
        "version": 3,
    }
    _insert(
        connection,
        "findings",
        [
            finding | {"id": f"finding-0000000{n}", "number": n, "reference": f"F-00{n}"}
            for n in (1, 2)
        ],
    )
    _insert(
        connection,
        "photos",
        [
            {
                "id": "photo-0000000001",
                "finding_id": "finding-00000001",
                "ordinal": 0,
                "media_type": "image/png",
                "width": 4,
                "height": 3,
                "caption": "Poster",
                "data": PHOTO_BYTES,
                "created_at": _at("2024-01-10 09:11"),
            }
        ],
    )


def _insert_trail_event(connection) -> None:
    """A trail event as 0002 and later store it."""
    _insert(
        connection,
        "trail_events",
        [
            {
                "id": "event-000000001",
                "audit_id": "audit-complete-0001",
                "at": _at("2024-01-10 09:10"),
                "actor": "A. Consultant",
                "entity": "finding",
                "entity_id": "finding-00000001",
                "operation": "create",
                "changes": {},
            }
        ],
    )


@pytest.fixture
def old_database(new_database_url) -> str:
    """A new database on the test's engine at revision 0001_core holding rows of that schema."""
    engine = create_store_engine(new_database_url)
    upgrade(engine, "0001_core")
    assert current_revision(engine) == "0001_core"
    with engine.begin() as connection:
        _insert_at_0001(connection)
    engine.dispose()
    return new_database_url


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


@pytest.mark.parametrize("revision", REVISIONS[1:-1])
def test_upgrade_from_each_earlier_revision_keeps_the_rows(old_database, revision):
    engine = create_store_engine(old_database)
    upgrade(engine, revision)
    with engine.begin() as connection:
        _insert_trail_event(connection)  # every revision from 0002 on keeps a trail
    engine.dispose()
    store = Store.open(old_database)
    try:
        assert current_revision(store.engine) == HEAD
        (event,) = store.list_trail("audit-complete-0001")
        assert (event.id, event.actor) == ("event-000000001", "A. Consultant")
        assert store.list_imported_trail("audit-complete-0001") == []
        findings = store.list_findings("audit-complete-0001", with_photos=True)
        assert [(f.reference, f.notes) for f in findings] == [
            ("F-001", OLD_NOTE),
            ("F-002", OLD_NOTE),
        ]
        assert findings[0].photos[0].data == PHOTO_BYTES
        assert store.get_audit("audit-complete-0001").version == 7
        assert len(store.list_audits()) == 2
    finally:
        store.close()


def test_head_schema_matches_the_tables_module(new_database_url):
    """`alembic check` and a typed comparison both find no drift between head and tables.py."""
    engine = create_store_engine(new_database_url)
    upgrade(engine)
    with engine.begin() as connection:
        command.check(migration_config(connection))  # raises on any difference
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


# The revision that gave each draft an owner and a device (named by topic: its number may move).
OWNED_DRAFTS = next(r for r in REVISIONS if r.endswith("_concurrent_editing"))


def test_a_draft_kept_before_owners_becomes_the_auditors_on_the_shared_device(old_database):
    engine = create_store_engine(old_database)
    upgrade(engine, REVISIONS[REVISIONS.index(OWNED_DRAFTS) - 1])
    when = _at("2024-02-01 10:30")
    with engine.begin() as connection:
        _insert(
            connection,
            "drafts",
            [
                {
                    "audit_id": "audit-complete-0001",
                    "location_key": "location-00000001",
                    "payload": {"notes": "half typed", "photos": [{"data_ref": "d" * 64}]},
                    "updated_at": when,
                }
            ],
        )
        _insert(
            connection,
            "draft_photos",
            [
                {
                    "audit_id": "audit-complete-0001",
                    "location_key": "location-00000001",
                    "digest": "d" * 64,
                    "data": PHOTO_BYTES,
                    "created_at": when,
                }
            ],
        )
    engine.dispose()
    store = Store.open(old_database)
    try:
        auditors = DraftHolder("A. Consultant")  # the audit's auditor, as the app acted then
        draft = store.load_draft("audit-complete-0001", "location-00000001", holder=auditors)
        assert draft["notes"] == "half typed"
        assert base64.b64decode(draft["photos"][0]["data"]) == PHOTO_BYTES
        assert store.load_draft("audit-complete-0001", "location-00000001") is None
        (action,) = [
            store.save_action(
                Action(audit_id="audit-complete-0001", finding_ids=["finding-00000001"]), ACTOR
            )
        ]
        assert action.version == 1
    finally:
        store.close()
