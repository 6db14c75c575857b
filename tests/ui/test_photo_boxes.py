"""The box tool on the walk page: the prompt to cover names and medical details, quick strips,
the first corner marked on the picture, and boxes added after a reload on the redacted copy."""

from __future__ import annotations

import base64
import io

from PIL import Image
from streamlit.testing.v1 import AppTest

from datawalk.models import Position
from datawalk.privacy.photos import FILL_COLOUR
from tests.ui.test_photo_serving import image_urls, upload_portrait
from tests.ui.walking import cap_key, errors_of, walk_page


def _photo(at: AppTest):
    (photo,) = at.session_state["cap_draft"].photos
    return photo


def _pixel(photo, x: int, y: int) -> tuple[int, ...]:
    return Image.open(io.BytesIO(photo.data)).convert("RGB").getpixel((x, y))


def _near_fill(pixel: tuple[int, ...]) -> bool:
    return max(abs(a - b) for a, b in zip(pixel, FILL_COLOUR, strict=True)) <= 16


def test_the_page_asks_for_names_and_medical_details_to_be_covered(open_page, walk) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    assert [m for m in at.markdown if "Cover names and medical details" in m.value]


def test_a_bottom_strip_covers_the_foot_of_the_photo_and_withdraws_the_tick(
    open_page, walk
) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    photo = _photo(at)
    at.checkbox(key=f"cap_checked_{photo.id}").check().run()
    at.toggle(key=f"cap_adjust_{photo.id}").set_value(True).run()
    assert not _near_fill(_pixel(photo, photo.width // 2, photo.height - 3))

    at.button(key=f"cap_strip_bottom_{photo.id}").click().run()
    covered = _photo(at)
    strip = covered.redaction.boxes[-1]
    assert strip.source == "manual" and strip.width == photo.width
    assert strip.y + strip.height == photo.height
    assert _near_fill(_pixel(covered, photo.width // 2, photo.height - 3))
    assert not covered.redaction.confirmed_by  # what is covered changed: check again


def test_the_first_corner_is_marked_and_a_strip_can_be_laid_there(open_page, walk) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    photo = _photo(at)
    at.toggle(key=f"cap_adjust_{photo.id}").set_value(True).run()
    at.session_state["cap_box_corner"] = {photo.id: Position(x=0.5, y=0.5)}
    at.run()
    assert [c for c in at.caption if "the ring marks the first" in c.value]

    at.button(key=f"cap_strip_here_{photo.id}").click().run()
    strip = _photo(at).redaction.boxes[-1]
    assert strip.y <= photo.height // 2 <= strip.y + strip.height
    assert at.session_state["cap_box_corner"] == {}


def test_after_a_reload_a_strip_is_added_on_the_redacted_copy(open_page, walk) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    before = _photo(at)
    at = walk_page(open_page, walk)  # a new session: the original is gone
    at.toggle(key=f"cap_adjust_{before.id}").set_value(True).run()
    at.button(key=f"cap_strip_top_{before.id}").click().run()
    after = _photo(at)
    assert after.redaction.boxes[: len(before.redaction.boxes)] == before.redaction.boxes
    assert len(after.redaction.boxes) == len(before.redaction.boxes) + 1
    assert _near_fill(_pixel(after, before.width // 2, 3))
    at.toggle(key=f"cap_adjust_{before.id}").set_value(False).run()
    shown = base64.b64decode(image_urls(at)[0].split(",", 1)[1])
    assert shown  # the preview is redrawn from the newly stored image


def test_a_heic_photo_from_an_ipad_gets_a_clear_message(open_page, walk) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
    at = walk_page(open_page, walk)
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("IMG_0001.HEIC", heic, "image/heic")]
    ).run()
    assert "HEIC/HEIF photos" in errors_of(at) and "Most Compatible" in errors_of(at)
    assert at.session_state["cap_draft"].photos == []
