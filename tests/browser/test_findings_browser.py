"""The findings table at iPad sizes (issue 10, item 3): reference, place and both levels are the
first columns and show without scrolling the table sideways, at 1024×768 and at 820×1180.

The table is a canvas, so visibility is proved the way a person would see it: focus the first
row's reference cell, step right to the safeguarding level with the arrow keys, and check the
grid did not have to scroll to show it (it does scroll for a column that is off-screen, which
the test checks too, so the measure can fail).
"""

from __future__ import annotations

import pytest
from measure import horizontal_overflow, no_horizontal_scroll, screenshot, wait_steady
from rig import AppServer, Tablet, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GRID = '[data-testid="stDataFrame"]'
SCROLLER = f"{GRID} .dvn-scroller"
FIRST_HEADERS = ["Ref", "Location", "Privacy", "Safeguarding"]
LEVEL_COLUMNS = 2  # privacy and safeguarding, right after reference and location


def _scroll_left(page) -> float:
    """The grid's sideways scroll, once it has stopped moving."""
    wait_steady(page, f"document.querySelector('{SCROLLER}')?.scrollLeft")
    return float(page.locator(SCROLLER).first.evaluate("el => el.scrollLeft"))


def _headers(page) -> list[str]:
    """Column headers in their drawn order, from the grid's accessible table."""
    headers = page.locator(f'{GRID} [role="columnheader"]')
    headers.first.wait_for(state="attached")
    cells = headers.all_text_contents()
    return [text.strip() for text in cells if text.strip()]


def _focus_first_reference(page) -> None:
    """Tap the first data row's reference cell (left of the table, below the header row)."""
    box = page.locator(GRID).first.bounding_box()
    assert box
    row_height = 48
    page.mouse.click(box["x"] + 70, box["y"] + row_height * 1.5)
    page.wait_for_function(
        "(grid) => document.querySelector(grid)?.contains(document.activeElement)", arg=GRID
    )


def test_both_levels_show_without_scrolling_sideways(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    page = ipad.page
    open_app(page, f"{app_server.url}/findings?audit={sample_id}")
    grid = page.locator(GRID).first
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    assert _headers(page)[:4] == FIRST_HEADERS

    box = grid.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= ipad.width
    widths = horizontal_overflow(page)
    assert no_horizontal_scroll(widths), widths
    assert _scroll_left(page) == 0

    _focus_first_reference(page)
    for _ in range(1 + LEVEL_COLUMNS):  # location, privacy, safeguarding
        page.keyboard.press("ArrowRight")
    assert _scroll_left(page) == 0, "the safeguarding level needed a sideways scroll"
    screenshot(page, f"findings-{ipad.name}", whole_page=False)

    for _ in range(12):  # on to the last columns, which are off-screen on a tablet
        page.keyboard.press("ArrowRight")
    assert _scroll_left(page) > 0, "the measure detects a column that is off-screen"
