"""Plan markers and their raster drawing: markers drawn in their level colours where the
positions say, bigger for more findings, and a tap resolved to the marker under it (or to none)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.models import PlanImage
from datawalk.plan_image import draw_hotspots
from datawalk.plan_markers import hotspot_markers, marker_radii, nearest_marker

COLUMNS = ["location_id", "name", "floor_id", "x", "y", "findings", "level", "nothing_found"]


@pytest.fixture(scope="module")
def levels():
    return list(load_checklist(DEFAULT_CHECKLIST_PATH).scoring.levels)


def _plan(width: int = 1200, height: int = 800) -> PlanImage:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, format="PNG")
    return PlanImage(
        media_type="image/png", width=width, height=height, data=base64.b64encode(out.getvalue())
    )


def _points(levels) -> pd.DataFrame:
    last = len(levels) - 1
    rows = [
        ("office", "Office", "g", 0.2, 0.3, 5, float(last), False),
        ("hall", "Hall", "g", 0.7, 0.3, 1, 0.0, False),
        ("store", "Store", "g", 0.5, 0.75, 0, np.nan, True),
        ("lost", "Not placed", "g", np.nan, np.nan, 2, 1.0, False),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def nearest_location(points, levels, x, y, size):
    return nearest_marker(hotspot_markers(points, levels), x, y, size)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def test_markers_are_filled_with_their_level_colour_at_their_position(levels):
    points = _points(levels)
    image = Image.open(io.BytesIO(draw_hotspots(_plan(), points, levels))).convert("RGB")
    assert image.size == (1200, 800)
    for row in points.dropna(subset=["x"]).itertuples():
        pixel = image.getpixel((round(row.x * image.width), round(row.y * image.height)))
        expected = _hex(levels[int(row.level)].hexcolor) if row.findings else (255, 255, 255)
        assert max(abs(a - b) for a, b in zip(pixel, expected, strict=True)) <= 16, row.name


def test_labels_are_drawn_beside_the_markers(levels):
    blank = _points(levels).iloc[:0]
    empty = np.asarray(Image.open(io.BytesIO(draw_hotspots(_plan(), blank, levels))).convert("L"))
    drawn = np.asarray(
        Image.open(io.BytesIO(draw_hotspots(_plan(), _points(levels), levels))).convert("L")
    )
    below_office = (slice(260, 320), slice(190, 290))  # under the office marker at (240, 240)
    assert (drawn[below_office] < 128).sum() > (empty[below_office] < 128).sum() + 20


def test_more_findings_draw_a_bigger_marker(levels):
    radii = marker_radii(hotspot_markers(_points(levels), levels), (1200, 800))
    assert radii[0] > radii[1] > 0


def test_a_floor_without_a_plan_is_drawn_on_a_blank_canvas(levels):
    image = Image.open(io.BytesIO(draw_hotspots(None, _points(levels), levels)))
    assert image.size[0] > image.size[1] > 0


def test_a_tap_on_a_marker_finds_its_location(levels):
    points = _points(levels)
    size = (1200, 800)
    assert nearest_location(points, levels, 0.2, 0.3, size) == "office"
    assert nearest_location(points, levels, 0.71, 0.31, size) == "hall"
    assert nearest_location(points, levels, 0.5, 0.75, size) == "store"
    # The same taps on the image shown at a smaller size on screen.
    assert nearest_location(points, levels, 0.705, 0.295, (600, 400)) == "hall"


def test_a_tap_far_from_every_marker_finds_none(levels):
    points = _points(levels)
    assert nearest_location(points, levels, 0.45, 0.3, (1200, 800)) is None
    assert nearest_location(points, levels, 0.95, 0.95, (1200, 800)) is None
    assert nearest_location(points.iloc[:0], levels, 0.2, 0.3, (1200, 800)) is None


def test_of_two_markers_in_reach_the_nearer_wins(levels):
    points = _points(levels)
    points.loc[1, ["x", "y"]] = [0.23, 0.3]  # hall moved next to the office
    assert nearest_location(points, levels, 0.225, 0.3, (1200, 800)) == "hall"
    assert nearest_location(points, levels, 0.2, 0.3, (1200, 800)) == "office"
