"""Every page runs without an exception: on the sample walk, with no audit at all, and with a
stale audit id in the URL."""

from __future__ import annotations

import pytest

from datawalk.samples import load_sample
from datawalk.store import Store
from datawalk.ui.routes import PAGES

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
