"""The audits page in AppTest: create an audit (and be refused at the field), change status."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from datawalk.privacy.text_checks import KEPT_IDENTIFIERS
from datawalk.store import Store


def fill_new_audit(at: AppTest, school: str = "Willowmere Primary (fictional)") -> AppTest:
    at.text_input(key="audit_school").input(school)
    at.text_input(key="audit_auditor").input("A. Consultant")
    at.text_input(key="audit_accompanied").input("School business manager")
    at.text_area(key="audit_scope").input("Early-years block not visited: closed for works.")
    return at


def schools(url: str) -> list[str]:
    store = Store.open(url)
    try:
        return [summary.school_name for summary in store.list_audits()]
    finally:
        store.close()


def test_create_audit_opens_its_walk(open_page, app_db) -> None:
    at = fill_new_audit(open_page("audits"))
    at.button(key="audit_create").click().run()

    assert not at.exception
    assert "Willowmere Primary (fictional)" in schools(app_db)
    store = Store.open(app_db)
    created = next(s for s in store.list_audits() if s.school_name.startswith("Willowmere"))
    audit = store.get_audit(created.id)
    store.close()
    assert at.query_params["audit"] == created.id
    assert [floor.name for floor in audit.site.floors] == ["Ground floor", "First floor"]
    assert audit.scope_limitations.startswith("Early-years block")
    # Landed on the walk page, which asks for the first location.
    assert at.text_input(key="loc_name_0")


def test_a_walk_date_more_than_a_week_ahead_is_refused(open_page, app_db) -> None:
    at = fill_new_audit(open_page("audits"))
    at.date_input(key="audit_date").set_value(date.today() + timedelta(days=8))
    at.button(key="audit_create").click().run()

    assert any("more than 7 days ahead" in str(e.value) for e in at.error)
    assert "Willowmere Primary (fictional)" not in schools(app_db)


def test_a_missing_school_name_is_named_at_the_field(open_page, app_db) -> None:
    at = fill_new_audit(open_page("audits"), school="   ")
    at.button(key="audit_create").click().run()

    assert [str(e.value) for e in at.error] == ["The school name is required."]


def test_scope_with_a_pupil_identifier_needs_a_logged_confirmation(open_page, app_db) -> None:
    at = fill_new_audit(open_page("audits"))
    at.text_area(key="audit_scope").input("Not visited: ask jo.bloggs@example.com")
    at.button(key="audit_create").click().run()

    assert any("Scope and limitations may contain" in str(e.value) for e in at.error)
    assert "Willowmere Primary (fictional)" not in schools(app_db)

    at.checkbox(key="audit_scope_ok").check()
    at.button(key="audit_create").click().run()
    store = Store.open(app_db)
    try:
        (summary,) = [s for s in store.list_audits() if s.school_name.startswith("Willowmere")]
        trail = store.list_trail(summary.id)
    finally:
        store.close()
    kept = [e for e in trail if KEPT_IDENTIFIERS in e.changes]
    assert [(e.entity, e.entity_id) for e in kept] == [("audit", summary.id)]
    assert kept[0].changes[KEPT_IDENTIFIERS] == {"new": {"scope_limitations": ["email"]}}


def test_complete_then_archive(open_page, walk) -> None:
    at = open_page("audits")
    at.button(key=f"complete_{walk.audit.id}").click().run()
    assert walk.store.get_audit(walk.audit.id).status == "complete"

    at.button(key=f"archived_{walk.audit.id}").click().run()
    assert walk.store.get_audit(walk.audit.id).status == "archived"
    assert not at.exception
