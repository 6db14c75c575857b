"""The retention panel on the Audits page in AppTest: what is due is listed and deleted after a
confirming tap, a legal hold hides it and blocks deletion, deletion on request needs the school's
name, and a deleted audit leaves a tombstone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.privacy.retention import ENV_PREFIX
from datawalk.store import Store

ACTOR = "A. Consultant"
NOTE = "Rowanberry-Halt-6620 notes"
PHOTOS_DUE = timedelta(days=250)  # past 6 months, within 24
RECORD_DUE = timedelta(days=800)  # past 24 months


@pytest.fixture
def app_store(app_db, monkeypatch) -> Iterator[Store]:
    """The app's database, with the default retention periods (no environment overrides)."""
    for name in ("PHOTOS_MONTHS", "FREE_TEXT_MONTHS", "RECORD_MONTHS"):
        monkeypatch.delenv(ENV_PREFIX + name, raising=False)
    store = Store.open(app_db)
    yield store
    store.close()


@pytest.fixture
def completed(app_store, checklist):
    """Return a builder of audits completed `ago`, with free text to purge."""

    def build(school: str, ago: timedelta) -> str:
        setup = AuditSetup(
            school_name=school,
            phase="primary",
            site_name="Main site",
            floor_names=("Ground floor",),
            walk_date=date.today(),
            walk_time=None,
            auditor=ACTOR,
            scope_limitations=NOTE,
        )
        audit = app_store.create_audit(build_audit(setup, checklist, date.today()), ACTOR)
        app_store.update_audit(
            audit.id, ACTOR, status="complete", completed_at=datetime.now(UTC) - ago
        )
        return audit.id

    return build


def keys(at) -> set[str]:
    return {button.key for button in at.button}


def test_due_photos_and_notes_are_deleted_after_a_confirming_tap(open_page, app_store, completed):
    audit_id = completed("Hazelbrook Primary (fictional)", PHOTOS_DUE)
    at = open_page("audits")
    assert not at.exception
    button = at.button(key=f"due_delete_{audit_id}")
    assert button.label == "Delete photos and notes"
    assert any("Photos and notes" in c.value and "due" in c.value for c in at.caption)

    button.click().run()
    assert app_store.get_audit(audit_id).scope_limitations == NOTE  # not yet: confirm first
    at.button(key=f"due_confirm_{audit_id}").click().run()

    assert not at.exception
    assert app_store.get_audit(audit_id).scope_limitations == ""
    assert f"due_delete_{audit_id}" not in keys(at)  # cleared: off the list until the record is due


def test_a_due_whole_record_is_deleted_and_leaves_a_tombstone(open_page, app_store, completed):
    audit_id = completed("Thornfield Academy (fictional)", RECORD_DUE)
    at = open_page("audits")
    assert at.button(key=f"due_delete_{audit_id}").label == "Delete audit"
    at.button(key=f"due_delete_{audit_id}").click().run()
    at.button(key=f"due_cancel_{audit_id}").click().run()
    assert [s.id for s in app_store.list_audits()] == [audit_id]

    at.button(key=f"due_delete_{audit_id}").click().run()
    at.button(key=f"due_confirm_{audit_id}").click().run()

    assert not at.exception
    assert app_store.list_audits() == []
    (tombstone,) = app_store.list_tombstones()
    assert (tombstone.audit_id, tombstone.deleted_by) == (audit_id, ACTOR)
    (table,) = [d.value for d in at.dataframe if "Deleted by" in d.value.columns]
    assert table["School"].tolist() == ["Thornfield Academy (fictional)"]
    assert table["Deleted by"].tolist() == [ACTOR]
    assert any(e.label == "Deleted audits (1)" for e in at.expander)


def test_legal_hold_hides_a_due_audit_and_blocks_deletion(open_page, app_store, completed):
    audit_id = completed("Elmwood Infants (fictional)", RECORD_DUE)
    at = open_page("audits")
    at.toggle(key=f"hold_{audit_id}").set_value(True).run()

    assert not at.exception
    assert app_store.get_audit(audit_id).legal_hold
    assert f"due_delete_{audit_id}" not in keys(at)
    assert any("legal hold" in info.value for info in at.info)
    assert at.button(key=f"request_delete_{audit_id}").disabled
    assert any("On legal hold" in c.value for c in at.caption)

    at.toggle(key=f"hold_{audit_id}").set_value(False).run()
    assert not app_store.get_audit(audit_id).legal_hold
    assert f"due_delete_{audit_id}" in keys(at)


def test_deletion_on_request_needs_the_school_name(open_page, app_store, completed):
    audit_id = completed("Birchwood Primary (fictional)", timedelta(days=3))
    at = open_page("audits")
    assert f"due_delete_{audit_id}" not in keys(at)  # not due: only deletion on request
    at.button(key=f"request_delete_{audit_id}").click().run()
    at.text_input(key=f"confirm_name_{audit_id}").input("Birchwood").run()
    at.button(key=f"delete_confirm_{audit_id}").click().run()

    assert any("type the school's name exactly" in e.value for e in at.error)
    assert [s.id for s in app_store.list_audits()] == [audit_id]

    at.text_input(key=f"confirm_name_{audit_id}").input("Birchwood Primary (fictional)").run()
    at.button(key=f"delete_confirm_{audit_id}").click().run()

    assert not at.exception
    assert app_store.list_audits() == []
    assert [t.audit_id for t in app_store.list_tombstones()] == [audit_id]
