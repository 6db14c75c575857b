"""The dashboard page in AppTest on the fictional sample walk: charts, tiles, filters that reach
every chart, the side and floor choices, and a write showing up on the next run."""

from __future__ import annotations

import base64
import json
from collections import Counter

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from datawalk.checklist import checklist_from_pin
from datawalk.models import AuditStatus
from datawalk.samples import load_sample
from datawalk.scoring import CLASSIFICATION_NAMES, score_findings, walk_date
from datawalk.store import Store
from datawalk.ui import settings_plans
from datawalk.ui.dashboard_map import (
    FLOOR_KEY,
    NO_PLAN_KEY,
    PLACE_KEY,
    SIDE_KEY,
    VIEW_KEY,
    tapped_location,
)
from datawalk.ui.dashboard_view import FILTER_KEYS


@pytest.fixture
def sample(app_db):
    """The app's database holding the sample walk; yields (store, audit id)."""
    store = Store.open(app_db)
    audit_id = load_sample(store)
    yield store, audit_id
    store.close()


def charts_of(at: AppTest) -> list[dict]:
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def values(array: list | dict) -> list:
    """Plotly 6 sends numeric arrays as base64 typed arrays; decode them for comparison."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def points(spec: dict) -> set[str]:
    return {c[0] for trace in spec["data"] for c in trace.get("customdata") or []}


def map_spec(at: AppTest) -> dict:
    return next(s for s in charts_of(at) if s["layout"].get("images"))


def mouse_view(at: AppTest) -> AppTest:
    """Switch the hotspot map to its plotly view (the default view is the tappable image)."""
    return at.segmented_control(key=VIEW_KEY).set_value("mouse").run()


def test_the_sample_dashboard_draws_at_least_four_charts(open_page, sample):
    store, audit_id = sample
    at = open_page("dashboard", audit=audit_id)
    assert not at.exception
    specs = charts_of(at)
    assert len(specs) >= 4
    assert any(t["type"] == "heatmap" for s in specs for t in s["data"])
    assert any(t["type"] == "bar" for s in specs for t in s["data"])
    assert at.segmented_control(key=VIEW_KEY).value == "touch"
    specs = charts_of(mouse_view(at))
    assert not at.exception
    assert len(specs) >= 4
    audit = store.get_audit(audit_id)
    colours = {level.hexcolor for level in checklist_from_pin(audit.checklist).scoring.levels}
    drawn = {t["marker"]["color"] for s in specs for t in s["data"] if "marker" in t}
    assert drawn & colours
    assert any(s["layout"].get("images") for s in specs), "the hotspot map shows a plan"


def test_tiles_count_what_the_scoring_says(open_page, sample):
    store, audit_id = sample
    audit = store.get_audit(audit_id)
    findings = store.list_findings(audit_id)
    scored = score_findings(findings, checklist_from_pin(audit.checklist), walk_date(audit))
    counts = Counter(score.classification for score in scored)
    at = open_page("dashboard", audit=audit_id)
    assert metric(at, "Findings") == str(len(findings))
    assert metric(at, "Over-exposed") == str(counts["over_exposed"])
    assert metric(at, "Under-available") == str(counts["under_available"])
    assert metric(at, "Both") == str(counts["both"])
    assert metric(at, "Good practice") == str(sum(f.good_practice for f in findings))


def test_scope_and_opinion_are_shown_with_the_charts(open_page, sample):
    store, audit_id = sample
    audit = store.get_audit(audit_id)
    at = open_page("dashboard", audit=audit_id)
    shown = " ".join(c.value for c in at.caption).replace("\\", "")
    assert audit.scope_limitations.split(".")[0] in shown
    assert audit.overall_opinion.split(".")[0] in shown


def test_a_classification_filter_reaches_tiles_and_charts(open_page, sample):
    _, audit_id = sample
    at = open_page("dashboard", audit=audit_id)
    quadrant_before = next(s for s in charts_of(at) if "Privacy level" in json.dumps(s["layout"]))
    both = int(metric(at, "Both"))
    at.pills(key=FILTER_KEYS["classifications"]).set_value(["both"]).run()
    assert not at.exception
    assert metric(at, "Findings") == str(both)
    assert metric(at, "Over-exposed") == "0"
    quadrant = next(s for s in charts_of(at) if "Privacy level" in json.dumps(s["layout"]))
    assert len(points(quadrant)) == both < len(points(quadrant_before))
    bars = next(s for s in charts_of(at) if any(t["type"] == "bar" for t in s["data"]))
    assert {t["name"] for t in bars["data"]} == {CLASSIFICATION_NAMES["both"]}
    assert sum(sum(values(t["x"])) for t in bars["data"]) == both
    table = at.table[-1].value
    assert set(table["Classification"].str.replace("\\", "")) == {CLASSIFICATION_NAMES["both"]}


def test_a_category_filter_narrows_the_heatmap(open_page, sample):
    _, audit_id = sample
    at = open_page("dashboard", audit=audit_id)
    at.multiselect(key=FILTER_KEYS["categories"]).set_value(["anaphylaxis_aai"]).run()
    heat = next(
        t for s in charts_of(at) for t in s["data"] if t["type"] == "heatmap" and t["y"] != [""]
    )
    assert any(x.startswith("Anaphylaxis") for x in heat["x"])
    assert len(heat["y"]) < 20


def test_side_choice_recolours_the_map(open_page, sample):
    _, audit_id = sample
    at = mouse_view(open_page("dashboard", audit=audit_id))
    worst = {t["name"]: points({"data": [t]}) for t in map_spec(at)["data"]}
    at.segmented_control(key=SIDE_KEY).set_value("privacy").run()
    privacy = {t["name"]: points({"data": [t]}) for t in map_spec(at)["data"]}
    assert worst != privacy
    assert set().union(*worst.values()) == set().union(*privacy.values())


def test_floor_choice_shows_the_other_plan(open_page, sample):
    store, audit_id = sample
    floors = sorted(store.get_audit(audit_id).site.floors, key=lambda f: f.order)
    at = mouse_view(open_page("dashboard", audit=audit_id))
    first = points(map_spec(at))
    at.segmented_control(key=FLOOR_KEY).set_value(floors[1].id).run()
    second = points(map_spec(at))
    on_second = {loc.id for loc in store.list_locations(audit_id) if loc.floor_id == floors[1].id}
    assert second and second <= on_second
    assert not first & second
    assert map_spec(at)["layout"]["title"]["text"] == floors[1].name


def test_top_hotspots_list_ten_findings_with_their_action(open_page, sample):
    _, audit_id = sample
    at = open_page("dashboard", audit=audit_id)
    table = at.table[-1].value
    total = int(table["Rank"].iloc[0].split(" of ")[1])
    assert total > 10
    assert list(table["Rank"]) == [f"{n} of {total}" for n in range(1, 11)]
    assert {"Recommendation", "Action"} <= set(table.columns)
    assert table["Recommendation"].str.len().min() > 0


def test_top_hotspots_say_when_fewer_than_ten_need_action(open_page, sample):
    _, audit_id = sample
    at = open_page("dashboard", audit=audit_id)
    at.pills(key=FILTER_KEYS["classifications"]).set_value(["both", "proportionate"]).run()
    assert not at.exception
    both = int(metric(at, "Both"))
    assert 0 < both < 10 and int(metric(at, "Proportionate")) > 0
    table = at.table[-1].value
    # Each keeps its walk-wide rank ("12 of 26"), in order, when a filter shortens the list.
    ranks = [int(label.split(" of ")[0]) for label in table["Rank"]]
    assert len(ranks) == both and ranks == sorted(ranks)
    assert set(table["Classification"].str.replace("\\", "")) == {CLASSIFICATION_NAMES["both"]}
    assert any(f"Only {both} finding(s) shown need action" in c.value for c in at.caption)

    at.pills(key=FILTER_KEYS["classifications"]).set_value(["proportionate"]).run()
    assert not at.table  # nothing needs action, so no hotspot table at all
    assert any("No finding shown needs action" in c.value for c in at.caption)


def test_a_floor_without_a_plan_says_so_and_leads_to_settings(open_page, walk):
    """A new audit has no plans: no blank plan a screen tall, but a sentence and a button
    that opens Settings (plans first) with the audit still in the URL."""
    at = open_page("dashboard", audit=walk.audit.id)
    assert not at.exception
    ground = walk.audit.site.floors[0]
    assert ground.plan is None
    texts = [m.value for m in at.markdown]
    assert any(f"No plan for {ground.name} yet" in text for text in texts), texts
    assert not at.get("plotly_chart") or not any(
        s["layout"].get("images") or "No floor plan" in json.dumps(s) for s in charts_of(at)
    )
    assert not at.get("custom_component"), "no tap map without a plan"
    assert VIEW_KEY not in {c.key for c in at.segmented_control}
    at.button(key=NO_PLAN_KEY).click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Settings"]
    assert at.query_params["audit"] == walk.audit.id
    assert at.header[0].value == settings_plans.TITLE  # the plans come first


def test_a_new_finding_shows_on_the_next_run(open_page, sample):
    store, audit_id = sample
    at = open_page("dashboard", audit=audit_id)
    before = int(metric(at, "Findings"))
    finding = store.list_findings(audit_id)[0]
    copy = finding.model_copy(update={"id": "new-finding-0001", "reference": None, "photos": []})
    store.save_finding(copy, "Test")
    at.run()
    assert int(metric(at, "Findings")) == before + 1


def test_without_an_audit_the_page_points_to_the_audits(open_page, app_db):
    store = Store.open(app_db)
    store.set_audit_status(load_sample(store), AuditStatus.COMPLETE, "test")  # none in progress
    store.close()
    at = open_page("dashboard")
    assert not at.exception
    assert not at.get("plotly_chart")


def test_choosing_a_place_under_the_map_lists_its_findings(open_page, sample):
    store, audit_id = sample
    floor = sorted(store.get_audit(audit_id).site.floors, key=lambda f: f.order)[0]
    findings = store.list_findings(audit_id)
    busiest, count = Counter(
        f.location_id for f in findings if store.get_location(f.location_id).floor_id == floor.id
    ).most_common(1)[0]
    at = open_page("dashboard", audit=audit_id)
    assert len(at.table) == 1
    at.selectbox(key=f"{PLACE_KEY}_{floor.id}").set_value(busiest).run()
    assert not at.exception
    place = at.table[0].value
    references = {f.reference for f in findings if f.location_id == busiest}
    assert len(place) == count
    assert set(place["Ref"].str.replace("\\", "")) == references


def test_a_tapped_marker_is_read_from_the_plotly_selection():
    event = {"selection": {"points": [{"customdata": ["loc-123"], "x": 1, "y": 2}]}}
    assert tapped_location(event) == "loc-123"
    assert tapped_location({"selection": {"points": []}}) is None
    assert tapped_location(None) is None


def test_a_save_redraws_the_floor_plan_image_only_when_what_it_shows_changed(
    open_page, sample, monkeypatch
):
    from datawalk.ui import dashboard_map

    drawn: list[bytes] = []
    draw = dashboard_map.draw_hotspots

    def counted(*args, **kwargs) -> bytes:
        drawn.append(draw(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(dashboard_map, "draw_hotspots", counted)
    store, audit_id = sample
    shown = sorted(store.get_audit(audit_id).site.floors, key=lambda f: f.order)[0]
    at = open_page("dashboard", audit=audit_id)
    assert len(drawn) == 1
    findings = store.list_findings(audit_id)
    here = {f.location_id: store.get_location(f.location_id).floor_id for f in findings}
    elsewhere = next(f for f in findings if here[f.location_id] != shown.id)
    on_shown = next(f for f in findings if here[f.location_id] == shown.id)
    for number, finding in enumerate((elsewhere, on_shown)):
        copy = finding.model_copy(update={"id": f"new-{number}", "reference": None, "photos": []})
        store.save_finding(copy, "Test")
        at.run()
        assert not at.exception
    assert len(drawn) == 2  # the save on another floor drew nothing; the one here, the new count
    assert drawn[1] != drawn[0]
