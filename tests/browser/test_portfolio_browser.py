"""The Portfolio page in a real browser at both iPad sizes (issue 17): three fictional schools,
nothing wider than the screen, every target at least 44 px, each level named in words, and one
tap on a school's name opens its latest audit.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from rig import (
    AppServer,
    Tablet,
    Taps,
    horizontal_overflow,
    no_horizontal_scroll,
    open_app,
    screenshot,
    undersized_targets,
)

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.store import Store
from tests.portfolio_schools import School, make_three_schools

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
    screenshot(page, f"portfolio-{ipad.name}", whole_page=False)

    school = schools["Ashgrove Primary (fictional)"]
    link = cards.filter(has_text=school.name).get_by_role("link", name=school.name)
    tap = Taps(page)
    tap(link)
    page.wait_for_url(re.compile(rf"audit={re.escape(school.latest.id)}"))
    expect(page.get_by_text(f"{school.name} · Main site")).to_be_visible()
    assert tap.count == 1
