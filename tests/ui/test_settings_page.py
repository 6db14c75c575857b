"""The settings page in AppTest: floor-plan upload, refusal and removal per floor, and the
scoring model drawn from the audit's pinned checklist."""

from __future__ import annotations

import base64
import io
import json
from datetime import date

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, checklist_from_pin, load_checklist
from datawalk.models import AuditStatus
from datawalk.samples import load_sample
from datawalk.store import Store
from datawalk.vocabulary import Level


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


def _level_table(at: AppTest):
    return next(f.value for f in at.dataframe if {"Level", "Colour"} <= set(f.value.columns))


def test_levels_are_listed_with_their_colours_one_name_each(open_page, walk, checklist):
    """The colour column is the checklist's name for each swatch (no RAG band calling a blue
    swatch green), and the audit is told it keeps its pinned colours until rescored."""
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    table = _level_table(at)
    levels = checklist.scoring.levels
    assert "RAG" not in table.columns
    assert table["Level"].tolist() == [lv.name for lv in levels]
    assert table["Colour"].tolist() == [lv.colour for lv in levels]
    assert len(set(table["Colour"])) == len(levels)
    assert any("until it is rescored" in c.value for c in at.caption)


def _old_colours(checklist):
    """The checklist as version 2 pinned it: RAG bands and the saturated blue lowest level."""
    old = [
        ("#2C7BB6", "green"),
        ("#ABD9E9", "green"),
        ("#FFFFBF", "amber"),
        ("#FDAE61", "red"),
        ("#D7191C", "red"),
    ]
    levels = [
        Level(id=lv.id, name=lv.name, description=lv.description, hexcolor=hexcolor, rag=rag)
        for lv, (hexcolor, rag) in zip(checklist.scoring.levels, old, strict=True)
    ]
    scoring = checklist.scoring.model_copy(update={"levels": levels})
    return checklist.model_copy(update={"version": checklist.version - 1, "scoring": scoring})


def test_an_old_audit_keeps_its_pinned_colours_until_rescored(open_page, app_db, checklist):
    old = _old_colours(checklist)
    store = Store.open(app_db)
    setup = AuditSetup(
        school_name="Foxglove Infants (fictional)",
        phase="primary",
        site_name="Main site",
        floor_names=("Ground floor",),
        walk_date=date.today(),
        walk_time=None,
        auditor="A. Consultant",
    )
    audit = store.create_audit(build_audit(setup, old, date.today()), "A. Consultant")
    store.close()
    at = open_page("settings", audit=audit.id)
    assert not at.exception
    assert _level_table(at)["Colour"].tolist() == [lv.rag for lv in old.scoring.levels]
    note = next(c.value for c in at.caption if "until it is rescored" in c.value)
    note = note.replace("\\", "")  # captions are escaped Markdown
    assert f"version {old.version}" in note
    assert f"Version {checklist.version} has other level colours" in note
    assert "Very low: grey" in note
