"""The photo intake refuses hostile and unacceptable files with clear messages, before decoding
where it can: a text file named .jpg, a truncated JPEG, a decompression bomb, too many bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from datawalk.errors import DataWalkError, PrivacyError
from datawalk.privacy import (
    PhotoLimits,
    redact_photo,
)
from tests.pictures import one_bit_png, png_of

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "allergy-poster.jpg"
    fake.write_text("Amelia Johnson, peanuts, AAI in kit B\n")
    expected = "This file is not a picture DataWalk can read (JPEG, PNG or WebP)."
    with pytest.raises(PrivacyError, match=re.escape(expected)):
        redact_photo(fake.read_bytes())


def test_a_truncated_jpeg_is_refused(portrait: bytes) -> None:
    with pytest.raises(PrivacyError, match="damaged or incomplete"):
        redact_photo(portrait[: len(portrait) // 2])


def test_a_30000_by_30000_png_is_refused_before_decoding() -> None:
    bomb = one_bit_png(30_000, 30_000, with_pixels=False)
    assert len(bomb) < 100
    with pytest.raises(PrivacyError, match="too many pixels; the limit is 40 megapixels"):
        redact_photo(bomb)


def test_a_real_50_megapixel_png_is_refused_with_its_size() -> None:
    data = one_bit_png(10_000, 5_000, with_pixels=True)
    assert len(data) < 100_000  # a compression bomb: tiny file, huge image
    with pytest.raises(PrivacyError) as caught:
        redact_photo(data)
    message = str(caught.value)
    assert "10000 × 5000 pixels (50.0 megapixels)" in message
    assert "the limit is 40 megapixels" in message


def test_an_oversized_byte_string_is_refused_before_parsing() -> None:
    with pytest.raises(PrivacyError) as caught:
        redact_photo(b"\xff\xd8" + b"\x00" * 19_999_998)
    assert str(caught.value) == "Photo is 20.0 MB; the limit is 15 MB."


def test_limits_are_configurable() -> None:
    small = PhotoLimits(max_bytes=1_000, max_pixels=100, output_long_side=8)
    with pytest.raises(PrivacyError, match=re.escape("the limit is 0.001 MB")):
        redact_photo(b"\x00" * 1_001, limits=small)
    with pytest.raises(PrivacyError, match=re.escape("the limit is 0.0001 megapixels")):
        redact_photo(png_of(Image.new("RGB", (11, 10))), limits=small)
    assert redact_photo(png_of(Image.new("RGB", (10, 5))), limits=small).width == 8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC/HEIF photos"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a picture DataWalk can read"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "not a picture"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a picture"),
    ],
    ids=["empty", "heic", "gif", "eps", "png-signature-only"],
)
def test_other_unacceptable_files_are_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(PrivacyError, match=message):
        redact_photo(data)


def test_privacy_errors_belong_to_the_project_hierarchy() -> None:
    assert issubclass(PrivacyError, DataWalkError)


# ---------------------------------------------------------------- preview, stored photo, import
