"""Floor plans with numbered location markers, and photo thumbnails, drawn with Pillow for the
workbook. Markers are the dashboard's (`plan_markers`, drawn by `plan_image`): filled with the
location's worst level colour, sized by its findings, AND carrying its map number, so the
Locations table (not colour) says what each marker is.

Images here are the stored ones: plans as uploaded, photos already redacted at intake. Nothing in
this module reads an original upload.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from datawalk.plan_image import draw_markers, encode, open_plan
from datawalk.plan_markers import PlanMarker

PLAN_WIDTH = 900
THUMB_SIZE = 300


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int
    extension: str


def draw_plan(plan: bytes, markers: Sequence[PlanMarker], width: int = PLAN_WIDTH) -> Picture:
    """Return the plan scaled to `width` px with each marker drawn at its normalised position,
    numbered and without names: the Locations table says what each number is."""
    image = open_plan(plan)
    scale = width / image.width
    image = image.resize((width, max(1, round(image.height * scale))), Image.Resampling.LANCZOS)
    draw_markers(image, markers, labels=False)
    return _encode(image, "png")


def thumbnail(data: bytes, media_type: str, size: int = THUMB_SIZE) -> Picture:
    """Return the stored (already redacted) photo shrunk to fit `size` px, in its own format."""
    with Image.open(io.BytesIO(data)) as source:
        image = source.copy()
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    if media_type == "image/png":
        return _encode(image, "png")
    return _encode(image.convert("RGB"), "jpeg")


def _encode(image: Image.Image, kind: str) -> Picture:
    data = encode(image, kind, quality=82)
    return Picture(data, image.width, image.height, "jpg" if kind == "jpeg" else "png")
