"""Two tablets on one location, in two browser contexts with their own `datawalk_device` cookie
(the long-lived device id the sign-in sets), against one server and database.

- Drafts are per device: tablet A's half-typed finding is never shown on tablet B (B is told it
  exists on the other device: open it or keep it), and B's save empties B's form only; A's draft
  is still there after a reload.
- A finding opened on both: A's unsaved notes are not loaded on B, and when B saves first, A's
  save is refused with who changed it and when, and A can open B's version to apply theirs again.
- The action plan: the same action's form open on both, B saves first; A's save is refused with
  who and when instead of being dropped or written over, and "Show their change" opens B's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from measure import screenshot
from playwright.sync_api import Browser, Page, expect
from rig import AppServer, Taps, choice, expect_run, open_app, watch_runs
from walk_steps import save

from datawalk.editing import DraftHolder

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEMPLATE = "Cover folder has no medical or allergy sheet"
DEVICE_A = "tablet-a-device-000000001"
DEVICE_B = "tablet-b-device-000000002"


@contextmanager
def tablet(browser: Browser, server: AppServer, device: str) -> Iterator[Page]:
    """A landscape iPad context of its own, carrying this device's cookie."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 768},
        has_touch=True,
        is_mobile=False,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.add_cookies([{"name": "datawalk_device", "value": device, "url": server.url}])
    context.set_default_timeout(30_000)
    page = context.new_page()
    watch_runs(page)
    page.on("dialog", lambda dialog: pytest.fail(f"unexpected dialog: {dialog.message}"))
    try:
        yield page
    finally:
        context.close()


def notes_box(page: Page):
    return page.get_by_role("textbox", name="Notes", exact=True)


def type_notes(page: Page, text: str) -> None:
    box = notes_box(page)
    box.fill(text)
    with expect_run(page, "leaving the notes"):
        box.blur()


def stored_notes(server: AppServer, audit_id: str, location_id: str, device: str) -> str | None:
    """The notes of one device's stored draft (the store reads it back as the app would)."""
    from datawalk.store import Store

    store = Store.open(server.database_url)
    try:
        draft = store.load_draft(
            audit_id, location_id, holder=DraftHolder(auditor(store, audit_id), device)
        )
    finally:
        store.close()
    return None if draft is None else str(draft.get("notes", ""))


def auditor(store, audit_id: str) -> str:
    return store.get_audit(audit_id).auditor


def wait_for_notes(
    server: AppServer, audit_id: str, location_id: str, device: str, text: str
) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if stored_notes(server, audit_id, location_id, device) == text:
            return
        time.sleep(0.2)
    raise AssertionError(f"{device}'s draft never held {text!r}")


@pytest.fixture
def walk_place(make_server: Callable[..., AppServer]) -> tuple[AppServer, str, str, str]:
    """A server with the fictional sample walk; its audit, first location and auditor."""
    from datawalk.samples import load_sample
    from datawalk.store import Store

    server = make_server("two-tablets")
    store = Store.open(server.database_url)
    try:
        audit_id = load_sample(store)
        location = store.list_locations(audit_id)[0]
        name = auditor(store, audit_id)
    finally:
        store.close()
    return server.start(), audit_id, location.id, name


