"""Accessibility, measured with axe-core on every page of the sample audit at both iPad sizes.

The walk page is also checked with a photo being reviewed, a state no saved audit shows.
The goal is no serious or critical violation caused by DataWalk's own content or theme (colour
contrast comes from `.streamlit/config.toml`, image alternatives and dialog names from the
pages). A violation that comes from Streamlit's own markup, and that DataWalk cannot change, is
excluded by rule id and selector in `STREAMLIT_EXCLUSIONS` below, the one place they are listed,
with the reason; README.md ("Accessibility") lists the same ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from measure import wait_charts_drawn
from playwright.sync_api import Page
from rig import AppCrashed, AppServer, Tablet, Taps, open_app, wait_idle
from walk_steps import make_jpeg, upload_photo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ("audits", "walk", "findings", "dashboard", "actions", "export", "settings", "trail")
BLOCKING_IMPACTS = ("serious", "critical")


class Exclusion(NamedTuple):
    """One axe rule on one kind of Streamlit element that DataWalk cannot fix."""

    rule: str
    selector: str
    reason: str


STREAMLIT_EXCLUSIONS: tuple[Exclusion, ...] = ()
PINNED_EXCLUSIONS = 0


def _excluded(page: Page, rule: str, target: list[Any]) -> bool:
    """True when an excluded Streamlit element holds the node axe flagged for `rule`."""
    selectors = [e.selector for e in STREAMLIT_EXCLUSIONS if e.rule == rule]
    if not selectors or len(target) != 1 or not isinstance(target[0], str):
        return False
    return bool(
        page.evaluate(
            """([target, selectors]) => {
                const node = document.querySelector(target);
                return !!node && selectors.some((s) => node.closest(s));
            }""",
            [target[0], selectors],
        )
    )


def blocking_violations(page: Page, axe: Axe) -> list[str]:
    """Serious and critical axe violations on the page as it is now, exclusions left out."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            if _excluded(page, violation["id"], node["target"]):
                continue
            summary = " ".join(node.get("failureSummary", "").split())[:240]
            found.append(f"{violation['id']} ({violation['impact']}) {node['target']}: {summary}")
    return found


def _settle(page: Page) -> None:
    """Wait for the run to end and for charts to be drawn, so axe sees the final page."""
    wait_idle(page)
    wait_charts_drawn(page)


def test_every_sample_page_has_no_serious_violation(
    ipad: Tablet, app_server: AppServer, sample_id: str
) -> None:
    page = ipad.page
    axe = Axe()
    problems = []
    for url_path in PAGES:
        try:
            open_app(page, f"{app_server.url}/{url_path}?audit={sample_id}")
            _settle(page)
        except AppCrashed as crash:
            problems.append(f"{url_path}: {crash}")
            continue
        problems += [f"{url_path}: {problem}" for problem in blocking_violations(page, axe)]
    assert problems == [], "\n".join(problems)
    assert ipad.dialogs == []


def test_a_photo_being_checked_on_the_walk_has_no_serious_violation(
    ipad: Tablet, app_server: AppServer, sample_id: str, tmp_path: Path
) -> None:
    """The walk page in the state only a new photo brings: its redaction preview and review."""
    page = ipad.page
    tap = Taps(page)
    # A place of its own per screen size: the draft, photo included, outlives the test.
    [(location_id,)] = app_server.query(
        "SELECT id FROM locations WHERE audit_id = ? ORDER BY name LIMIT 1 OFFSET ?",
        sample_id,
        int(ipad.height > ipad.width),
    )
    open_app(page, f"{app_server.url}/walk?audit={sample_id}&location={location_id}")
    upload_photo(tap, page, make_jpeg(tmp_path / f"noticeboard-{ipad.name}.jpg"))
    _settle(page)
    assert blocking_violations(page, Axe()) == []


def test_streamlit_exclusions_do_not_grow() -> None:
    """Each exclusion needs a reason; adding one means changing the pinned count on purpose."""
    assert len(STREAMLIT_EXCLUSIONS) == PINNED_EXCLUSIONS
    assert all(exclusion.reason.strip() for exclusion in STREAMLIT_EXCLUSIONS)
