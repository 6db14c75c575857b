"""In a real browser, a download button still hands over its file now that its click records
the export, and the audit's trail then holds that download: which format and edition, which
file, who and when (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from rig import AppServer, open_app, wait_idle

from datawalk.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A touch page at 1024×768 that accepts downloads."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, has_touch=True, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def _downloads(server: AppServer, audit_id: str) -> list:
    store = Store.open(server.database_url)
    try:
        return [event for event in store.list_trail(audit_id) if event.operation == "download"]
    finally:
        store.close()


def test_a_backup_download_arrives_and_is_in_the_trail(
    page: Page, app_server: AppServer, sample_id: str
) -> None:
    open_app(page, f"{app_server.url}/export?audit={sample_id}")
    button = page.get_by_role("button", name="Download JSON backup")
    button.wait_for()
    wait_idle(page)
    before = len(_downloads(app_server, sample_id))
    with page.expect_download(timeout=60_000) as caught:
        button.click()
    download = caught.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".json")
    wait_idle(page)
    events = _downloads(app_server, sample_id)[before:]
    assert len(events) == 1
    assert events[0].changes == {"download": "JSON backup", "file": download.suggested_filename}
