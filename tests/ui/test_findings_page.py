"""The findings page's table on a tablet: reference, place and both levels first, and rows
tall enough to tap. (That the levels show without sideways scrolling at iPad sizes is proved
in the browser, tests/browser/test_findings_browser.py.)"""

from __future__ import annotations

import json

import pytest

from datawalk.samples import load_sample
from datawalk.store import Store

FIRST_COLUMNS = ["reference", "location", "privacy_level", "safeguarding_level"]
MIN_TOUCH_PX = 44


@pytest.fixture
def sample_audit_id(app_db) -> str:
    store = Store.open(app_db)
    try:
        return load_sample(store)
    finally:
        store.close()


def test_reference_location_and_both_levels_come_first(open_page, sample_audit_id) -> None:
    at = open_page("findings", audit=sample_audit_id)
    assert not at.exception
    table = at.dataframe[0]
    assert list(table.proto.column_order[:4]) == FIRST_COLUMNS
    assert list(table.value.columns[:4]) == FIRST_COLUMNS
    config = json.loads(table.proto.columns)
    labels = [config[column]["label"] for column in FIRST_COLUMNS]
    assert labels == ["Ref", "Location", "Privacy", "Safeguarding"]
    widths = [config[column].get("width") for column in FIRST_COLUMNS]
    assert all(isinstance(width, int) for width in widths), widths  # fixed, narrow columns


def test_rows_are_tall_enough_to_tap(open_page, sample_audit_id) -> None:
    at = open_page("findings", audit=sample_audit_id)
    assert at.dataframe[0].proto.row_height >= MIN_TOUCH_PX
