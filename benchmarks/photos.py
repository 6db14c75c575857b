"""Benchmark behind `python -m datawalk bench` (entry "photos"): the photo intake of a 12 MP
camera photo (4,032 × 3,024) and of a 2,048 px one, each part apart.

Goals on two cores: at most 3 s for the upright full-size face pass, and at most 8 s for the
whole intake (the turned and tilted passes run on a 1,024 px copy, since those are close-ups).
Figures are milliseconds, the median of a few runs: reading the picture (decode, orient,
downscale, strip metadata), the upright pass, the three right-angle turns, the tilts, the intake
with its boxes already known (reading, filling, encoding), and the whole `redact_photo`.
Nothing is printed or asserted.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from datawalk.privacy import centerface, faces, photos
from datawalk.privacy.images import load_clean_image

ASTRONAUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "astronaut.jpg"
SIZES = {"12mp": (4032, 3024), "2048px": (2048, 1536)}
RUNS = 3
UPRIGHT_GOAL_MS = 3_000
TOTAL_GOAL_MS = 8_000


def bench_photos(runs: int = RUNS) -> dict[str, Any]:
    """Return intake timings for a 12 MP and a 2,048 px photo of a wall with six portraits."""
    centerface.load_model()  # loading the model once is not part of a photo's intake
    figures: dict[str, Any] = {
        "upright_goal_ms": UPRIGHT_GOAL_MS,
        "total_goal_ms": TOTAL_GOAL_MS,
    }
    settings = faces.FACE_DETECTION
    for name, size in SIZES.items():
        data = _photo(size)
        clean = load_clean_image(data)
        rgb = np.ascontiguousarray(np.asarray(clean.image))
        boxes = faces.find_faces(clean.image)
        figures[f"{name}_read_ms"] = _median(runs, lambda d=data: load_clean_image(d))
        figures[f"{name}_upright_ms"] = _median(runs, lambda r=rgb: faces._upright(r, settings))
        figures[f"{name}_turned_ms"] = _median(
            runs, lambda r=rgb: [faces._turned(r, a, settings) for a in (90.0, 180.0, 270.0)]
        )
        figures[f"{name}_tilted_ms"] = _median(
            runs, lambda r=rgb: [faces._turned(r, a, settings) for a in settings.tilts]
        )
        # The intake with the boxes already known: reading, filling and encoding, no detection.
        figures[f"{name}_without_detection_ms"] = _median(
            runs, lambda d=data, b=boxes: photos.redact_photo(d, detected=b)
        )
        figures[f"{name}_total_ms"] = _median(runs, lambda d=data: photos.redact_photo(d))
        figures[f"{name}_faces_boxed"] = len(boxes)
    return figures


def _median(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _photo(size: tuple[int, int]) -> bytes:
    """A JPEG of a wall with six portrait cards, as a camera of that size would give it."""
    image = Image.new("RGB", size, (210, 200, 185))
    noise = Image.effect_noise(size, 24).convert("RGB")
    image = Image.blend(image, noise, 0.15)
    portrait = Image.open(ASTRONAUT).convert("RGB")
    side = size[1] // 5
    portrait = portrait.resize((side, side))
    draw = ImageDraw.Draw(image)
    for index in range(6):
        x = size[0] // 10 + (index % 3) * size[0] // 3
        y = size[1] // 6 + (index // 3) * size[1] // 2
        draw.rectangle((x - 10, y - 10, x + side + 10, y + side + 10), fill="white")
        image.paste(portrait, (x, y))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()
