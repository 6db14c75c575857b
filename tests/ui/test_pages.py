"""Every page runs without an exception: on the sample walk, with no audit at all, and with a
stale audit id in the URL."""

from __future__ import annotations

import pytest

from datawalk.models import AuditStatus, Location
from datawalk.samples import load_sample
from datawalk.store import Store
from datawalk.store.places import Place
from datawalk.ui import state
from datawalk.ui.routes import PAGES

ACTOR = "A. Consultant"

URL_PATHS = [route.url_path for route in PAGES]


@pytest.fixture
def sample_audit_id(app_db) -> str:
    store = Store.open(app_db)
    try:
        return load_sample(store)
    finally:
        store.close()


@pytest.mark.parametrize("url_path", URL_PATHS)
def test_page_runs_on_the_sample_walk(open_page, sample_audit_id, url_path) -> None:
    at = open_page(url_path, audit=sample_audit_id)
    assert not at.exception


@pytest.mark.parametrize("url_path", URL_PATHS)
def test_page_runs_with_a_location_open(open_page, app_db, sample_audit_id, url_path) -> None:
    store = Store.open(app_db)
    location = store.list_locations(sample_audit_id)[0]
    store.close()
    at = open_page(url_path, audit=sample_audit_id, location=location.id)
    assert not at.exception


@pytest.mark.parametrize("url_path", URL_PATHS)
def test_page_runs_with_an_unknown_audit(open_page, app_db, url_path) -> None:
    at = open_page(url_path, audit="no-such-audit-id")
    assert not at.exception


def test_findings_page_lists_and_filters_the_sample(open_page, sample_audit_id) -> None:
    at = open_page("findings", audit=sample_audit_id)
    total = len(at.dataframe[0].value)
    assert total >= 30
    at.multiselect(key="filter_categories").set_value(["anaphylaxis_aai"]).run()
    assert 0 < len(at.dataframe[0].value) < total


def test_choosing_a_row_offers_edit_on_the_walk_page_and_delete(
    open_page, app_db, sample_audit_id
) -> None:
    at = open_page("findings", audit=sample_audit_id)
    shown = at.dataframe[0].value.iloc[0]
    store = Store.open(app_db)
    findings = store.list_findings(sample_audit_id)
    store.close()
    first = next(f for f in findings if f.reference == shown["reference"])
    at.session_state["findings_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()

    edit = next(link for link in at.get("page_link") if link.proto.label.startswith("Edit "))
    assert edit.proto.label == f"Edit {first.reference}"
    assert edit.proto.page == "walk"
    assert f"finding={first.id}" in edit.proto.query_string
    assert any(b.label == f"Delete {first.reference}" for b in at.button)


def test_the_root_url_opens_the_audits_page(open_page, app_db) -> None:
    at = open_page(None)

    assert not at.exception
    assert [t.value for t in at.title] == ["Audits"]


def test_findings_table_colours_level_cells_and_keeps_their_labels(checklist) -> None:
    import pandas as pd

    from datawalk.ui.widgets import style_levels

    levels = checklist.scoring.levels
    frame = pd.DataFrame(
        {"reference": ["F-001", "F-002"], "privacy_level": [levels[0].name, levels[-1].name]}
    )
    html = style_levels(frame, checklist, ["privacy_level", "safeguarding_level"]).to_html()

    assert levels[0].name in html and levels[-1].name in html
    assert levels[0].hexcolor.lower() in html.lower()
    assert levels[-1].hexcolor.lower() in html.lower()


def test_the_root_url_returns_to_the_last_place_on_the_walk(open_page, walk) -> None:
    other = walk.store.add_location(
        Location(audit_id=walk.audit.id, name="Staff room", location_type="staff_room"), ACTOR
    )
    open_page("walk", audit=walk.audit.id, location=other.id)

    at = open_page(None)  # a new session, as after a restart or a sign-in
    assert not at.exception
    assert (_param(at, "audit"), _param(at, "location")) == (walk.audit.id, other.id)
    assert "cap_gens" in at.session_state  # the walk page's capture form is open there

    at = open_page("walk")  # the walk page without params opens the same place
    assert (_param(at, "audit"), _param(at, "location")) == (walk.audit.id, other.id)
    assert "cap_gens" in at.session_state


def test_the_root_url_lists_audits_once_the_last_one_is_no_longer_in_progress(
    open_page, walk
) -> None:
    open_page("walk", audit=walk.audit.id, location=walk.location.id)
    walk.store.set_audit_status(walk.audit.id, AuditStatus.COMPLETE, ACTOR)

    at = open_page(None)
    assert not at.exception
    assert [t.value for t in at.title] == ["Audits"]


def test_the_walk_page_remembers_the_place_in_the_database(open_page, walk) -> None:
    at = open_page("walk", audit=walk.audit.id)
    assert walk.store.last_place(state.place_user()) == Place(walk.audit.id, None)
    assert not at.exception
    open_page("walk", audit=walk.audit.id, location=walk.location.id)
    assert walk.store.last_place(state.place_user()) == Place(walk.audit.id, walk.location.id)


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value
