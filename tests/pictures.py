"""Pictures the tests draw: fictional, never a real pupil."""

from __future__ import annotations

import io
import random

from PIL import Image


def noise_png(size: int = 96, seed: int = 7) -> bytes:
    """Return a PNG of random noise: its stored bytes hold long runs found nowhere else, so a
    test can look for them in a database file or an export."""
    pixels = random.Random(seed).randbytes(size * size * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), pixels).save(buffer, format="PNG")
    return buffer.getvalue()
