"""The Portfolio page in a real browser at both iPad sizes (issue 17): three fictional schools,
nothing wider than the screen, every target at least 44 px, each level named in words, no serious
axe violation, and one tap on a school's name opens its latest audit.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from icalendar import Calendar
from measure import horizontal_overflow, no_horizontal_scroll, screenshot, undersized_targets
from playwright.sync_api import Browser, expect
from rig import AppServer, Tablet, Taps, landscape_tablet_page, open_app
from test_axe_browser import blocking_violations

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.store import Store
from tests.portfolio_schools import CLOSED, School, make_three_schools

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CARD = '[class*="st-key-school_"]'


@pytest.fixture(scope="module")
def schools(app_server: AppServer) -> dict[str, School]:
    """Three schools' walks, stored before the app first opens the database (so no sample)."""
    store = Store.open(app_server.database_url)
    try:
        return make_three_schools(store, load_checklist(DEFAULT_CHECKLIST_PATH), date.today())
    finally:
        store.close()


def test_tapping_a_school_opens_its_latest_audit(
    ipad: Tablet, app_server: AppServer, schools: dict[str, School]
) -> None:
    page = ipad.page
    open_app(page, f"{app_server.url}/portfolio")
    cards = page.locator(CARD)
    expect(cards).to_have_count(len(schools))
    for name in schools:
        expect(cards.filter(has_text=name)).to_have_count(1)
    # Levels are words on their colours, never colour alone.
    expect(cards.first).to_contain_text("Worst open privacy:")
    widths = horizontal_overflow(page)
    assert no_horizontal_scroll(widths), widths
    assert undersized_targets(page) == []
    assert blocking_violations(page, Axe()) == []
    screenshot(page, f"portfolio-{ipad.name}", whole_page=False)

    school = schools["Ashgrove Primary (fictional)"]
    link = cards.filter(has_text=school.name).get_by_role("link", name=school.name)
    tap = Taps(page)
    tap(link)
    page.wait_for_url(re.compile(rf"audit={re.escape(school.latest.id)}"))
    expect(page.get_by_text(f"{school.name} · Main site")).to_be_visible()
    assert tap.count == 1


def test_a_school_calendar_downloads_parses_and_is_in_the_trail(
    browser: Browser, app_server: AppServer, schools: dict[str, School], tmp_path
) -> None:
    with landscape_tablet_page(browser) as page:
        _download_calendar(page, app_server, schools, tmp_path)


def _download_calendar(page, app_server: AppServer, schools: dict[str, School], tmp_path) -> None:
    open_app(page, f"{app_server.url}/portfolio")
    school = schools["Birchwood Academy (fictional)"]
    card = page.locator(CARD).filter(has_text=school.name)
    button = card.get_by_role("button", name="Calendar (.ics)")
    with page.expect_download(timeout=60_000) as caught:
        button.tap()
    download = caught.value
    assert download.failure() is None and download.suggested_filename.endswith(".ics")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    due = sorted(a.due_date for a in school.actions if a.status not in CLOSED)
    assert sorted(e.decoded("dtstart") for e in events if "walk" not in str(e["SUMMARY"])) == due
    assert all(str(e["SUMMARY"]).startswith(school.name) for e in events)
    recorded = app_server.query(
        "SELECT actor, changes FROM trail_events WHERE audit_id = ? AND operation = 'download'",
        school.latest.id,
    )
    assert len(recorded) == 1 and download.suggested_filename in str(recorded[0][1])
