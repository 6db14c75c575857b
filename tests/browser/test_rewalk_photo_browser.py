"""A resolved finding's photo on a re-walk in a real browser at 1024×768: uploaded from the photo
picker, redacted before anything is kept, kept only once ticked as checked, shown inline (never
at a /media/ URL), with nothing wider than the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from rig import AppServer, Tablet, Taps, expect_run, open_app

from datawalk.models import AuditStatus
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import start_rewalk
from datawalk.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACTOR = Actor("A. Consultant")
PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "astronaut.jpg"


def _rewalk(server: AppServer, sample_id: str) -> tuple[str, str, str]:
    """Complete the sample and start its next walk; return it, a place and its first item."""
    store = Store.open(server.database_url)
    try:
        workspace = Workspace(store)
        set_status(workspace, ACTOR, sample_id, AuditStatus.COMPLETE)
        audit = start_rewalk(workspace, ACTOR, sample_id, [])
        item = store.rewalk_record(audit.id).items[0]
        return audit.id, item.location_id, item.id
    finally:
        store.close()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("ipad", ["landscape"], indirect=True)
def test_a_resolved_finding_gets_a_checked_redacted_photo(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    audit_id, place, item_id = _rewalk(app_server, sample_id)
    page = ipad.page
    open_app(page, f"{app_server.url}/walk?audit={audit_id}&location={place}")
    page.locator(".st-key-last_walk").wait_for()
    tap = Taps(page)
    tap(page.locator(f".st-key-rw_resolved_{item_id} button"))

    uploader = page.locator(f".st-key-rw_photo_upload_{item_id}_0 input[type='file']")
    with expect_run(page, "uploading a photo"):
        uploader.set_input_files(str(PORTRAIT))
    checked = page.locator(f".st-key-rw_photo_checked_{item_id}")
    checked.wait_for()
    assert app_server.query("SELECT count(*) FROM rewalk_photos")[0][0] == 0
    assert _no_sideways_scroll(page)

    tap(checked.get_by_text("I have checked this photo", exact=True))
    add = page.locator(f".st-key-rw_photo_add_{item_id} button")
    box = add.bounding_box()
    assert box is not None and box["height"] >= 44
    tap(add)

    rows = app_server.query(
        "SELECT rewalk_item_id, needs_review, redaction IS NOT NULL FROM rewalk_photos"
    )
    assert rows == [(item_id, 0, 1)]
    sources = page.locator('[data-testid="stImage"] img').evaluate_all("els => els.map(e => e.src)")
    assert sources and all(src.startswith("data:image/") for src in sources)
    assert _no_sideways_scroll(page)
