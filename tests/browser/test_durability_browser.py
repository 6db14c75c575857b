"""Nothing saved is lost when the laptop's server dies (issue 3, durability).

Through the browser: save a finding and start a draft; then `kill -9` the server's whole process
group (no shutdown code runs), check the rows through a fresh SQLite connection, restart the
server on the same database and port, reload the tab, and find both again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from measure import screenshot
from playwright.sync_api import Browser, Page
from rig import AppServer, Taps, choice, expect_run, landscape_tablet_page, open_app
from walk_steps import add_location, create_audit, finding_cards, is_selected, query, save

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAVED_TEMPLATE = "Pupil medication in the shared staff fridge"
DRAFT_TEMPLATE = "Cover folder has no medical or allergy sheet"
DRAFT_NOTES = "cover folder in the staff room, typed just before the crash"


@pytest.fixture
def tablet_page(browser: Browser) -> Iterator[Page]:
    """A landscape iPad page; a JavaScript dialog would fail the test."""
    with landscape_tablet_page(browser) as page:
        yield page


def _stored_draft(server: AppServer, audit_id: str, location_id: str) -> dict[str, object] | None:
    rows = server.query(
        "SELECT payload FROM drafts WHERE audit_id = ? AND location_key = ?", audit_id, location_id
    )
    if not rows:
        return None
    payload = rows[0][0]
    return json.loads(payload) if isinstance(payload, str) else payload  # type: ignore[return-value]


def _wait_for_draft(server: AppServer, audit_id: str, location_id: str) -> dict[str, object]:
    """The draft is written in the tap's own rerun; poll briefly for the committed row."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        draft = _stored_draft(server, audit_id, location_id)
        if draft and draft.get("notes") == DRAFT_NOTES:
            return draft
        time.sleep(0.2)
    raise AssertionError(f"draft not stored: {_stored_draft(server, audit_id, location_id)}")


def test_finding_and_draft_survive_kill_9(
    tablet_page: Page, make_server: Callable[..., AppServer]
) -> None:
    page = tablet_page
    tap = Taps(page)
    server = make_server("durable").start()
    open_app(page, f"{server.url}/")
    audit_id = create_audit(tap, page, "Crash Test Academy (fictional)")
    location_id = add_location(tap, page, "Staff room", "Staff room")
    tap(choice(page, "Quick templates", SAVED_TEMPLATE))
    reference = save(tap, page)

    tap(choice(page, "Quick templates", DRAFT_TEMPLATE))
    notes = page.get_by_role("textbox", name="Notes", exact=True)
    notes.fill(DRAFT_NOTES)
    with expect_run(page, "leaving the notes"):
        notes.blur()
    draft_before = _wait_for_draft(server, audit_id, location_id)

    server.kill()
    assert server.process is not None and server.process.returncode is not None

    # Through SQLite itself, which replays the WAL, exactly as the restarted server will.
    assert server.query(
        "SELECT reference FROM findings WHERE audit_id = ? AND location_id = ?",
        audit_id,
        location_id,
    ) == [(reference,)]
    assert _stored_draft(server, audit_id, location_id) == draft_before

    server.start()
    with expect_run(page, "reloading after the restart"):
        page.reload()
    assert query(page) == {"audit": audit_id, "location": location_id}
    cards = finding_cards(page)
    assert cards.count() == 1
    assert reference in cards.first.inner_text()
    assert is_selected(choice(page, "Quick templates", DRAFT_TEMPLATE))
    assert page.get_by_role("textbox", name="Notes", exact=True).input_value() == DRAFT_NOTES
    screenshot(page, "durability-after-restart")


def test_the_root_url_returns_to_the_last_place_after_a_restart(
    tablet_page: Page, make_server: Callable[..., AppServer]
) -> None:
    page = tablet_page
    tap = Taps(page)
    server = make_server("return").start()
    open_app(page, f"{server.url}/")
    audit_id = create_audit(tap, page, "Return Visit Academy (fictional)")
    add_location(tap, page, "Staff room", "Staff room")
    hall_id = add_location(tap, page, "Main hall", "Dining hall")

    server.kill()
    # The place is in the database itself, not only in the dead server's memory.
    assert server.query(
        "SELECT audit_id, location_id FROM last_places WHERE audit_id = ?", audit_id
    ) == [(audit_id, hall_id)]

    server.start()
    open_app(page, f"{server.url}/")  # a bare `/`, as a consultant coming back types it
    page.wait_for_url("**/walk?**")
    assert query(page) == {"audit": audit_id, "location": hall_id}
    assert page.get_by_text("Choose the location you are in").count() == 0
    screenshot(page, "return-to-last-place")
