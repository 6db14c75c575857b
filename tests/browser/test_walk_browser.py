"""A walk on an iPad in a real browser (issue 3), at 1024×768 and at 820×1180.

Tap counting: the quick finding starts on the walk page of an audit that already has the
location, with no location chosen yet (as after opening the audit). The count covers choosing
the location, the template and Save; the reference confirmation must follow.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from measure import (
    MIN_TOUCH_PX,
    horizontal_overflow,
    no_horizontal_scroll,
    screenshot,
    undersized_targets,
)
from playwright.sync_api import Browser, Page
from rig import AppServer, MissedTap, Tablet, Taps, choice, expect_run, open_app
from walk_steps import (
    FULL_FINDING,
    REVIEW_DATE,
    SCRIPT_NOTES,
    TEMPLATE,
    add_location,
    create_audit,
    finding_cards,
    is_selected,
    make_jpeg,
    query,
    save,
    select,
    type_date,
    upload_photo,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_TAPS = 5
LOCATION = "Staff room"
LOCATION_TYPE = "Staff room"
LOCATION_PILL = f"{LOCATION} (Ground floor)"


def _check_layout(tablet: Tablet, step: str, problems: list[str]) -> None:
    """Every button and pill is a finger's size, nothing scrolls sideways; keep a screenshot.

    Problems are collected rather than raised, so one undersized icon does not hide whether
    the rest of the walk works; the test asserts the list is empty at its end.
    """
    page = tablet.page
    screenshot(page, f"walk-{tablet.name}-{step}")
    problems += [f"{step}: under {MIN_TOUCH_PX} px: {t}" for t in undersized_targets(page)]
    widths = horizontal_overflow(page)
    if not no_horizontal_scroll(widths):
        problems.append(f"{step}: scrolls sideways: {widths}")


def _quick_finding_by_taps(page: Page, server: AppServer, audit_id: str) -> tuple[str, int]:
    """Open the walk page with no location chosen and record the template finding by taps."""
    open_app(page, f"{server.url}/walk?audit={audit_id}")
    assert "location" not in query(page)
    taps = Taps(page)
    taps(choice(page, "Location", LOCATION_PILL))
    taps(choice(page, "Quick templates", TEMPLATE))
    taps(page.get_by_role("button", name="Save finding"))
    confirmation = page.get_by_text("Saved F-", exact=False).first
    confirmation.wait_for()
    return confirmation.inner_text().split("Saved ", 1)[1].split()[0], taps.count


def _full_finding(tablet: Tablet, photo: Path, problems: list[str]) -> str:
    """Set every kind of field by touch, type notes with script in them, add a checked photo."""
    page = tablet.page
    tap = Taps(page)
    for label, option in FULL_FINDING:
        select(tap, page, label, option)
    type_date(tap, page, REVIEW_DATE[0], REVIEW_DATE[1])
    notes = page.get_by_role("textbox", name="Notes", exact=True)
    notes.fill(SCRIPT_NOTES)
    with expect_run(page, "leaving the notes"):
        notes.blur()
    upload_photo(tap, page, photo)
    _check_layout(tablet, "full-finding", problems)
    return save(tap, page)


def test_walk_capture_survives_a_reload(
    ipad: Tablet, app_server: AppServer, tmp_path: Path
) -> None:
    page = ipad.page
    tap = Taps(page)
    problems: list[str] = []
    open_app(page, f"{app_server.url}/audits")
    _check_layout(ipad, "audits", problems)
    audit_id = create_audit(tap, page, f"Brook Lane {ipad.name} School (fictional)")
    location_id = add_location(tap, page, LOCATION, LOCATION_TYPE)

    quick_reference, taps = _quick_finding_by_taps(page, app_server, audit_id)
    assert taps <= MAX_TAPS
    assert query(page) == {"audit": audit_id, "location": location_id}
    full_reference = _full_finding(ipad, make_jpeg(tmp_path / "noticeboard.jpg"), problems)
    assert quick_reference != full_reference

    with expect_run(page, "reloading the walk page"):
        page.reload()
    assert query(page) == {"audit": audit_id, "location": location_id}
    assert is_selected(choice(page, "Location", LOCATION_PILL))
    cards = finding_cards(page)
    texts = "\n".join(cards.all_inner_texts())
    assert cards.count() == 2, texts
    assert quick_reference in texts and full_reference in texts
    photos = app_server.query(
        "SELECT f.reference, count(p.id) FROM findings f LEFT JOIN photos p ON p.finding_id = f.id"
        " WHERE f.audit_id = ? GROUP BY f.reference",
        audit_id,
    )
    assert dict(photos) == {quick_reference: 0, full_reference: 1}
    stored = app_server.query(
        "SELECT notes, review_date, need_override, reach, evidence FROM findings"
        " WHERE audit_id = ? AND reference = ?",
        audit_id,
        full_reference,
    )
    assert stored == [(SCRIPT_NOTES, REVIEW_DATE[2], 4, "within_5_minutes", "document_seen")]
    _check_layout(ipad, "after-reload", problems)

    # The notes are shown as the characters typed, and nothing in them ran.
    assert page.get_by_text(SCRIPT_NOTES, exact=True).count() == 1
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    assert ipad.dialogs == []
    assert problems == []


def _new_walk(ipad: Tablet, server: AppServer, school: str) -> Taps:
    """A new audit with the staff room added and chosen; returns the tap counter."""
    page = ipad.page
    tap = Taps(page)
    open_app(page, f"{server.url}/audits")
    create_audit(tap, page, f"{school} {ipad.name} School (fictional)")
    add_location(tap, page, LOCATION, LOCATION_TYPE)
    return tap


def test_walk_controls_keep_what_a_finger_chose(ipad: Tablet, app_server: AppServer) -> None:
    """Tapping the chosen option of a required single choice keeps it (no silent clearing), and
    "Clear form" sits at the top of the form, away from the save bar."""
    page = ipad.page
    tap = _new_walk(ipad, app_server, "Elm Row")
    tap(choice(page, "Quick templates", TEMPLATE))
    save_bar = page.locator(".st-key-cap_actions")
    clear = page.get_by_role("button", name="Clear form")
    assert save_bar.get_by_role("button", name="Save finding").count() == 1
    assert save_bar.get_by_role("button", name="Clear form").count() == 0
    first_field = page.get_by_role("radiogroup", name="Quick templates", exact=True)
    assert clear.bounding_box()["y"] < first_field.bounding_box()["y"]
    for label, option in [("Reach", "Within 5 minutes"), ("Format", "Poster or wall display")]:
        select(tap, page, label, option)
        # A required choice ignores a tap on itself: the browser keeps it and no run follows
        # (a control that cleared would show it at once, as the tap is handled).
        choice(page, label, option).tap()
        assert is_selected(choice(page, label, option)), f"{label}: tapping {option} cleared it"


# The save bar stays on screen while the form scrolls: at most one row of score and Save.
MAX_SAVE_BAR_PX = 110


def _location_pills(page: Page) -> list[str]:
    pills = page.get_by_role("radiogroup", name="Location", exact=True).get_by_role("radio")
    return pills.all_inner_texts()


def test_walk_layout_stays_out_of_the_way(ipad: Tablet, app_server: AppServer) -> None:
    """The add-location form closes once a place is added, the location pills keep their order
    while a finger moves between them, and the save bar is one compact row."""
    page = ipad.page
    tap = _new_walk(ipad, app_server, "Ash Grove")
    assert not page.get_by_label("Location name").is_visible()
    add_location(tap, page, "Dining hall", "Dining hall")
    assert not page.get_by_label("Location name").is_visible(), "Add a location stayed open"

    tap(choice(page, "Quick templates", TEMPLATE))
    bar = page.locator('[data-testid="stLayoutWrapper"]:has(> .st-key-cap_actions)')
    height = bar.bounding_box()["height"]
    screenshot(page, f"walk-{ipad.name}-save-bar", whole_page=False)
    assert height <= MAX_SAVE_BAR_PX, f"the save bar is {height:.0f} px tall"

    order = _location_pills(page)
    assert len(order) == 2
    for place in [order[1], order[0], order[1]]:
        tap(choice(page, "Location", place))
        assert _location_pills(page) == order, f"the pills moved when {place} was tapped"
        tap(choice(page, "Quick templates", TEMPLATE))
        save(tap, page)  # a saved finding makes its place the most recently used
        assert _location_pills(page) == order, f"the pills moved after a save at {place}"


@pytest.mark.parametrize("url_path", ["audits", "walk", "findings"])
def test_deep_links_open_their_page(browser: Browser, app_server: AppServer, url_path: str) -> None:
    """Each page of issue 3 opens from its own URL path, as a bookmark on the iPad would."""
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    try:
        open_app(page, f"{app_server.url}/{url_path}")
        assert urlparse(page.url).path == f"/{url_path}"
    finally:
        page.context.close()


def test_a_tap_that_runs_nothing_fails_loudly(ipad: Tablet, app_server: AppServer) -> None:
    """The rig never taps twice: a tap that makes no run (here, on a heading) is a failure."""
    page = ipad.page
    open_app(page, f"{app_server.url}/audits")
    with pytest.raises(MissedTap, match="the app finished no script run"):
        Taps(page, timeout_ms=3_000)(page.get_by_role("heading", name="Audits", exact=True))


def test_reach_per_audience_is_an_optional_expander(ipad: Tablet, app_server: AppServer) -> None:
    """A finding all staff can see in the staff room, but the supply teacher never reaches: the
    common case keeps its taps (the expander stays closed), and opened, one needer's reach is a
    finger-sized choice that the saved finding keeps."""
    page = ipad.page
    tap = _new_walk(ipad, app_server, "Birch Lane")
    audit_id = query(page)["audit"]
    tap(choice(page, "Quick templates", TEMPLATE))
    assert page.get_by_text("includes the staff who need it", exact=False).count() == 1
    summary = page.locator('[data-testid="stExpander"] summary').filter(
        has_text="Reach per audience"
    )
    assert summary.count() == 1 and not choice(page, "Office staff", "Not at all").is_visible()
    assert summary.bounding_box()["height"] >= MIN_TOUCH_PX
    tap(summary, reruns=False)
    tap(choice(page, "Office staff", "Not at all"))
    assert summary.filter(has_text="(1 set)").count() == 1
    assert undersized_targets(page) == []
    reference = save(tap, page)
    stored = app_server.query(
        "SELECT needed_by FROM findings WHERE audit_id = ? AND reference = ?", audit_id, reference
    )
    assert ["office", "not_at_all"] in json.loads(stored[0][0])
