"""The photo intake: faces redacted, metadata gone, hostile files refused with clear messages."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageStat, PngImagePlugin

from datawalk.errors import PrivacyError
from datawalk.models import Box, Finding, Photo
from datawalk.privacy import (
    PIPELINE_VERSION,
    detect_faces,
    ensure_redacted,
    intake_photo,
    make_photo,
    preview_with_boxes,
    redact_photo,
)
from tests.pictures import png_of

FIXTURES = Path(__file__).parent / "fixtures"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112


def _jpeg(image: Image.Image, **save: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", **save)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model-GPS-Leak"  # Model
    exif[0x0131] = "Leaky editor"  # Software
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    exif.get_ifd(EXIF_IFD)[0x9003] = "2026:03:12 09:15:00"  # DateTimeOriginal
    return exif


def _centre_inside(inner: tuple[int, int, int, int], box: Box) -> bool:
    x, y, w, h = inner
    cx, cy = x + w / 2, y + h / 2
    return box.x <= cx <= box.x + box.width and box.y <= cy <= box.y + box.height


# ---------------------------------------------------------------- faces


def test_the_portrait_face_is_found_before_and_not_after_redaction(portrait: bytes) -> None:
    before = detect_faces(portrait)
    redacted = redact_photo(portrait)

    assert len(before) >= 1
    assert redacted.boxes == before
    assert all(box.source == "detected" for box in redacted.boxes)
    assert detect_faces(redacted.data) == []


def test_redaction_is_a_solid_fill_not_a_blur(portrait: bytes) -> None:
    redacted = redact_photo(portrait)
    image = _open(redacted.data).convert("RGB")
    for box in redacted.boxes:
        inner = (box.x + 4, box.y + 4, box.x + box.width - 4, box.y + box.height - 4)
        stddev = ImageStat.Stat(image.crop(inner)).stddev
        assert max(stddev) < 3.0  # a blur keeps variation; a fill leaves none


def test_the_face_box_covers_the_face_with_a_margin(portrait: bytes) -> None:
    import cv2

    gray = cv2.cvtColor(np.asarray(_open(portrait).convert("RGB")), cv2.COLOR_RGB2GRAY)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    faces = [tuple(int(v) for v in face) for face in cascade.detectMultiScale(gray, 1.1, 5)]
    box = redact_photo(portrait).boxes[0]

    assert faces, "the reference detector must see the portrait's face"
    for x, y, w, h in faces:
        assert _centre_inside((x, y, w, h), box)
        assert box.width > w and box.height > h


def test_manual_boxes_are_filled_and_recorded(portrait: bytes) -> None:
    poster_names = Box(x=10, y=300, width=120, height=40, source="detected")
    redacted = redact_photo(portrait, extra_boxes=[poster_names])
    image = _open(redacted.data).convert("RGB")

    manual = [box for box in redacted.boxes if box.source == "manual"]
    assert manual == [poster_names.model_copy(update={"source": "manual"})]
    assert max(ImageStat.Stat(image.crop((14, 304, 126, 336))).stddev) < 3.0


def test_a_manual_box_partly_outside_is_clipped_to_the_photo(portrait: bytes) -> None:
    redacted = redact_photo(portrait, extra_boxes=[Box(x=300, y=300, width=500, height=500)])
    manual = [box for box in redacted.boxes if box.source == "manual"]
    assert manual == [Box(x=300, y=300, width=60, height=60, source="manual")]


def test_a_manual_box_wholly_outside_is_refused(portrait: bytes) -> None:
    with pytest.raises(PrivacyError, match="outside the 360 × 360 photo"):
        redact_photo(portrait, extra_boxes=[Box(x=400, y=10, width=20, height=20)])


def test_a_dropped_false_detection_is_left_visible_and_logged(portrait: bytes) -> None:
    detected = detect_faces(portrait)
    redacted = redact_photo(portrait, drop_boxes=detected)

    assert redacted.boxes == []
    assert redacted.dropped == detected
    assert len(detect_faces(redacted.data)) >= 1


def test_a_slightly_moved_drop_box_still_matches_its_detection(portrait: bytes) -> None:
    box = detect_faces(portrait)[0]
    nudged = box.model_copy(update={"x": box.x + 3, "y": box.y + 2})
    assert redact_photo(portrait, drop_boxes=[nudged]).dropped == [box]


def test_a_photo_without_faces_comes_back_without_boxes() -> None:
    gradient = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
    redacted = redact_photo(_jpeg(gradient))
    assert (redacted.boxes, redacted.dropped) == ([], [])
    assert redacted.pipeline_version == PIPELINE_VERSION


def test_intake_photo_is_the_same_pipeline(portrait: bytes) -> None:
    assert intake_photo is redact_photo


# ---------------------------------------------------------------- metadata and geometry


def test_exif_with_gps_is_stripped_entirely_and_orientation_applied() -> None:
    source = Image.new("RGB", (300, 200), (0, 0, 255))
    source.paste((255, 0, 0), (0, 0, 300, 20))  # red band along the stored top edge
    data = _jpeg(
        source,
        exif=_exif_with_gps(orientation=6),
        comment=b"pupil photo, Oak Class",
        icc_profile=Image.new("RGB", (1, 1)).info.get("icc_profile", b""),
    )
    assert _open(data).getexif().get_ifd(GPS_IFD), "the input really carries GPS"

    redacted = redact_photo(data)
    output = _open(redacted.data)

    assert output.getexif() == {}
    assert b"Exif\x00\x00" not in redacted.data
    assert b"\xff\xe1" not in redacted.data  # no APP1 segment (EXIF or XMP) at all
    assert b"\xff\xfe" not in redacted.data  # no COM segment
    for leak in (b"SecretCam", b"Model-GPS-Leak", b"Leaky editor", b"2026:03:12", b"Oak Class"):
        assert leak not in redacted.data
    assert "icc_profile" not in output.info
    # Orientation 6 means "rotate 90° clockwise to display": the top band ends up on the right.
    assert (redacted.width, redacted.height) == (200, 300)
    right, left = output.convert("RGB").getpixel((195, 150)), output.getpixel((5, 150))
    assert right[0] > 200 and right[2] < 60
    assert left[2] > 200 and left[0] < 60


def test_png_text_and_colour_profile_chunks_are_stripped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Amelia Johnson")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS 51.5</x:xmpmeta>")
    data = png_of(Image.new("RGB", (64, 48), (10, 200, 10)), pnginfo=info)

    redacted = redact_photo(data)

    assert redacted.media_type == "image/png"
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"Amelia", b"xmpmeta"):
        assert chunk not in redacted.data
    assert _open(redacted.data).info == {}


def test_pixels_hidden_under_transparency_are_not_kept() -> None:
    hidden = Image.new("RGBA", (40, 40), (255, 0, 0, 0))  # red, fully transparent
    redacted = redact_photo(png_of(hidden))
    assert _open(redacted.data).convert("RGB").getpixel((20, 20)) == (255, 255, 255)


def test_large_photos_are_downscaled_to_the_long_side_limit() -> None:
    redacted = redact_photo(_jpeg(Image.new("RGB", (3000, 1000), (90, 90, 90))))
    assert (redacted.width, redacted.height) == (2048, 683)
    assert _open(redacted.data).size == (2048, 683)


def test_output_is_jpeg_or_png_as_stored_photos_require() -> None:
    webp = io.BytesIO()
    Image.new("RGB", (50, 40), (1, 2, 3)).save(webp, format="WEBP")
    redacted = redact_photo(webp.getvalue())
    assert redacted.media_type == "image/jpeg"
    assert _open(redacted.data).format == "JPEG"


def _encoded(mode: str, colour: object, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (30, 20), colour).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_encoded("L", 128, "PNG"), (128, 128, 128)),
        (_encoded("L", 128, "JPEG"), (128, 128, 128)),
        (_encoded("I;16", 32896, "PNG"), (128, 128, 128)),  # 16-bit scaled, not clipped white
        (_encoded("LA", (100, 0), "PNG"), (255, 255, 255)),  # transparent: flattened on white
        (_encoded("CMYK", (0, 0, 0, 0), "JPEG"), (255, 255, 255)),
        (_encoded("RGBA", (0, 0, 255, 255), "WEBP"), (0, 0, 255)),
    ],
    ids=["grey-png", "grey-jpeg", "16-bit-png", "grey-alpha-png", "cmyk-jpeg", "rgba-webp"],
)
def test_every_pixel_format_comes_out_as_8_bit_rgb(data: bytes, expected: tuple) -> None:
    output = _open(redact_photo(data).data)
    assert output.mode == "RGB"
    pixel = output.getpixel((15, 10))
    assert all(abs(a - b) <= 4 for a, b in zip(pixel, expected, strict=True))


# ---------------------------------------------------------------- hostile input


def test_the_preview_outlines_each_box_on_the_prepared_photo(portrait: bytes) -> None:
    boxes = [*detect_faces(portrait), Box(x=20, y=300, width=100, height=40, source="manual")]
    preview = _open(preview_with_boxes(portrait, boxes)).convert("RGB")

    assert preview.size == (360, 360)
    assert preview.getexif() == {}
    face = boxes[0]
    red = preview.getpixel((face.x + face.width // 2, face.y))
    blue = preview.getpixel((70, 300))
    assert red[0] > 150 and red[0] > 2 * max(red[1], red[2])
    assert blue[2] > 150 and blue[2] > 2 * max(blue[0], blue[1])


def test_make_photo_records_the_redaction_and_who_checked_it(portrait: bytes) -> None:
    at = datetime(2026, 11, 3, 10, 30, tzinfo=UTC)
    redacted = redact_photo(portrait, extra_boxes=[Box(x=0, y=0, width=10, height=10)])
    photo = make_photo(redacted, "Allergy poster by the hatch", "J. Consultant", confirmed_at=at)

    assert photo.data == redacted.data
    assert (photo.media_type, photo.width, photo.height) == ("image/jpeg", 360, 360)
    assert photo.caption == "Allergy poster by the hatch"
    assert photo.redaction is not None
    assert photo.redaction.pipeline_version == PIPELINE_VERSION
    assert photo.redaction.boxes == redacted.boxes
    assert photo.redaction.confirmed_by == "J. Consultant"
    assert photo.redaction.confirmed_at == at
    assert not photo.needs_review
    assert Photo.model_validate_json(photo.model_dump_json()) == photo


def test_make_photo_needs_the_checked_confirmation(portrait: bytes) -> None:
    with pytest.raises(PrivacyError, match="checked this photo"):
        make_photo(redact_photo(portrait), "", "   ")


def test_ensure_redacted_leaves_a_recorded_photo_byte_identical(portrait: bytes) -> None:
    photo = make_photo(redact_photo(portrait), "poster", "J. Consultant")
    document = photo.model_dump_json()
    assert ensure_redacted(photo).model_dump_json() == document


def test_ensure_redacted_redacts_an_unrecorded_photo_and_flags_it(portrait: bytes) -> None:
    raw = Photo(
        media_type="image/jpeg",
        width=360,
        height=360,
        caption="old",
        data=base64.b64encode(portrait),
    )
    finding = Finding(
        audit_id="a" * 10,
        location_id="l" * 10,
        categories=["anaphylaxis"],
        format="poster",
        identifiability="full_name_photo",
        detail_level="diagnosis",
        photos=[raw],
    )

    photo = ensure_redacted(finding.photos[0])

    assert (photo.id, photo.caption, photo.created_at) == (raw.id, raw.caption, raw.created_at)
    assert photo.data != portrait
    assert photo.needs_review
    assert photo.redaction is not None
    assert photo.redaction.confirmed_by == ""
    assert photo.redaction.boxes
    assert detect_faces(photo.data) == []


def test_ensure_redacted_refuses_a_stored_file_that_is_not_a_picture() -> None:
    raw = Photo(media_type="image/png", width=1, height=1, data=base64.b64encode(b"not an image"))
    with pytest.raises(PrivacyError, match="not a picture"):
        ensure_redacted(raw)
