"""Store: audits, floor plans, status, version counter, and opening databases."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from datawalk.errors import ConflictError, NotFoundError, StoreError, ValidationError
from datawalk.models import AuditStatus, Floor, PlanImage, Site
from datawalk.store import DATABASE_URL_ENV, Store

ACTOR = "Test Consultant"


def test_create_and_get_round_trip(store, make_audit):
    audit = make_audit(scope_limitations="Nursery not visited: closed for a trip.")
    created = store.create_audit(audit, ACTOR)
    assert created.version == 1
    assert store.get_audit(audit.id) == created
    assert created.model_dump(exclude={"created_at", "updated_at"}) == audit.model_dump(
        exclude={"created_at", "updated_at"}
    )


def test_create_twice_is_a_conflict(store, make_audit):
    audit = make_audit()
    store.create_audit(audit, ACTOR)
    with pytest.raises(ConflictError, match="already exists"):
        store.create_audit(audit, ACTOR)


def test_missing_audit_is_not_found(store):
    with pytest.raises(NotFoundError):
        store.get_audit("no-such-audit-id")
    with pytest.raises(NotFoundError):
        store.audit_version("no-such-audit-id")


def test_actor_is_required(store, make_audit):
    with pytest.raises(ValidationError) as caught:
        store.create_audit(make_audit(), "  ")
    assert caught.value.field == "actor"


def test_walk_time_comes_back_as_the_same_instant_in_utc(store, make_audit):
    bst = timezone(timedelta(hours=1))
    audit = store.create_audit(make_audit(walk_at=datetime(2025, 6, 2, 9, 0, tzinfo=bst)), ACTOR)
    assert audit.walk_at == datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    assert audit.walk_at.tzinfo is not None


def test_update_audit_fields_and_version(store, audit):
    updated = store.update_audit(
        audit.id, ACTOR, auditor="B. Consultant", overall_opinion="Broadly sound."
    )
    assert updated.auditor == "B. Consultant"
    assert updated.overall_opinion == "Broadly sound."
    assert updated.version == audit.version + 1
    assert store.audit_version(audit.id) == updated.version


def test_update_audit_without_change_keeps_version(store, audit):
    assert store.update_audit(audit.id, ACTOR, auditor=audit.auditor).version == audit.version


def test_update_audit_refuses_read_only_and_invalid_fields(store, audit):
    with pytest.raises(ValidationError, match="checklist"):
        store.update_audit(audit.id, ACTOR, checklist=audit.checklist)
    with pytest.raises(ValidationError):
        store.update_audit(audit.id, ACTOR, auditor="")
    assert store.get_audit(audit.id) == audit


def test_status_stamps_and_clears_completion(store, audit):
    complete = store.set_audit_status(audit.id, AuditStatus.COMPLETE, ACTOR)
    assert complete.status is AuditStatus.COMPLETE
    assert complete.completed_at is not None
    archived = store.set_audit_status(audit.id, "archived", ACTOR)
    assert archived.completed_at == complete.completed_at
    reopened = store.set_audit_status(audit.id, AuditStatus.IN_PROGRESS, ACTOR)
    assert reopened.completed_at is None
    with pytest.raises(ValidationError):
        store.set_audit_status(audit.id, "finished", ACTOR)


def test_list_audits_counts_findings_newest_first(store, make_audit, make_location, make_finding):
    first = store.create_audit(make_audit(), ACTOR)
    second = store.create_audit(
        make_audit(school={"name": "Elm High", "phase": "secondary"}), ACTOR
    )
    location = store.add_location(make_location(first.id), ACTOR)
    for _ in range(3):
        store.save_finding(make_finding(first.id, location.id), ACTOR)
    summaries = store.list_audits()
    assert [s.id for s in summaries] == [first.id, second.id]
    by_id = {s.id: s for s in summaries}
    assert by_id[first.id].finding_count == 3
    assert by_id[second.id].finding_count == 0
    assert by_id[second.id].school_name == "Elm High"
    assert by_id[first.id].site_name == "Main site"


def test_last_open_audit_is_the_latest_in_progress(store, make_audit, make_location):
    assert store.last_open_audit_id() is None
    first = store.create_audit(make_audit(), ACTOR)
    second = store.create_audit(make_audit(), ACTOR)
    assert store.last_open_audit_id() == second.id
    store.add_location(make_location(first.id), ACTOR)
    assert store.last_open_audit_id() == first.id
    store.set_audit_status(first.id, AuditStatus.COMPLETE, ACTOR)
    assert store.last_open_audit_id() == second.id


def test_floor_plan_set_read_and_remove(store, audit, png):
    raw = png(40, 30)
    plan = PlanImage(media_type="image/png", width=40, height=30, data=base64.b64encode(raw))
    updated = store.set_floor_plan(audit.id, "ground", plan, ACTOR)
    assert updated.floor("ground").plan.data == raw
    assert store.get_audit(audit.id).floor("ground").plan == plan
    assert updated.version == audit.version + 1
    cleared = store.set_floor_plan(audit.id, "ground", None, ACTOR)
    assert cleared.floor("ground").plan is None
    with pytest.raises(NotFoundError):
        store.set_floor_plan(audit.id, "roof", plan, ACTOR)


def test_site_update_keeps_plans_and_refuses_removing_used_floor(store, audit, location, png):
    raw = png(8, 8)
    plan = PlanImage(media_type="image/png", width=8, height=8, data=base64.b64encode(raw))
    store.set_floor_plan(audit.id, "first", plan, ACTOR)
    current = store.get_audit(audit.id)
    renamed = current.site.model_copy(update={"name": "Upper site"})
    updated = store.update_audit(audit.id, ACTOR, site=renamed)
    assert updated.site.name == "Upper site"
    assert updated.floor("first").plan.data == raw
    without_ground = Site(name="Upper site", floors=[updated.floor("first")])
    with pytest.raises(ValidationError, match="still has locations"):
        store.update_audit(audit.id, ACTOR, site=without_ground)
    added = Site(name="Upper site", floors=[*updated.site.floors, Floor(id="b", name="Basement")])
    assert len(store.update_audit(audit.id, ACTOR, site=added).site.floors) == 3


def test_open_uses_environment_url(tmp_path, monkeypatch, make_audit):
    path = tmp_path / "nested" / "env.db"
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{path}")
    opened = Store.open()
    try:
        opened.create_audit(make_audit(), ACTOR)
    finally:
        opened.close()
    assert path.exists()


def test_open_defaults_to_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    opened = Store.open()
    opened.close()
    assert (tmp_path / "data" / "datawalk.db").exists()


def test_sqlite_file_pragmas(file_store):
    with file_store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() > 0


def test_reopening_a_file_keeps_data(tmp_path, make_audit):
    url = f"sqlite:///{tmp_path / 'again.db'}"
    first = Store.open(url)
    audit = first.create_audit(make_audit(), ACTOR)
    first.close()
    second = Store.open(url)
    try:
        assert second.get_audit(audit.id) == audit
    finally:
        second.close()


def test_bad_url_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="not valid"):
        Store.open("not a url at all")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Cannot create the folder"):
        Store.open(f"sqlite:///{blocker / 'datawalk.db'}")


def test_database_from_a_newer_version_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    Store.open(url).close()
    newer = Store.open(url)
    with newer.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    newer.close()
    with pytest.raises(StoreError, match="newer version of DataWalk"):
        Store.open(url)
