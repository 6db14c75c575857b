"""One marker per place, whatever shows the plan: the dashboard's plotly map, its tappable image
and the workbook's plan put each marker at the same spot, in the same colour, at the same size."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import openpyxl
import pytest
from PIL import Image, ImageColor

from datawalk import charts
from datawalk import dashboard as core
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist, pin_checklist
from datawalk.plan_image import draw_hotspots
from datawalk.plan_markers import PAPER, screen_scale
from datawalk.samples import sample_document
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import LOCATIONS

TODAY = date(2025, 6, 1)
COLOUR_TOLERANCE = 24  # per channel: JPEG and resampling shift colours a little


@pytest.fixture(scope="module")
def checklist():
    return load_checklist(DEFAULT_CHECKLIST_PATH)


@pytest.fixture(scope="module")
def document(checklist):
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return sample.model_copy(update={"audit": audit})


@pytest.fixture(scope="module")
def floor(document):
    return next(f for f in sorted(document.audit.site.floors, key=lambda f: f.order) if f.plan)


@pytest.fixture(scope="module")
def expected(document, checklist, floor):
    """What the plotly map draws, per location id: (x, y) normalised, diameter, colour, hollow."""
    frame = core.dashboard_frame(
        document.audit, document.findings, document.locations, document.actions, checklist, TODAY
    )
    points = core.location_points(frame, document.locations, "worst")
    points = points[points["floor_id"] == floor.id]
    levels = list(checklist.scoring.levels)
    figure = charts.build_hotspot_map(points, levels, floor.plan)
    drawn = {}
    for trace in figure.data:
        hollow = trace.marker.symbol.endswith("-open")
        for custom, x, y, size in zip(
            trace.customdata, trace.x, trace.y, trace.marker.size, strict=True
        ):
            drawn[custom[0]] = (
                x / floor.plan.width,
                y / floor.plan.height,
                size,
                PAPER if hollow else trace.marker.color,
            )
    assert len(drawn) == len(points.dropna(subset=["x"])) > 3
    return drawn, points, levels


def _near(pixel, colour: str) -> bool:
    target = ImageColor.getrgb(colour)
    return max(abs(int(a) - b) for a, b in zip(pixel, target, strict=False)) <= COLOUR_TOLERANCE


def _check_markers(image: Image.Image, drawn: dict) -> None:
    """Every marker's fill is its colour just inside its edge, and its edge is where its
    diameter says (measured straight up from the centre, clear of labels and map numbers)."""
    pixels = np.asarray(image.convert("RGB"))
    scale = screen_scale(image.size)
    for location_id, (x, y, size, colour) in drawn.items():
        cx, cy = round(x * image.width), round(y * image.height)
        radius = size / 2 * scale
        inside = pixels[cy - round(0.7 * radius), cx]
        assert _near(inside, colour), (location_id, inside, colour)
        step = round(0.7 * radius)
        while step < 2 * radius and _near(pixels[cy - step, cx], colour):
            step += 1
        assert abs(step - radius) <= max(3, 0.15 * radius), (location_id, step, radius)


def test_the_tappable_image_draws_the_plotly_maps_markers(expected, floor):
    drawn, points, levels = expected
    image = Image.open(io.BytesIO(draw_hotspots(floor.plan, points, levels)))
    _check_markers(image, drawn)


def test_the_workbook_plan_draws_the_plotly_maps_markers(expected, document, floor):
    drawn, _, _ = expected
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(document, today=TODAY)))
    first = book[LOCATIONS]._images[0]  # plans are inserted in floor order
    image = Image.open(io.BytesIO(first._data()))
    assert image.width / image.height == pytest.approx(floor.plan.width / floor.plan.height, 0.01)
    _check_markers(image, drawn)
