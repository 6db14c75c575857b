"""The dashboard's tappable hotspot map: the floor plan drawn as an image with one marker per
placed location, and the marker under a tap.

Touch taps inside a plotly chart select the point hovered before the tap (Streamlit forces
plotly's "pan" dragmode whenever a chart reports selections), so the touch view takes the tap
position as data instead: the page shows this image in the tap-to-place widget and asks
`nearest_location` which marker was tapped. Markers follow the plotly map's rules: fill is the
worst level's colour, size grows with the number of findings, and the name and level are
printed beside it so colour is never the only cue. No streamlit: the page caches the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from datawalk.charts.hotspots import NOTHING_SHOWN_NAME, VISITED_NAME, marker_sizes
from datawalk.models import PlanImage
from datawalk.vocabulary import Level

DISPLAY_LONG_SIDE = 1400  # detailed enough to read room names, small enough to send quickly
BLANK_CANVAS = (1200, 800)  # drawn when a floor has no plan, so its places can still be tapped
SCREEN_LONG_SIDE = 900  # typical drawn width of the plan on a tablet, in screen pixels
TOUCH_RADIUS = 22  # half of a 44-pixel touch target, in screen pixels
JPEG_QUALITY = 85
OUTLINE = (17, 17, 17)
EMPTY_FILL = (255, 255, 255)


def _screen_scale(size: tuple[int, int]) -> float:
    """Image pixels per screen pixel when the image is drawn at a tablet's column width."""
    return max(size) / SCREEN_LONG_SIDE


def marker_radii(points: pd.DataFrame, size: tuple[int, int]) -> np.ndarray:
    """Marker radii in image pixels: the plotly map's sizes, so both views agree."""
    return marker_sizes(points["findings"]) / 2 * _screen_scale(size)


def _placed(points: pd.DataFrame) -> pd.DataFrame:
    return points.dropna(subset=["x", "y"])


def _base_image(plan: PlanImage | None) -> Image.Image:
    if plan is None:
        return Image.new("RGB", BLANK_CANVAS, (250, 250, 250))
    image = Image.open(io.BytesIO(plan.data)).convert("RGB")
    image.thumbnail((DISPLAY_LONG_SIDE, DISPLAY_LONG_SIDE))
    return image


def _status(row: pd.Series, levels: Sequence[Level]) -> str:
    if row["findings"]:
        return f"{levels[int(row['level'])].name} · {int(row['findings'])}"
    return VISITED_NAME if row["nothing_found"] else NOTHING_SHOWN_NAME


def draw_hotspots(plan: PlanImage | None, points: pd.DataFrame, levels: Sequence[Level]) -> bytes:
    """Return the plan as JPEG with a marker, name and level at each placed location.

    `points` are `dashboard.location_points` rows of one floor (normalised x, y; rows without
    a position are skipped). Places without findings get a white marker labelled "visited" or
    "no findings shown". Busier places are drawn first, so small markers stay visible on top.
    Names are drawn as pixels, never interpreted as markup.
    """
    image = _base_image(plan)
    draw = ImageDraw.Draw(image)
    scale = _screen_scale(image.size)
    font = ImageFont.load_default(size=max(12, round(13 * scale)))
    placed = _placed(points)
    radii = marker_radii(placed, image.size)
    order = np.argsort(-placed["findings"].to_numpy(), kind="stable")
    for i in order:
        row, radius = placed.iloc[i], float(radii[i])
        x, y = row["x"] * image.width, row["y"] * image.height
        fill = levels[int(row["level"])].hexcolor if row["findings"] else EMPTY_FILL
        box = (x - radius, y - radius, x + radius, y + radius)
        draw.ellipse(box, fill=fill, outline=OUTLINE, width=max(2, round(2 * scale)))
        draw.multiline_text(
            (x, y + radius + 2 * scale),
            f"{str(row['name'])[:40]}\n{_status(row, levels)}",
            fill=OUTLINE,
            font=font,
            anchor="ma",
            align="center",
            stroke_width=max(2, round(3 * scale)),
            stroke_fill=(255, 255, 255),
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0)  # crisp colours
    return out.getvalue()


def nearest_location(points: pd.DataFrame, x: float, y: float, size: tuple[int, int]) -> str | None:
    """Return the id of the marker under a tap at normalised (x, y), or None if none is.

    A tap counts when it lands within a marker or within half a finger's width of its centre
    (small markers are hard to hit); of several, the nearest centre wins. `size` is the image's
    (width, height) as drawn or as shown on screen: only its proportions and scale matter, and
    marker and touch radii scale with it.
    """
    placed = _placed(points)
    if placed.empty:
        return None
    width, height = size
    radii = np.maximum(marker_radii(placed, size), TOUCH_RADIUS * _screen_scale(size))
    distances = np.hypot(
        (placed["x"].to_numpy(dtype=float) - x) * width,
        (placed["y"].to_numpy(dtype=float) - y) * height,
    )
    hits = np.flatnonzero(distances <= radii)
    if hits.size == 0:
        return None
    best = hits[int(np.argmin(distances[hits]))]
    return str(placed["location_id"].iloc[best])
