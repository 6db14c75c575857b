"""Face detection for the photo intake, tuned for recall, and the box geometry it needs.

A missed face is a privacy breach, while a false box costs one tap in the preview, so detection
runs several passes of the CenterFace CNN (`centerface.py`) on the pixels that are stored:

- upright, at full size, with a low proposal threshold; each weak proposal (a face of 12 to 20
  px, or a false one in a barcode) is checked again on an enlarged crop, so faces from about
  16 px up are found without enlarging the whole picture;
- turned by 90°, 180° and 270° when the photo carries no EXIF orientation (a tablet held
  sideways), and tilted both ways to cover heads at up to 45°, each on a smaller copy, since a
  turned or tilted face is a close-up.

Boxes that overlap are merged and a margin is added. This module only finds rectangles; filling
them is `photos.py`'s job. OpenCV's Haar cascades are no longer used: CenterFace alone covers
every face of the test set in `tests/fixtures/face_set.py`, so they would add no recall, only
false boxes and time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from datawalk.models import Box
from datawalk.privacy import centerface

Rect = tuple[int, int, int, int]
_CHECK_PX = 128  # side of the enlarged square a weak find is checked on
Progress = Callable[[float, str], None]


class FaceDetection(BaseModel):
    """Detector tuning; lower thresholds find more faces and more false boxes."""

    model_config = ConfigDict(frozen=True)

    threshold: float = Field(default=0.3, gt=0, lt=1, description="A face, on any pass.")
    proposal_threshold: float = Field(
        default=0.02, gt=0, lt=1, description="Weaker upright finds, checked on an enlarged crop."
    )
    max_proposals: int = Field(default=128, ge=0, description="Weak finds checked, best first.")
    proposal_max_px: int = Field(
        default=40,
        gt=0,
        description="Only weak finds this small are checked: larger faces "
        "are found at the full threshold, and large weak finds are noise.",
    )
    check_face_px: int = Field(default=40, gt=8, description="A weak find is enlarged to this.")
    turned_long_side: int = Field(
        default=1024, gt=0, description="Turned and tilted passes run on a copy this size."
    )
    tilts: tuple[float, ...] = (-30.0, 30.0)
    margin: float = Field(default=0.2, ge=0, description="Added on each side, as a face fraction.")
    merge_overlap: float = Field(
        default=0.4, gt=0, le=1, description="Boxes sharing this much of the smaller merge."
    )


FACE_DETECTION = FaceDetection()


def detector_name(settings: FaceDetection = FACE_DETECTION) -> str:
    """Names the detector and its passes in every redaction record."""
    tilts = "/".join(f"{t:+g}" for t in settings.tilts)
    return (
        f"{centerface.MODEL_NAME} {centerface.MODEL_SHA256[:12]} on opencv {cv2.__version__}; "
        f"upright + checked proposals, turned 90/180/270, tilted {tilts}"
    )


def find_faces(
    image: Image.Image,
    settings: FaceDetection = FACE_DETECTION,
    *,
    upright_known: bool = False,
    progress: Progress | None = None,
) -> list[Box]:
    """Return redaction rectangles (face plus margin, clipped, merged) in `image` pixels.

    `upright_known` is set when the photo's EXIF said which way up it was: the right-angle
    turns are then skipped. `progress(fraction, step)` is told as each pass starts.

    Raises:
        centerface.ModelError: the face model is missing or damaged.
    """
    rgb = np.ascontiguousarray(np.asarray(image.convert("RGB")))
    turns = () if upright_known else (90.0, 180.0, 270.0)
    angles = [*turns, *settings.tilts]
    steps = 1 + len(angles)
    found: list[tuple[float, float, float, float]] = []
    _tell(progress, 0, steps, "Looking for faces")
    found.extend(_upright(rgb, settings))
    for number, angle in enumerate(angles, start=1):
        _tell(progress, number, steps, f"Looking for turned faces ({angle:+g}°)")
        # A turned pass only adds faces not found yet: its boxes come back as the upright
        # bounds of a turned box, larger than the face, and would swell every merged box.
        found.extend(box for box in _turned(rgb, angle, settings) if not _known(box, found))
    _tell(progress, steps, steps, "Faces found")
    height, width = rgb.shape[:2]
    rects = [_expand(box, settings.margin, width, height) for box in found]
    return [_to_box(rect, "detected") for rect in merge_overlapping(rects, settings.merge_overlap)]


def _known(box: tuple[float, float, float, float], found: Sequence[tuple[float, ...]]) -> bool:
    """True when the centre of `box` lies in a face already found."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(f[0] <= cx <= f[2] and f[1] <= cy <= f[3] for f in found)


def _tell(progress: Progress | None, done: int, steps: int, step: str) -> None:
    if progress is not None:
        progress(done / steps, step)