def test_drafts_stay_on_their_tablet_and_a_stale_save_is_refused(
    browser: Browser, walk_place: tuple[AppServer, str, str, str]
) -> None:
    server, audit_id, location_id, name = walk_place
    url = f"{server.url}/walk?audit={audit_id}&location={location_id}"
    with tablet(browser, server, DEVICE_A) as a, tablet(browser, server, DEVICE_B) as b:
        tap_a, tap_b = Taps(a), Taps(b)
        open_app(a, url)
        tap_a(choice(a, "Quick templates", TEMPLATE))
        type_notes(a, "Half typed on tablet A")
        wait_for_notes(server, audit_id, location_id, DEVICE_A, "Half typed on tablet A")

        open_app(b, url)
        expect(notes_box(b)).to_have_value("")  # A's unsaved work is not on B
        # No accounts yet, so both tablets act as the audit's auditor: B is told A's draft
        # exists, and leaves it where it is.
        offer = b.get_by_text("You have an unsaved draft from your other device (")
        expect(offer).to_be_visible()
        assert offer.inner_text().endswith("): open it or keep it")
        tap_b(b.get_by_role("button", name="Keep it", exact=True))
        expect(offer).to_have_count(0)
        tap_b(choice(b, "Quick templates", TEMPLATE))
        type_notes(b, "Written on tablet B")
        reference = save(tap_b, b)
        expect(notes_box(b)).to_have_value("")

        # B's save left A's draft alone, in the database and after A reloads.
        assert stored_notes(server, audit_id, location_id, DEVICE_A) == "Half typed on tablet A"
        with expect_run(a, "reloading tablet A"):
            a.reload()
        expect(notes_box(a)).to_have_value("Half typed on tablet A")
        screenshot(a, "two-tablets-own-draft")

        # Both open B's finding: B's copy shows what is saved, never A's unsaved words.
        finding_id = _finding_id(server, audit_id, reference)
        edit_url = f"{url}&finding={finding_id}"
        open_app(b, edit_url)
        open_app(a, edit_url)
        expect(notes_box(a)).to_have_value("Written on tablet B")
        type_notes(a, "A's change")
        expect(notes_box(b)).to_have_value("Written on tablet B")
        type_notes(b, "B's change")
        tap_b(b.get_by_role("button", name=f"Save {reference}"))

        tap_a(a.get_by_role("button", name=f"Save {reference}"))
        message = a.get_by_text("review their change and apply yours again")
        message.first.wait_for()
        text = message.first.inner_text()
        assert text.startswith(f"Changed by {name} at "), text
        assert _notes(server, finding_id) == "B's change"  # never written over
        expect(notes_box(a)).to_have_value("A's change")
        screenshot(a, "two-tablets-stale-save")

        tap_a(a.get_by_role("button", name="Open their version"))
        expect(notes_box(a)).to_have_value("B's change")


def _finding_id(server: AppServer, audit_id: str, reference: str) -> str:
    rows = server.query(
        "SELECT id FROM findings WHERE audit_id = ? AND reference = ?", audit_id, reference
    )
    return str(rows[0][0])


def _notes(server: AppServer, finding_id: str) -> str:
    return str(server.query("SELECT notes FROM findings WHERE id = ?", finding_id)[0][0])


def _first_open_action(page: Page):
    """The first action's expander on the action plan, opened."""
    action = page.locator('[data-testid="stExpander"]').filter(has_text="Open").first
    action.locator("summary").click()
    action.get_by_label("Owner (name or role)").wait_for()
    return action


def _set_owner(action, owner: str) -> None:
    """Type the owner; the Save tap sends it with the form's other values."""
    action.get_by_label("Owner (name or role)").fill(owner)


def test_an_action_form_another_tablet_already_saved_is_refused_not_dropped(
    browser: Browser, walk_place: tuple[AppServer, str, str, str]
) -> None:
    server, audit_id, _, name = walk_place
    url = f"{server.url}/actions?audit={audit_id}"
    with tablet(browser, server, DEVICE_A) as a, tablet(browser, server, DEVICE_B) as b:
        tap_a, tap_b = Taps(a), Taps(b)
        open_app(a, url)
        open_app(b, url)
        action_a = _first_open_action(a)
        action_b = _first_open_action(b)
        title = action_a.locator("summary").inner_text().splitlines()[-1]
        assert action_b.locator("summary").inner_text().splitlines()[-1] == title  # the same one
        _set_owner(action_a, "Office manager")
        _set_owner(action_b, "Bursar")
        tap_b(action_b.get_by_role("button", name="Save action"))
        saved = server.query("SELECT id FROM actions WHERE owner = ?", "Bursar")
        assert len(saved) == 1

        tap_a(action_a.get_by_role("button", name="Save action"))
        message = a.get_by_text("review their change and apply yours again")
        message.first.wait_for()
        assert message.first.inner_text().startswith(f"Changed by {name} at ")
        owners = server.query("SELECT owner FROM actions WHERE id = ?", saved[0][0])
        assert owners == [("Bursar",)]  # their save stands: nothing silently dropped or overwritten
        expect(action_a.get_by_label("Owner (name or role)")).to_have_value("Office manager")
        screenshot(a, "two-tablets-stale-action")

        tap_a(a.get_by_role("button", name="Show their change"))
        reopened = _first_open_action(a)
        expect(reopened.get_by_label("Owner (name or role)")).to_have_value("Bursar")
