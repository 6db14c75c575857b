"""The dashboard and the plan picker in a real browser (issue 7).

The sample walk's dashboard at iPad sizes (1024×768 is the one the issue names) and on a
1920×1080 projector: the hotspot map with its plan and every chart drawn, nothing wider than
the screen, screenshots kept. Tapping a marker on the touch map, or clicking one on the
interactive map, lists that place's findings. On the walk page,
tapping the plan stores the location's position, which is still there after a reload, and
tapping it again moves the location.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from measure import (
    horizontal_overflow,
    no_horizontal_scroll,
    screenshot,
    wait_charts_drawn,
    wait_steady,
)
from playwright.sync_api import Browser, Page
from rig import AppServer, Tablet, Taps, choice, expect_run, open_app

from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.samples import sample_audit_id
from datawalk.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHART = '[data-testid="stPlotlyChart"]'
PLAN_PICKER = 'iframe[title="streamlit_image_coordinates.streamlit_image_coordinates"]'
MIN_CHARTS = 4


@pytest.fixture
def projector(browser: Browser) -> Iterator[Page]:
    """A page at 1920×1080, as on a meeting-room projector."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def _open_dashboard(page: Page, server: AppServer, audit_id: str) -> None:
    """Open the dashboard and wait until every chart has been drawn at its final width."""
    open_app(page, f"{server.url}/dashboard?audit={audit_id}")
    page.locator(f"{CHART} .main-svg").nth(MIN_CHARTS - 1).wait_for()
    wait_charts_drawn(page)


def _charts_fit(page: Page) -> list[str]:
    """Return a description of every chart wider than the page or hanging off its right edge."""
    width = page.viewport_size["width"]
    problems = []
    for index, chart in enumerate(page.locator(CHART).all()):
        box = chart.bounding_box()
        if box and (box["x"] < 0 or box["x"] + box["width"] > width):
            problems.append(f"chart {index}: {box}")
    return problems


def _tap_map(page: Page):
    """The touch view's plan image, inside the tap-position widget's iframe."""
    image = page.frame_locator(PLAN_PICKER).locator("#image")
    image.wait_for()
    return image


def _interactive_map(page: Page) -> None:
    """Switch the hotspot map to its plotly view and wait until it is drawn."""
    with expect_run(page, "switching the map to its plotly view"):
        choice(page, "Map", "Interactive (mouse)").click()
    page.locator(f"{CHART} .imagelayer image").first.wait_for()
    wait_charts_drawn(page)


def _check_dashboard(page: Page, name: str) -> None:
    charts = page.locator(CHART)
    assert charts.count() >= MIN_CHARTS
    box = _tap_map(page).bounding_box()
    assert box and box["width"] > 300, "the touch map shows the plan"
    _interactive_map(page)
    hotspot_map = charts.first
    assert hotspot_map.locator(".imagelayer image").count() == 1, "the plan is drawn"
    assert hotspot_map.locator(".scatterlayer .points path").count() > 0, "markers are drawn"
    assert hotspot_map.get_by_text("Very high", exact=False).count() > 0, "levels as text"
    assert page.locator(f"{CHART} g.hm").count() >= 1, "the heatmap is drawn"
    widths = horizontal_overflow(page)
    assert no_horizontal_scroll(widths), widths
    assert _charts_fit(page) == []
    path = screenshot(page, name)
    assert path.stat().st_size > 10_000