def _upright(rgb: np.ndarray, settings: FaceDetection) -> list[tuple[float, float, float, float]]:
    """Full-size pass: sure finds kept, weak ones kept only if an enlarged crop confirms them."""
    low = min(settings.proposal_threshold, settings.threshold)
    detections = centerface.detect(rgb, low)
    sure = [tuple(map(float, d[:4])) for d in detections if d[4] >= settings.threshold]
    weak = sorted(
        (
            d
            for d in detections
            if d[4] < settings.threshold
            and max(d[2] - d[0], d[3] - d[1]) <= settings.proposal_max_px
            and not _known(tuple(d[:4]), sure)
        ),
        key=lambda d: -d[4],
    )
    checked = (_confirmed(rgb, d, settings) for d in weak[: settings.max_proposals])
    return [*sure, *(box for box in checked if box is not None)]  # type: ignore[list-item]


def _confirmed(
    rgb: np.ndarray, proposal: np.ndarray, settings: FaceDetection
) -> tuple[float, float, float, float] | None:
    """The face box found at the full threshold on the enlarged area round a weak find, in
    picture pixels (more exact than the weak find's own box), or None when there is none.

    The area is cut as a square `_CHECK_PX / check_face_px` faces wide and scaled to
    `_CHECK_PX`, so the face is `check_face_px` high and every check has one input shape.
    """
    x0, y0, x1, y1 = (float(v) for v in proposal[:4])
    side = max(x1 - x0, y1 - y0, 6.0)
    half = side * _CHECK_PX / settings.check_face_px / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    matrix = np.array(
        [
            [_CHECK_PX / (2 * half), 0, _CHECK_PX / 2 - cx * _CHECK_PX / (2 * half)],
            [0, _CHECK_PX / (2 * half), _CHECK_PX / 2 - cy * _CHECK_PX / (2 * half)],
        ]
    )
    crop = cv2.warpAffine(
        rgb,
        matrix,
        (_CHECK_PX, _CHECK_PX),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )
    centre, factor = _CHECK_PX / 2, _CHECK_PX / (2 * half)
    for d in centerface.detect(crop, settings.threshold):
        if d[0] <= centre <= d[2] and d[1] <= centre <= d[3]:
            return (
                float(cx + (d[0] - centre) / factor),
                float(cy + (d[1] - centre) / factor),
                float(cx + (d[2] - centre) / factor),
                float(cy + (d[3] - centre) / factor),
            )
    return None


def _turned(
    rgb: np.ndarray, angle: float, settings: FaceDetection
) -> list[tuple[float, float, float, float]]:
    """Detect on a smaller copy turned by `angle` degrees; boxes come back as upright bounds."""
    height, width = rgb.shape[:2]
    scale = min(1.0, settings.turned_long_side / max(height, width))
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    corners = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], float)
    moved = corners @ matrix.T
    shift = -moved.min(axis=0)
    matrix[:, 2] += shift
    size = np.ceil(moved.max(axis=0) + shift).astype(int)
    turned = cv2.warpAffine(
        rgb,
        matrix,
        (int(size[0]), int(size[1])),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    back = cv2.invertAffineTransform(matrix)
    found = []
    for x0, y0, x1, y1, _score in centerface.detect(turned, settings.threshold):
        box = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], float) @ back.T
        low, high = box.min(axis=0), box.max(axis=0)
        found.append((float(low[0]), float(low[1]), float(high[0]), float(high[1])))
    return found


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


def merge_overlapping(rects: Iterable[Rect], share: float = 0.4) -> list[Rect]:
    """Union (x, y, w, h) rectangles that share at least `share` of the smaller one's area.

    Two passes finding one face, or a box and its tilted twin, become one box; neighbouring
    faces on a wall whose margins just touch stay apart, so redaction stays in proportion.
    """
    boxes = [(x, y, x + w, y + h) for x, y, w, h in rects]
    merged = True
    while merged:
        merged = False
        result: list[tuple[int, int, int, int]] = []
        for box in boxes:
            for i, other in enumerate(result):
                if _shared(box, other) >= share:
                    result[i] = _union(box, other)
                    merged = True
                    break
            else:
                result.append(box)
        boxes = result
    return sorted((x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes)


def merge_rects(rects: Iterable[Rect]) -> list[Rect]:
    """Union rectangles until none overlap at all (manual boxes and tests use this)."""
    return merge_overlapping(rects, share=1e-9)


def _expand(box: tuple[float, float, float, float], margin: float, width: int, height: int) -> Rect:
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    left, top = max(0, int(x0 - dx)), max(0, int(y0 - dy))
    right, bottom = min(width, int(np.ceil(x1 + dx))), min(height, int(np.ceil(y1 + dy)))
    return left, top, max(1, right - left), max(1, bottom - top)


def _shared(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / smaller if smaller > 0 else 0.0


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _to_box(rect: tuple[int, int, int, int], source: str) -> Box:
    x, y, w, h = rect
    return Box(x=x, y=y, width=w, height=h, source=source)
