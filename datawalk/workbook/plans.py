"""Floor plans with numbered location markers, and photo thumbnails, drawn with Pillow for the
workbook. Markers are filled with the location's worst level colour AND carry its map number, so
the Locations table (not colour) says what each marker is.

Images here are the stored ones: plans as uploaded, photos already redacted at intake. Nothing in
this module reads an original upload.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

PLAN_WIDTH = 900
THUMB_SIZE = 300
_NO_LEVEL = "#9CA3AF"


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int
    extension: str


def draw_plan(plan: bytes, markers: list[Marker], width: int = PLAN_WIDTH) -> Picture:
    """Return the plan scaled to `width` px with each marker drawn at its normalised position."""
    with Image.open(io.BytesIO(plan)) as source:
        image = source.convert("RGB")
    scale = width / image.width
    image = image.resize((width, max(1, round(image.height * scale))), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    font = _font(14)
    radius = 13
    for marker in markers:
        cx, cy = marker.x * image.width, marker.y * image.height
        draw.ellipse(
            (cx - radius, cy - radius, cx + radius, cy + radius),
            fill=marker.colour,
            outline="#111827",
            width=2,
        )
        text = str(marker.number)
        draw.text((cx, cy), text, fill=_ink(marker.colour), font=font, anchor="mm")
    return _encode(image, "png")


def thumbnail(data: bytes, media_type: str, size: int = THUMB_SIZE) -> Picture:
    """Return the stored (already redacted) photo shrunk to fit `size` px, in its own format."""
    with Image.open(io.BytesIO(data)) as source:
        image = source.copy()
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    if media_type == "image/png":
        return _encode(image, "png")
    return _encode(image.convert("RGB"), "jpeg")


def marker_colour(hex_colour: str | None) -> str:
    return hex_colour or _NO_LEVEL


def _encode(image: Image.Image, kind: str) -> Picture:
    buffer = io.BytesIO()
    if kind == "jpeg":
        image.save(buffer, "JPEG", quality=82, optimize=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return Picture(buffer.getvalue(), image.width, image.height, "jpg" if kind == "jpeg" else "png")


def _ink(hex_colour: str) -> str:
    from datawalk.colours import text_colour

    return text_colour(hex_colour) if hex_colour.startswith("#") else "#000000"


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes
        return ImageFont.load_default()
