"""Layout measurements the browser tests share: touch-target sizes, sideways overflow, blank
images and charts, and what a data grid shows without scrolling sideways.

Each check returns a list of readable problems (empty when the page is fine), so a test can
collect them over a whole walk and report every one at the end.
"""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from measure import MIN_TOUCH_PX, wait_layout_steady
from PIL import Image
from playwright.sync_api import Page

MAIN = '[data-testid="stMain"]'
# Where a finger can tap: the page, the header's buttons and the sidebar's page links.
TAPPABLE = f'{MAIN}, [data-testid="stHeader"], [data-testid="stSidebar"]'
# One colour over this share of an element's pixels reads as "nothing here".
BLANK_SHARE = 0.98
# Colours closer than this per channel count as one (JPEG noise, anti-aliasing).
_COLOUR_STEP = 8
# Streamlit's data grid draws its header row at its default row height, whatever `row_height`.
GRID_HEADER_PX = 35
_MAX_TALL_PX = 8000


class Unsized(NamedTuple):
    """A Streamlit control whose tap target DataWalk cannot size, and why."""

    selector: str
    reason: str


# The one list of Streamlit controls the touch-size check leaves out. It must not grow: the
# newcomer test pins its length.
STREAMLIT_UNSIZED: tuple[Unsized, ...] = (
    Unsized(
        '[data-testid="stDateInputField"] [role="spinbutton"], '
        '[data-testid="stTimeInputTimeDisplay"] [role="spinbutton"]',
        "Streamlit draws a date or time as day, month and year segments inside one field; the "
        "field is measured instead, and a tap anywhere on it focuses a segment.",
    ),
)

# What a finger taps, and the box measured for it: the control itself, or for controls whose
# visible target is a wrapper (a checkbox's label, a select's frame), that wrapper.
_TARGETS_SCRIPT = """([main, minimum, skip]) => {
  const measured = [
    ['button', null],
    ['[role="radio"]', null],
    ['a[data-testid="stPageLink-NavLink"], a[data-testid="stSidebarNavLink"]', null],
    ['summary', null],
    ['[role="spinbutton"]', null],
    ['input[type="checkbox"]', 'label'],
    ['[role="combobox"]', '.react-aria-ComboBox > [role="group"], [data-baseweb="select"]'],
    ['input:not([type="checkbox"]):not([type="file"]):not([type="hidden"])'
      + ':not([role="combobox"])', null],
    ['textarea', null],
    ['[data-testid="stDateInputField"], [data-testid="stTimeInputTimeDisplay"]', null],
  ];
  const seen = new Set();
  const small = [];
  for (const scope of document.querySelectorAll(main)) {
    for (const [selector, wrapper] of measured) {
      for (const control of scope.querySelectorAll(selector)) {
        const target = wrapper ? control.closest(wrapper) || control : control;
        if (seen.has(target) || (skip && target.closest(skip))) continue;
        seen.add(target);
        const box = target.getBoundingClientRect();
        const shown = target.checkVisibility({opacityProperty: true, visibilityProperty: true});
        // A collapsed sidebar waits off-screen to the left.
        if (!shown || box.width === 0 || box.height === 0 || box.right <= 0) continue;
        if (box.width >= minimum && box.height >= minimum) continue;
        const label = (control.getAttribute('aria-label') || target.innerText || control.name
          || target.getAttribute('data-testid') || target.tagName).trim().replace(/\\s+/g, ' ');
        small.push(`${target.tagName.toLowerCase()} ${JSON.stringify(label.slice(0, 40))}: `
          + `${Math.round(box.width)}x${Math.round(box.height)}`);
      }
    }
  }
  return small;
}"""


def undersized_controls(page: Page, minimum: int = MIN_TOUCH_PX) -> list[str]:
    """Every visible control (page, header, sidebar) narrower or shorter than `minimum` px.

    Controls in `STREAMLIT_UNSIZED` are left out; data-grid rows are measured by
    `grid_row_heights`, since the grid draws them on a canvas.
    """
    skip = ", ".join(entry.selector for entry in STREAMLIT_UNSIZED)
    return page.evaluate(_TARGETS_SCRIPT, [TAPPABLE, minimum, skip])


_OVERFLOW_SCRIPT = """(main) => {
  const width = window.innerWidth;
  const problems = [];
  const doc = document.documentElement.scrollWidth;
  if (doc > width) problems.push(`the document is ${doc} px wide`);
  const root = document.querySelector(main);
  if (!root) return problems;
  const clips = (el) => /(hidden|auto|scroll|clip)/.test(getComputedStyle(el).overflowX);
  for (const el of root.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    // Only what shows counts: an ancestor inside the main area that clips its overflow (a
    // table's own scroller) hides whatever sticks out of it.
    let right = box.right;
    for (let up = el.parentElement; up && up !== root; up = up.parentElement) {
      if (clips(up)) right = Math.min(right, up.getBoundingClientRect().right);
    }
    if (right <= width + 1) continue;
    const name = el.getAttribute('data-testid') || el.className || el.tagName;
    problems.push(`${el.tagName.toLowerCase()} ${String(name).slice(0, 50)} ends at `
      + `${Math.round(right)} px`);
    if (problems.length > 10) break;
  }
  return problems;
}"""