def test_dashboard_shows_the_map_and_charts_within_the_screen(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    _open_dashboard(ipad.page, app_server, sample_id)
    _check_dashboard(ipad.page, f"dashboard-{ipad.name}")
    assert ipad.dialogs == []


def test_dashboard_on_a_projector(projector: Page, app_server: AppServer, sample_id: str) -> None:
    _open_dashboard(projector, app_server, sample_id)
    _check_dashboard(projector, "dashboard-projector-1920")


def _tables(page: Page) -> int:
    return page.locator('[data-testid="stTable"]').count()


def test_selecting_a_marker_lists_that_places_findings(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    """A click (mouse, pen, trackpad) on a marker selects it through plotly's point selection.

    A touch tap does not: with the dragmode Streamlit 1.67 forces, plotly selects the point
    hovered before the tap. Touch users tap the touch map (tested next) or use the list.
    """
    page = ipad.page
    _open_dashboard(page, app_server, sample_id)
    _interactive_map(page)
    marker = page.locator(CHART).first.locator(".scatterlayer .trace .points path").first
    marker.scroll_into_view_if_needed()
    assert _tables(page) == 1  # only the top hotspots
    with expect_run(page, "clicking a marker on the interactive map"):
        marker.click(force=True)
    page.locator('[data-testid="stTable"]').nth(1).wait_for()
    chosen = page.get_by_role("combobox", name="Findings at").first.input_value()
    assert "finding(s)" in chosen
    assert "Recommendation" in page.locator('[data-testid="stTable"]').first.inner_text()
    screenshot(page, f"dashboard-{ipad.name}-marker", whole_page=False)


def _two_places(server: AppServer, audit_id: str) -> list[tuple[float, float, str, set[str]]]:
    """Two placed locations with findings on the first floor, each well clear of the others:
    (x, y, name, finding references)."""
    store = Store.open(server.database_url)
    try:
        audit = store.get_audit(audit_id)
        floor = min(audit.site.floors, key=lambda f: f.order)
        placed = [
            loc
            for loc in store.list_locations(audit_id)
            if loc.floor_id == floor.id and loc.position
        ]
        refs = {
            loc.id: {f.reference for f in store.list_findings(audit_id, loc.id)} for loc in placed
        }
    finally:
        store.close()

    def clearance(loc) -> float:
        return min(
            ((loc.position.x - o.position.x) ** 2 + (loc.position.y - o.position.y) ** 2) ** 0.5
            for o in placed
            if o.id != loc.id
        )

    chosen = sorted((loc for loc in placed if refs[loc.id]), key=clearance, reverse=True)[:2]
    assert len(chosen) == 2 and all(clearance(loc) > 0.06 for loc in chosen)
    return [(loc.position.x, loc.position.y, loc.name, refs[loc.id]) for loc in chosen]


def test_tapping_a_marker_on_the_touch_map_lists_that_places_findings(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    page = ipad.page
    places = _two_places(app_server, sample_id)
    _open_dashboard(page, app_server, sample_id)
    image = _tap_map(page)
    chooser = page.get_by_role("combobox", name="Findings at").first
    for x, y, name, references in places:
        image.scroll_into_view_if_needed()
        box = image.bounding_box()
        assert box
        with expect_run(page, f"tap on {name} on the touch map"):
            image.tap(position={"x": box["width"] * x, "y": box["height"] * y})
        page.wait_for_function(
            "name => [...document.querySelectorAll('input[role=combobox]')]"
            ".some(i => i.value.startsWith(name))",
            arg=name,
        )
        assert chooser.input_value().startswith(name)
        listed = page.locator('[data-testid="stTable"]').first.inner_text()
        assert all(reference in listed for reference in references), (name, listed)
        others = set().union(*(r for *_, r in places)) - references
        assert not any(reference in listed for reference in others), (name, listed)
    screenshot(page, f"dashboard-{ipad.name}-tapped", whole_page=False)


def test_choosing_a_place_by_touch_lists_its_findings(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    page = ipad.page
    _open_dashboard(page, app_server, sample_id)
    chooser = page.get_by_role("combobox", name="Findings at").first
    chooser.scroll_into_view_if_needed()
    chooser.tap()
    option = page.get_by_role("option").filter(has_text="finding(s)").first
    with expect_run(page, "choosing a place"):
        option.tap()
    assert _tables(page) == 2
    assert "Recommendation" in page.locator('[data-testid="stTable"]').first.inner_text()


def _unplaced_location(server: AppServer, audit_id: str) -> tuple[str, str]:
    """Take the pin off one sample location that sits on a floor with a plan."""
    store = Store.open(server.database_url)
    try:
        audit = store.get_audit(audit_id)
        with_plans = {floor.id for floor in audit.site.floors if floor.plan is not None}
        location = next(loc for loc in store.list_locations(audit_id) if loc.floor_id in with_plans)
        store.set_location_position(location.id, None, "Browser test")
        return location.id, location.name
    finally:
        store.close()


_PLAN_FRAME_BOX = f"""(() => {{
  const frame = document.querySelector({PLAN_PICKER!r});
  const box = frame ? frame.getBoundingClientRect() : null;
  return box ? [box.x, box.y, box.width, box.height] : null;
}})()"""


# Inside the plan's own frame: the picture has loaded and kept its size for three frames.
_IMAGE_STEADY = """(image) => new Promise((resolve) => {
  let last = null, same = 0;
  const step = () => {
    const box = image.getBoundingClientRect();
    const now = image.complete && image.naturalWidth > 0 ? `${box.width}x${box.height}` : null;
    same = now !== null && now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) resolve(true); else requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


def _stored_position(server: AppServer, location_id: str):
    store = Store.open(server.database_url)
    try:
        return store.get_location(location_id).position
    finally:
        store.close()


def test_tapping_the_plan_on_the_walk_page_places_the_location(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    assert sample_id == sample_audit_id()
    page = ipad.page
    location_id, name = _unplaced_location(app_server, sample_id)
    open_app(page, f"{app_server.url}/walk?audit={sample_id}&location={location_id}")
    assert page.get_by_text("On the floor plan: not placed yet").count() == 1
    assert name in page.get_by_text(re.compile(r"^Not placed yet \(")).first.inner_text()
    plan = page.frame_locator(PLAN_PICKER).locator("#image")
    plan.wait_for()
    plan.scroll_into_view_if_needed()
    box = plan.bounding_box()
    assert box and box["width"] > 300
    with expect_run(page, "tap on the walk page's plan"):
        plan.tap(position={"x": box["width"] * 0.3, "y": box["height"] * 0.6})

    position = _stored_position(app_server, location_id)
    assert position is not None
    assert position.x == pytest.approx(0.3, abs=0.02)
    assert position.y == pytest.approx(0.6, abs=0.02)

    with expect_run(page, "reloading the walk page"):
        page.reload()
    assert page.get_by_text("On the floor plan: placed").count() == 1
    page.get_by_text("On the floor plan: placed").click()
    page.get_by_text("Placed 30% across and 60% down the plan.").wait_for()
    assert _stored_position(app_server, location_id) == position
    screenshot(page, f"walk-{ipad.name}-plan-placed", whole_page=False)

    # A placed location can be moved: tapping elsewhere on the plan replaces its position.
    plan.scroll_into_view_if_needed()
    # The expander has just opened: its plan keeps growing for a few frames.
    wait_steady(page, _PLAN_FRAME_BOX)
    plan.evaluate(_IMAGE_STEADY)
    box = plan.bounding_box()
    assert box
    with expect_run(page, "tap elsewhere on the walk page's plan"):
        plan.tap(position={"x": box["width"] * 0.7, "y": box["height"] * 0.25})
    moved = _stored_position(app_server, location_id)
    assert moved is not None
    assert moved.x == pytest.approx(0.7, abs=0.02)
    assert moved.y == pytest.approx(0.25, abs=0.02)


def _audit_without_plans(server: AppServer) -> str:
    """A new audit, as a consultant creates it before uploading any plan."""
    store = Store.open(server.database_url)
    try:
        setup = AuditSetup(
            school_name="Larkspur Primary (fictional)",
            phase="primary",
            site_name="Main site",
            floor_names=("Ground floor", "First floor"),
            walk_date=date.today(),
            walk_time=None,
            auditor="Browser test",
        )
        checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
        return store.create_audit(build_audit(setup, checklist, date.today()), "Browser test").id
    finally:
        store.close()


def test_a_floor_without_a_plan_says_so_and_a_tap_opens_settings(
    ipad: Tablet, app_server: AppServer
) -> None:
    """No blank plan a screen tall: a sentence and a button to Settings, audit kept."""
    page = ipad.page
    audit_id = _audit_without_plans(app_server)
    open_app(page, f"{app_server.url}/dashboard?audit={audit_id}")
    page.get_by_text("No plan for Ground floor yet.").wait_for()
    assert page.locator(PLAN_PICKER).count() == 0
    assert page.locator(f"{CHART} .imagelayer image").count() == 0
    Taps(page)(page.get_by_role("button", name="Add a plan in Settings"))
    page.wait_for_url(re.compile(rf"/settings\?audit={re.escape(audit_id)}$"))
    page.get_by_role("heading", name="Floor plans").first.wait_for()
