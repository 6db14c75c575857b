"""A re-walk in a real browser at 1024×768: last walk's findings at one location, each marked
with at most two taps (issue 17), with nothing wider than the screen and every button large
enough to tap."""

from __future__ import annotations

import pytest
from measure import horizontal_overflow, no_horizontal_scroll
from rig import AppServer, Tablet, Taps, open_app

from datawalk.models import AuditStatus, RewalkState
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import start_rewalk
from datawalk.store import Store
from datawalk.ui.capture import SAVE_KEY

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACTOR = Actor("A. Consultant")
# What the consultant finds at each of last walk's findings here, in order.
PLAN = [RewalkState.STILL, RewalkState.RESOLVED, RewalkState.CHANGED]


def _rewalk(server: AppServer, sample_id: str) -> tuple[str, str, list[str]]:
    """Complete the sample and start its next walk; return it, the busiest place and its items."""
    store = Store.open(server.database_url)
    try:
        workspace = Workspace(store)
        set_status(workspace, ACTOR, sample_id, AuditStatus.COMPLETE)
        audit = start_rewalk(workspace, ACTOR, sample_id, [])
        items = store.rewalk_record(audit.id).items
        place = max({i.location_id for i in items}, key=[i.location_id for i in items].count)
        return audit.id, place, [i.id for i in items if i.location_id == place]
    finally:
        store.close()


@pytest.fixture(scope="module")
def rewalked(app_server: AppServer, sample_id: str) -> tuple[str, str, list[str]]:
    return _rewalk(app_server, sample_id)


@pytest.mark.parametrize("ipad", ["landscape"], indirect=True)
def test_one_location_is_rewalked_in_at_most_two_taps_per_finding(
    ipad: Tablet, app_server: AppServer, rewalked: tuple[str, str, list[str]]
) -> None:
    audit_id, place, item_ids = rewalked
    page = ipad.page
    open_app(page, f"{app_server.url}/walk?audit={audit_id}&location={place}")
    page.locator(".st-key-last_walk").wait_for()
    assert no_horizontal_scroll(horizontal_overflow(page))
    tap = Taps(page)

    for item_id, found in zip(item_ids, PLAN, strict=False):
        tap(page.locator(f".st-key-rw_{found.value}_{item_id} button"))
        if found is RewalkState.CHANGED:  # opens the capture pre-filled: saved only by Save
            tap(page.locator(f".st-key-{SAVE_KEY} button"))

    assert tap.count <= 2 * len(item_ids)
    rows = dict(app_server.query("SELECT id, state FROM rewalk_items WHERE location_id = ?", place))
    marked = [RewalkState(rows[i]) for i in item_ids[: len(PLAN)]]
    assert marked == PLAN[: len(item_ids)]
    copies = app_server.query(
        "SELECT count(*) FROM findings WHERE audit_id = ? AND location_id = ?", audit_id, place
    )
    assert copies[0][0] == sum(s in (RewalkState.STILL, RewalkState.CHANGED) for s in marked)
    box = page.locator(f".st-key-rw_still_{item_ids[0]} button").bounding_box()
    assert box is not None and box["height"] >= 44
    assert no_horizontal_scroll(horizontal_overflow(page))


@pytest.mark.parametrize("ipad", ["landscape"], indirect=True)
def test_the_dashboard_shows_since_last_walk_without_scrolling_sideways(
    ipad: Tablet, app_server: AppServer, rewalked: tuple[str, str, list[str]]
) -> None:
    page = ipad.page
    open_app(page, f"{app_server.url}/dashboard?audit={rewalked[0]}")
    page.locator(".st-key-since_totals").wait_for()
    page.get_by_text("Since last walk", exact=True).wait_for()
    assert no_horizontal_scroll(horizontal_overflow(page))