def sideways_overflow(page: Page) -> list[str]:
    """The document, and every element that shows past the viewport's right edge."""
    return page.evaluate(_OVERFLOW_SCRIPT, MAIN)


def exceptions(page: Page) -> list[str]:
    """The text of every uncaught-exception box the app shows."""
    return [text[:300] for text in page.locator('[data-testid="stException"]').all_inner_texts()]


def dominant_share(png: bytes) -> float:
    """The share of pixels in the image's most common colour (colours close together merged)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.point(lambda value: value // _COLOUR_STEP * _COLOUR_STEP)
    pixels = image.width * image.height
    colours = image.getcolors(maxcolors=pixels) or [(0, None)]
    return max(count for count, _ in colours) / pixels


# Images, charts, frames and every element's or bordered container's box: each is a place a
# blank "whole screen of nothing" could hide.
BLANK_CANDIDATES = (
    f"{MAIN} img, {MAIN} canvas, {MAIN} iframe, {MAIN} [data-testid='stPlotlyChart'], "
    f"{MAIN} [data-testid='stElementContainer'], {MAIN} [data-testid='stVerticalBlock']"
)


def blank_regions(page: Page) -> list[str]:
    """Images, charts and containers taller than half the viewport that are all one colour.

    Streamlit scrolls inside its main area, so whatever lies below the screen would shoot
    blank: the viewport is made as tall as the content for the measurement, then put back.
    """
    size = page.viewport_size
    content = page.evaluate(f"() => document.querySelector('{MAIN}')?.scrollHeight || 0")
    if content > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(content, _MAX_TALL_PX)})
        wait_layout_steady(page)
    try:
        return _blank_regions(page, size["height"] / 2)
    finally:
        page.set_viewport_size(size)
        wait_layout_steady(page)


def _blank_regions(page: Page, half: float) -> list[str]:
    problems = []
    for element in page.locator(BLANK_CANDIDATES).all():
        box = element.bounding_box()
        if box is None or box["height"] <= half or box["width"] == 0:
            continue
        if not element.is_visible():  # inside a closed expander, say
            continue
        share = dominant_share(element.screenshot(animations="disabled", timeout=10_000))
        if share >= BLANK_SHARE:
            testid = element.get_attribute("data-testid") or element.evaluate("e => e.tagName")
            problems.append(
                f"{testid} {box['width']:.0f}x{box['height']:.0f} at y={box['y']:.0f} is "
                f"{share:.1%} one colour"
            )
    return problems


_GRIDS_SCRIPT = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map((f) => {
  const grid = f.querySelector('table[role="grid"]');
  const stack = f.querySelector('.dvn-stack');
  const scroller = f.querySelector('.dvn-scroller');
  const sizes = stack ? [...stack.children].map((c) => [c.offsetWidth, c.offsetHeight]) : [];
  return {
    rows: grid ? Number(grid.getAttribute('aria-rowcount')) - 1 : 0,
    columns: grid ? Number(grid.getAttribute('aria-colcount')) : 0,
    contentWidth: Math.max(0, ...sizes.map((s) => s[0])),
    contentHeight: Math.max(0, ...sizes.map((s) => s[1])),
    viewWidth: scroller ? scroller.clientWidth : 0,
    headers: grid ? [...grid.querySelectorAll('th')].map((th) => th.innerText.trim()) : [],
    cells: grid ? [...grid.querySelectorAll('tbody tr')].map(
      (tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())) : [],
  };
})"""


def data_grids(page: Page) -> list[dict[str, Any]]:
    """What each `st.dataframe` shows: its size, its rendered headers and cells.

    The grid is a canvas; its accessible table holds only the columns drawn in view, which
    is what a person sees without scrolling the table sideways.
    """
    return page.evaluate(_GRIDS_SCRIPT)


def grid_row_heights(page: Page, minimum: int = MIN_TOUCH_PX) -> list[str]:
    """Every data grid whose rows are shorter than `minimum` px (a row is a tap target)."""
    problems = []
    for index, grid in enumerate(data_grids(page)):
        if grid["rows"] <= 0:
            continue
        row = (grid["contentHeight"] - GRID_HEADER_PX) / grid["rows"]
        if row < minimum:
            problems.append(f"data grid {index}: rows are {row:.0f} px tall")
    return problems


def columns_in_view(grid: dict[str, Any], names: list[str]) -> list[str]:
    """Which of `names` the grid shows whole without scrolling sideways (all when it fits;
    otherwise those drawn with another column drawn after them, so none is cut off)."""
    if grid["contentWidth"] <= grid["viewWidth"]:
        return [name for name in names if name in grid["headers"]]
    drawn = grid["headers"][:-1]
    return [name for name in names if name in drawn]
