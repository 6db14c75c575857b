"""Measuring a page in the real browser: touch targets, sideways scrolling, a steady layout,
drawn charts, and screenshots under the git-ignored artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
MIN_TOUCH_PX = 44
_MAX_SHOT_PX = 8000


def undersized_targets(page: Page, minimum: int = MIN_TOUCH_PX) -> list[str]:
    """Return "label: WxH" for every visible button or pill in the app shorter than `minimum`.

    Streamlit's own chrome (header toolbar, sidebar collapse arrow) is outside the app's
    control and not measured; everything in the page body and the sidebar content is.
    """
    scope = page.locator('[data-testid="stMain"], [data-testid="stSidebarContent"]')
    small = []
    for button in scope.locator(
        "button, [role='radio'], a[data-testid='stPageLink-NavLink']"
    ).all():
        if not button.is_visible():
            continue
        box = button.bounding_box()
        if box is None or box["width"] == 0:
            continue
        if box["height"] < minimum:
            label = (button.inner_text() or button.get_attribute("aria-label") or "?").strip()
            small.append(f"{label[:40]!r}: {box['width']:.0f}x{box['height']:.0f}")
    return small


def horizontal_overflow(page: Page) -> dict[str, float]:
    """Return the widths that show sideways scrolling: the document's and the main area's."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return {
              documentScroll: document.documentElement.scrollWidth,
              viewport: window.innerWidth,
              mainScroll: main ? main.scrollWidth : 0,
              mainClient: main ? main.clientWidth : 0,
            };
        }"""
    )


def no_horizontal_scroll(widths: dict[str, float]) -> bool:
    """True when neither the document nor the main area is wider than what is shown."""
    return (
        widths["documentScroll"] <= widths["viewport"]
        and widths["mainScroll"] <= widths["mainClient"]
    )


def screenshot(page: Page, name: str, *, whole_page: bool = True) -> Path:
    """Save a screenshot under the git-ignored artifacts/screenshots/ and return its path.

    Streamlit scrolls inside its main area, not the document, so a "full page" screenshot would
    stop at the viewport; for the whole page the viewport is made as tall as the content for
    the shot, then put back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    content = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0"
    )
    if whole_page and size and content > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(content, _MAX_SHOT_PX)})
        wait_layout_steady(page)
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
        wait_layout_steady(page)
    else:
        page.screenshot(path=str(path))
    return path


# Resolves once `measure()` gives the same answer for three animation frames in a row.
_STEADY = """
(measure) => new Promise((resolve) => {
  const read = new Function(`return (${measure})`);
  let last = null, same = 0;
  const step = () => {
    const now = JSON.stringify(read());
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) resolve(true); else requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})
"""
_LAYOUT = """(() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = main ? main.getBoundingClientRect() : {width: 0, height: 0};
  return [innerWidth, innerHeight, box.width, box.height, main ? main.scrollHeight : 0];
})()"""


def wait_steady(page: Page, measure: str) -> None:
    """Wait until the JavaScript expression `measure` (a position, a size) stops changing: the
    same value for three animation frames, so the page has finished moving."""
    page.evaluate(_STEADY, measure)


_CHARTS = """[...document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')].map(
  (svg) => {
    const box = svg.getBoundingClientRect();
    return [box.x, box.y, box.width, box.height];
  })"""


def wait_charts_drawn(page: Page) -> None:
    """Wait until every chart has been drawn and plotly has finished laying it out (it does so
    just after the run ends): each chart's drawing keeps its place and size."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
            (chart) => chart.querySelector('.main-svg')?.getBoundingClientRect().width > 0)"""
    )
    wait_steady(page, _CHARTS)


def wait_layout_steady(page: Page) -> None:
    """Wait until the page has laid itself out again (after a resize, a sidebar sliding in, or
    charts drawing): the window and the main area keep their size."""
    wait_steady(page, _LAYOUT)
