"""The Export page in a real browser (issue 6): the workbook is built when the button is pressed
and arrives as a download named after the school and the walk date, and it is a valid workbook
of this audit (every sheet, the Action plan rows, the audit marker)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page
from rig import AppServer, open_app, wait_idle

from datawalk.store import Store
from datawalk.workbook.downloads import workbook_file_name
from datawalk.workbook.layout import (
    ACTION_PLAN,
    FINDINGS,
    FINDINGS_PRINT,
    LOCATIONS,
    MARKER,
    PHOTOS,
    SCORING_MODEL,
    SUMMARY,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOWNLOAD_LABEL = "Download Excel workbook"
REPORT_LABEL = "Download PDF report"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A touch page at 1024×768 that accepts downloads."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 768},
        has_touch=True,
        accept_downloads=True,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def _stored(server: AppServer, audit_id: str) -> tuple[str, int, int]:
    store = Store.open(server.database_url)
    try:
        audit = store.get_audit(audit_id)
        return (
            workbook_file_name(audit),
            len(store.list_actions(audit_id)),
            len(store.list_findings(audit_id)),
        )
    finally:
        store.close()


def test_export_page_downloads_a_valid_workbook(
    page: Page, app_server: AppServer, sample_id: str, tmp_path: Path
) -> None:
    open_app(page, f"{app_server.url}/export?audit={sample_id}")
    button = page.get_by_role("button", name=DOWNLOAD_LABEL)
    button.wait_for()
    wait_idle(page)
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    download = caught.value
    assert download.failure() is None
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    file_name, action_count, finding_count = _stored(app_server, sample_id)
    assert download.suggested_filename == file_name
    assert file_name.startswith("datawalk-") and file_name.endswith(".xlsx")
    data = target.read_bytes()
    assert data[:4] == b"PK\x03\x04"
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        SUMMARY,
        FINDINGS,
        FINDINGS_PRINT,
        ACTION_PLAN,
        LOCATIONS,
        PHOTOS,
        SCORING_MODEL,
        MARKER,
    ]
    marker = {row[0]: row[1] for row in book[MARKER].iter_rows(values_only=True)}
    assert marker["audit_id"] == sample_id
    # Opening the page created the default actions, and the workbook carries every one of them.
    assert action_count > 0
    assert book[ACTION_PLAN].max_row == action_count + 1
    assert book[FINDINGS].max_row == finding_count + 1


def test_export_page_downloads_the_pdf_report(
    page: Page, app_server: AppServer, sample_id: str, tmp_path: Path
) -> None:
    """The report is typeset when the button is pressed and arrives as a tagged PDF named after
    the school, the walk date and the edition."""
    open_app(page, f"{app_server.url}/export?audit={sample_id}")
    button = page.get_by_role("button", name=REPORT_LABEL)
    button.wait_for()
    wait_idle(page)
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    download = caught.value
    assert download.failure() is None
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    file_name, _, _ = _stored(app_server, sample_id)
    assert download.suggested_filename == file_name.removesuffix(".xlsx") + "-leadership.pdf"
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and b"/StructTreeRoot" in data
