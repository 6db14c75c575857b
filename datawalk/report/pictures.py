"""The report's pictures: each floor plan with its hotspot markers (the dashboard's own drawing)
and the checked photos of the top hotspots, as files for the compile root.

A photo still awaiting review is never drawn: only `FindingView.exportable_photos` are used, the
same rule as the workbook. The governors edition gets plans only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from datawalk.models import Floor, Photo
from datawalk.plan_image import draw_hotspots
from datawalk.vocabulary import Level
from datawalk.workbook.plans import thumbnail

PHOTO_SIZE = 360
MAX_PHOTOS_PER_HOTSPOT = 2


@dataclass(frozen=True)
class ImageFile:
    """One file the template reads by name: `name` is ours (never user text), `data` the bytes."""

    name: str
    data: bytes


def plan_images(
    floors: list[Floor], points: pd.DataFrame, levels: list[Level]
) -> list[tuple[Floor, ImageFile]]:
    """Each floor that has a plan, drawn with the dashboard's markers (worse level of the two)."""
    drawn = []
    for number, floor in enumerate(sorted(floors, key=lambda f: f.order), start=1):
        if floor.plan is None:
            continue
        on_floor = points[points["floor_id"] == floor.id]
        jpeg = draw_hotspots(floor.plan, on_floor, levels)
        drawn.append((floor, ImageFile(f"plan-{number}.jpg", jpeg)))
    return drawn


def photo_images(prefix: str, photos: list[Photo]) -> list[ImageFile]:
    """Thumbnails of a finding's checked photos, at most `MAX_PHOTOS_PER_HOTSPOT`."""
    files = []
    for number, photo in enumerate(photos[:MAX_PHOTOS_PER_HOTSPOT], start=1):
        if photo.awaiting_review:  # a second wall: callers pass exportable photos only
            continue
        picture = thumbnail(photo.data, photo.media_type, PHOTO_SIZE)
        files.append(ImageFile(f"{prefix}-{number}.{picture.extension}", picture.data))
    return files
