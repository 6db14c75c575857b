"""The one raster renderer of plan markers (Pillow): the dashboard's tappable map, the walk
page's pins and the workbook's plans all draw `plan_markers.PlanMarker`s here, so sizes, colours
and labels match the plotly map.

The dashboard's touch view needs an image because touch taps inside a plotly chart select the
point hovered before the tap (Streamlit forces plotly's "pan" dragmode whenever a chart reports
selections): the page shows `draw_hotspots` in the tap-position widget and asks
`plan_markers.nearest_marker` which marker was tapped. Names are drawn as pixels, never
interpreted as markup. No streamlit: the pages cache the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from datawalk.colours import text_colour
from datawalk.models import Location, PlanImage
from datawalk.plan_markers import (
    NAME_CHARS,
    PlanMarker,
    hotspot_markers,
    pin_markers,
    screen_scale,
)
from datawalk.vocabulary import Level

DISPLAY_LONG_SIDE = 1400  # detailed enough to read room names, small enough to send quickly
BLANK_CANVAS = (1200, 800)  # drawn when a floor has no plan, so its places can still be tapped
JPEG_QUALITY = 85
LABEL_PX = 13  # label text height in screen pixels
NUMBER_PX = 14  # the largest map number inside a marker
LABEL_INK = "#111111"


def open_plan(data: bytes, long_side: int | None = None) -> Image.Image:
    """Return a stored plan as RGB, shrunk to `long_side` pixels when given (never enlarged)."""
    with Image.open(io.BytesIO(data)) as source:
        image = source.convert("RGB")
    if long_side:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return image


def draw_markers(image: Image.Image, markers: Sequence[PlanMarker], labels: bool = True) -> None:
    """Draw `markers` on `image` in place: busier places first, so small markers stay on top.

    With `labels`, each marker's name and status are printed under it; a marker's map number,
    if it has one, is printed inside it.
    """
    draw = ImageDraw.Draw(image)
    scale = screen_scale(image.size)
    font = _font(max(12, round(LABEL_PX * scale)))
    for marker in sorted(markers, key=lambda m: -m.findings):
        x, y = marker.x * image.width, marker.y * image.height
        radius = marker.size / 2 * scale
        _shape(draw, marker, x, y, radius, max(2, round(marker.outline_width * scale)))
        if marker.number is not None:
            number_font = _font(max(9, min(round(NUMBER_PX * scale), round(radius * 1.2))))
            ink = text_colour(marker.fill)
            draw.text((x, y), str(marker.number), fill=ink, font=number_font, anchor="mm")
        if labels:
            text = marker.name[:NAME_CHARS] + (f"\n{marker.status}" if marker.status else "")
            draw.multiline_text(
                (x, y + radius + 2 * scale),
                text,
                fill=LABEL_INK,
                font=font,
                anchor="ma",
                align="center",
                stroke_width=max(2, round(3 * scale)),
                stroke_fill=(255, 255, 255),
            )


def _shape(
    draw: ImageDraw.ImageDraw, marker: PlanMarker, x: float, y: float, r: float, width: int
) -> None:
    if marker.symbol == "diamond":
        corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        draw.polygon(corners, fill=marker.fill, outline=marker.outline, width=width)
    else:
        box = (x - r, y - r, x + r, y + r)
        draw.ellipse(box, fill=marker.fill, outline=marker.outline, width=width)


def draw_hotspots(plan: PlanImage | None, points: pd.DataFrame, levels: Sequence[Level]) -> bytes:
    """Return one floor's plan as JPEG with a marker, name and level at each placed location.

    `points` are `dashboard.location_points` rows of one floor; rows without a position are
    skipped. A floor without a plan is drawn on a blank canvas, so its places can be tapped.
    """
    if plan is None:
        image = Image.new("RGB", BLANK_CANVAS, (250, 250, 250))
    else:
        image = open_plan(plan.data, DISPLAY_LONG_SIDE)
    draw_markers(image, hotspot_markers(points, levels))
    return encode(image, "jpeg", JPEG_QUALITY)


def draw_pins(
    plan: PlanImage, locations: Iterable[Location], current_id: str | None = None
) -> Image.Image:
    """Return the plan with a pin and the name at each placed location (the walk page's
    tap-to-place view); the current location's pin is the larger, vermillion one."""
    image = open_plan(plan.data)
    draw_markers(image, pin_markers(locations, current_id))
    return image


def encode(image: Image.Image, kind: str, quality: int = JPEG_QUALITY) -> bytes:
    """Return `image` as JPEG (crisp colours: no chroma subsampling) or PNG bytes."""
    out = io.BytesIO()
    if kind == "jpeg":
        image.save(out, format="JPEG", quality=quality, subsampling=0, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes
        return ImageFont.load_default()


def draw_plan_markers(plan: PlanImage | None, markers: Sequence[PlanMarker]) -> bytes:
    """Return one floor's plan as JPEG with the given markers and their labels (a floor without
    a plan is drawn on a blank canvas)."""
    if plan is None:
        image = Image.new("RGB", BLANK_CANVAS, (250, 250, 250))
    else:
        image = open_plan(plan.data, DISPLAY_LONG_SIDE)
    draw_markers(image, markers)
    return encode(image, "jpeg", JPEG_QUALITY)
