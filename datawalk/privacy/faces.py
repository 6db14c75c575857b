"""Face detection for the photo intake, tuned for recall, and the box geometry it needs.

OpenCV's bundled Haar cascades need no download, which matters for an app that runs offline on a
consultant's laptop. Several cascades (two frontal, profile both ways round) are unioned: a missed
face is a privacy breach, while a false box costs one tap in the preview. This module only finds
rectangles; filling them is `photos.py`'s job.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from datawalk.models import Box


class FaceDetection(BaseModel):
    """Detector tuning; lower `min_neighbors` finds more faces and more false boxes."""

    model_config = ConfigDict(frozen=True)

    cascades: tuple[str, ...] = (
        "haarcascade_frontalface_default.xml",
        "haarcascade_frontalface_alt2.xml",
        "haarcascade_profileface.xml",
    )
    scale_factor: float = Field(default=1.1, gt=1.0)
    min_neighbors: int = Field(default=4, ge=1)
    min_face_fraction: float = Field(
        default=0.02, gt=0, description="Smallest face side, as a fraction of the short side."
    )
    min_face_px: int = Field(default=18, ge=8)
    margin: float = Field(default=0.3, ge=0, description="Added on each side, as a face fraction.")
    detect_long_side: int = Field(
        default=1280, gt=0, description="Detection runs on a copy this size; boxes are scaled back."
    )


FACE_DETECTION = FaceDetection()

# Cascade classifiers are not documented as thread-safe and Streamlit runs sessions in threads.
_DETECT_LOCK = threading.Lock()


def find_faces(image: Image.Image, settings: FaceDetection = FACE_DETECTION) -> list[Box]:
    """Return redaction rectangles (face plus margin, clipped, merged) in `image` pixels."""
    scale = min(1.0, settings.detect_long_side / max(image.size))
    small = image.convert("RGB")
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        small = small.resize(size, Image.Resampling.BILINEAR)
    gray = cv2.equalizeHist(cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2GRAY))
    side = max(settings.min_face_px, round(min(gray.shape) * settings.min_face_fraction))
    raw: list[tuple[int, int, int, int]] = []
    with _DETECT_LOCK:
        for name in settings.cascades:
            raw.extend(_detect(name, gray, side, settings))
            if "profile" in name:
                # The profile cascade only knows faces looking one way; mirror to find the other.
                mirrored = _detect(name, np.ascontiguousarray(gray[:, ::-1]), side, settings)
                raw.extend((gray.shape[1] - x - w, y, w, h) for x, y, w, h in mirrored)
    expanded = [
        _expand(_rescale(rect, 1 / scale), settings.margin, image.width, image.height)
        for rect in raw
    ]
    return [_to_box(rect, "detected") for rect in merge_rects(expanded)]


def clip_box(box: Box, width: int, height: int) -> Box | None:
    """Return `box` cut to the image, or None when nothing of it lies inside."""
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(width, box.x + box.width), min(height, box.y + box.height)
    if x1 <= x0 or y1 <= y0:
        return None
    return Box(x=x0, y=y0, width=x1 - x0, height=y1 - y0, source=box.source)


def overlap_ratio(a: Box, b: Box) -> float:
    """Intersection over union; how a dropped box from the preview is matched to a detection."""
    ix = max(0, min(a.x + a.width, b.x + b.width) - max(a.x, b.x))
    iy = max(0, min(a.y + a.height, b.y + b.height) - max(a.y, b.y))
    inter = ix * iy
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union else 0.0


def merge_rects(rects: Iterable[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Union overlapping (x, y, w, h) rectangles until none overlap; sorted for stable output."""
    boxes = [(x, y, x + w, y + h) for x, y, w, h in rects]
    merged = True
    while merged:
        merged = False
        result: list[tuple[int, int, int, int]] = []
        for box in boxes:
            for i, other in enumerate(result):
                if _intersects(box, other):
                    result[i] = _union(box, other)
                    merged = True
                    break
            else:
                result.append(box)
        boxes = result
    return sorted((x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes)


@cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / name
    classifier = cv2.CascadeClassifier(str(path))
    if classifier.empty():
        raise RuntimeError(f"OpenCV cascade {path} is missing or unreadable")
    return classifier


def _detect(
    name: str, gray: np.ndarray, side: int, settings: FaceDetection
) -> Sequence[tuple[int, int, int, int]]:
    found = _cascade(name).detectMultiScale(
        gray,
        scaleFactor=settings.scale_factor,
        minNeighbors=settings.min_neighbors,
        minSize=(side, side),
    )
    return [tuple(int(v) for v in rect) for rect in found]  # type: ignore[misc]


def _expand(
    rect: tuple[int, int, int, int], margin: float, width: int, height: int
) -> tuple[int, int, int, int]:
    x, y, w, h = rect
    dx, dy = round(w * margin), round(h * margin)
    x0, y0 = max(0, x - dx), max(0, y - dy)
    x1, y1 = min(width, x + w + dx), min(height, y + h + dy)
    return x0, y0, x1 - x0, y1 - y0


def _rescale(rect: tuple[int, int, int, int], factor: float) -> tuple[int, int, int, int]:
    x, y, w, h = rect
    return (
        int(x * factor),
        int(y * factor),
        max(1, round((x + w) * factor) - int(x * factor)),
        max(1, round((y + h) * factor) - int(y * factor)),
    )


def _intersects(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _to_box(rect: tuple[int, int, int, int], source: str) -> Box:
    x, y, w, h = rect
    return Box(x=x, y=y, width=w, height=h, source=source)
