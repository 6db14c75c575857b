"""The settings page in AppTest: floor-plan upload, refusal and removal per floor, and the
scoring model drawn from the audit's pinned checklist."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, checklist_from_pin, load_checklist
from datawalk.models import AuditStatus
from datawalk.samples import load_sample
from datawalk.store import Store


def png(width: int = 640, height: int = 400) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (240, 240, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def uploader_key(at: AppTest, floor_id: str) -> str:
    return next(u.key for u in at.file_uploader if u.key.startswith(f"plan_upload_{floor_id}_"))


def values(array: list | dict) -> np.ndarray:
    """Plotly 6 sends numeric arrays as base64 typed arrays (with a shape); decode them."""
    if isinstance(array, dict):
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = [int(n) for n in str(array.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.array(array)


def grids(at: AppTest) -> list[list[list[int]]]:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    found = []
    for spec in specs:
        trace = spec["data"][0]
        if trace["type"] == "heatmap" and "z" in trace:
            z = values(trace["z"])
            if z.shape[0] > 1:
                found.append(z.astype(int).tolist())
    return found


@pytest.fixture
def floor(walk):
    return walk.audit.site.floors[0]


def test_uploading_a_plan_stores_it_for_that_floor(open_page, walk, floor):
    at = open_page("settings", audit=walk.audit.id)
    at.file_uploader(key=uploader_key(at, floor.id)).set_value(
        [("ground.png", png(), "image/png")]
    ).run()
    assert not at.exception
    plan = walk.store.get_audit(walk.audit.id).floor(floor.id).plan
    assert plan is not None and (plan.width, plan.height) == (640, 400)
    assert any("Saved the plan" in s.value for s in at.success)
    other = walk.store.get_audit(walk.audit.id).site.floors[1]
    assert other.plan is None


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_stored(open_page, walk, floor):
    at = open_page("settings", audit=walk.audit.id)
    at.file_uploader(key=uploader_key(at, floor.id)).set_value(
        [("plan.png", b"<script>alert(1)</script>", "image/png")]
    ).run()
    assert not at.exception
    assert any("PNG or JPEG" in e.value for e in at.error)
    assert walk.store.get_audit(walk.audit.id).floor(floor.id).plan is None


def test_a_plan_can_be_removed_and_the_pins_stay(open_page, walk, floor):
    from datawalk.floorplan import plan_from_upload
    from datawalk.models import Position

    walk.store.set_floor_plan(walk.audit.id, floor.id, plan_from_upload(png()), "Test")
    walk.store.set_location_position(walk.location.id, Position(x=0.3, y=0.6), "Test")
    at = open_page("settings", audit=walk.audit.id)
    at.button(key=f"plan_remove_{floor.id}").click().run()
    assert not at.exception
    assert walk.store.get_audit(walk.audit.id).floor(floor.id).plan is None
    assert walk.store.get_location(walk.location.id).position == Position(x=0.3, y=0.6)


def test_scoring_model_draws_both_grids_of_the_pinned_checklist(open_page, walk):
    at = open_page("settings", audit=walk.audit.id)
    scoring = checklist_from_pin(walk.store.get_audit(walk.audit.id).checklist).scoring
    assert grids(at) == [scoring.privacy_grid, scoring.safeguarding_grid]
    headers = [h.value for h in at.header]
    assert "Floor plans" in headers and "Scoring model" in headers
    weights = {"Audience", "Exposure weight (sees without need)", "Need weight (cannot reach)"}
    assert any(weights <= set(frame.value.columns) for frame in at.dataframe)


def test_without_an_audit_the_bundled_scoring_model_is_shown(open_page, app_db):
    store = Store.open(app_db)
    store.set_audit_status(load_sample(store), AuditStatus.COMPLETE, "test")  # none in progress
    store.close()
    at = open_page("settings")
    assert not at.exception
    bundled = load_checklist(DEFAULT_CHECKLIST_PATH).scoring
    assert grids(at) == [bundled.privacy_grid, bundled.safeguarding_grid]
    assert any("Open an audit" in i.value for i in at.info)
