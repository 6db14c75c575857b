"""Face redaction on the drawn test set (`tests/fixtures/face_set.py`): every known face is
covered, and redaction stays in proportion. Coverage is checked against the faces' known
positions and the stored pixels, never by running the same detector again."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw

from datawalk.privacy import centerface, redact_photo
from datawalk.privacy.photos import FILL_COLOUR, RedactedPhoto
from tests.fixtures.face_set import (
    Sample,
    covered_fraction,
    polygon_area,
    samples,
    scaled,
)

pytestmark = pytest.mark.slow

SAMPLES = {sample.name: sample for sample in samples()}
FACED = [name for name, sample in SAMPLES.items() if sample.faces]
NO_FACE = [name for name, sample in SAMPLES.items() if not sample.faces]
WALLS = [name for name, sample in SAMPLES.items() if sample.kind == "wall"]


@cache
def intake(name: str) -> tuple[RedactedPhoto, list[list[tuple[float, float]]]]:
    """The sample through the real intake, and its faces in the stored picture's pixels."""
    sample: Sample = SAMPLES[name]
    redacted = redact_photo(sample.jpeg())
    return redacted, scaled(sample.faces, redacted.width / sample.image.width)


def _rects(redacted: RedactedPhoto) -> list[tuple[int, int, int, int]]:
    return [(box.x, box.y, box.width, box.height) for box in redacted.boxes]


def _filled_share(redacted: RedactedPhoto, face: list[tuple[float, float]]) -> float:
    """How much of the face's area is solid fill in the stored bytes."""
    pixels = np.asarray(Image.open(io.BytesIO(redacted.data)).convert("RGB"), dtype=int)
    mask = Image.new("L", (redacted.width, redacted.height), 0)
    ImageDraw.Draw(mask).polygon(face, fill=255)
    inside = np.asarray(mask) > 0
    near_fill = np.abs(pixels - np.array(FILL_COLOUR)).max(axis=2) <= 16
    return float(near_fill[inside].mean())


@pytest.mark.parametrize("name", FACED)
def test_every_known_face_is_covered(name: str) -> None:
    redacted, faces = intake(name)
    size = (redacted.width, redacted.height)
    shares = [covered_fraction(face, _rects(redacted), size) for face in faces]
    assert min(shares) >= 0.95, f"{sum(s < 0.95 for s in shares)} of {len(faces)} faces open"
    # The stored pixels agree: what the boxes claim was filled is solid fill.
    assert min(_filled_share(redacted, face) for face in faces) >= 0.9


@pytest.mark.parametrize("name", NO_FACE)
def test_a_photo_with_no_face_is_barely_boxed(name: str) -> None:
    redacted, _ = intake(name)
    boxed = sum(box.width * box.height for box in redacted.boxes)
    assert boxed <= 0.02 * redacted.width * redacted.height


@pytest.mark.parametrize("name", WALLS)
def test_a_wall_is_boxed_in_proportion_to_its_faces(name: str) -> None:
    redacted, faces = intake(name)
    boxed = sum(box.width * box.height for box in redacted.boxes)
    assert boxed <= 3 * sum(polygon_area(face) for face in faces)


def test_a_face_model_that_is_not_the_reviewed_file_is_refused(tmp_path, monkeypatch) -> None:
    swapped = tmp_path / "centerface.onnx"
    swapped.write_bytes(centerface.MODEL_PATH.read_bytes()[:-1] + b"\0")
    monkeypatch.setattr(centerface, "MODEL_PATH", swapped)
    centerface._model.cache_clear()
    centerface._net.cache_clear()
    try:
        with pytest.raises(centerface.ModelError, match="SHA-256"):
            centerface.load_model()
    finally:
        monkeypatch.undo()
        centerface._model.cache_clear()
        centerface._net.cache_clear()
    centerface.load_model()
