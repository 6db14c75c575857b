"""Every download on the Export page goes in the audit's trail as it is tapped: who, which
format and edition, which file, and when. AppTest clicks a download button and runs its
`on_click`, which is where the page records it (the bytes themselves are built on click by the
browser's request, which AppTest never makes)."""

from __future__ import annotations

import pytest

from datawalk.report import report_file_name
from datawalk.samples import load_sample
from datawalk.store import Store
from datawalk.workbook.downloads import backup_file_name, workbook_file_name


@pytest.fixture
def sample_id(app_db) -> str:
    store = Store.open(app_db)
    try:
        return load_sample(store)
    finally:
        store.close()


def _downloads(url: str, audit_id: str) -> list:
    store = Store.open(url)
    try:
        return [event for event in store.list_trail(audit_id) if event.operation == "download"]
    finally:
        store.close()


def _audit(url: str, audit_id: str):
    store = Store.open(url)
    try:
        return store.get_audit(audit_id)
    finally:
        store.close()


def test_opening_the_page_records_nothing(open_page, app_db, sample_id):
    at = open_page("export", audit=sample_id)
    assert not at.exception
    assert _downloads(app_db, sample_id) == []


@pytest.mark.parametrize(
    ("key", "edition", "what"),
    [
        ("export_download_pdf", "leadership", "PDF report, leadership edition"),
        ("export_download_pdf", "governors", "PDF report, governors edition"),
        ("export_download_xlsx", "leadership", "Excel workbook, leadership edition"),
        ("export_download_xlsx", "governors", "Excel workbook, governors edition"),
        ("export_download_json", "governors", "JSON backup"),
    ],
)
def test_each_download_is_recorded_once_with_its_format_and_edition(
    open_page, app_db, sample_id, key, edition, what
):
    at = open_page("export", audit=sample_id)
    at.segmented_control(key="export_edition").set_value(edition).run()
    assert _downloads(app_db, sample_id) == []
    at.download_button(key=key).click().run()
    assert not at.exception
    events = _downloads(app_db, sample_id)
    assert len(events) == 1
    audit = _audit(app_db, sample_id)
    files = {
        "export_download_pdf": report_file_name(audit, edition),
        "export_download_xlsx": workbook_file_name(audit),
        "export_download_json": backup_file_name(audit),
    }
    assert events[0].changes == {"download": what, "file": files[key]}
    assert events[0].actor and events[0].entity_id == sample_id


def test_the_trail_page_lists_a_download(open_page, app_db, sample_id):
    at = open_page("export", audit=sample_id)
    at.download_button(key="export_download_json").click().run()
    trail = open_page("trail", audit=sample_id)
    assert not trail.exception
    shown = " ".join(str(frame.value.to_csv()) for frame in trail.dataframe)
    assert "Downloaded" in shown and "JSON backup" in shown
