"""Floor plans: hostile uploads refused, size bounded, metadata stripped; taps normalised; pins
drawn where the positions say; unplaced locations listed."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageColor

from datawalk import floorplan
from datawalk.errors import ValidationError
from datawalk.models import Location, PlanImage, Position
from datawalk.plan_image import draw_pins
from datawalk.plan_markers import PIN_COLOURS
from datawalk.privacy.images import PhotoLimits


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _plan(width: int = 600, height: int = 400) -> PlanImage:
    data = _encode(Image.new("RGB", (width, height), (255, 255, 255)), "PNG")
    return PlanImage(
        media_type="image/png", width=width, height=height, data=base64.b64encode(data)
    )


def test_a_png_plan_stays_png_with_its_size():
    plan = floorplan.plan_from_upload(_encode(Image.new("RGB", (800, 500), (9, 9, 9)), "PNG"))
    assert (plan.media_type, plan.width, plan.height) == ("image/png", 800, 500)
    assert Image.open(io.BytesIO(plan.data)).size == (800, 500)


def test_a_jpeg_plan_loses_its_metadata():
    exif = Image.Exif()
    exif[0x010E] = "Taken at 1 Example Road"  # ImageDescription
    data = _encode(Image.new("RGB", (300, 200), (200, 10, 10)), "JPEG", exif=exif.tobytes())
    assert b"Example Road" in data
    plan = floorplan.plan_from_upload(data)
    assert plan.media_type == "image/jpeg"
    assert b"Example Road" not in plan.data
    assert not Image.open(io.BytesIO(plan.data)).getexif()


def test_a_large_plan_is_scaled_down_to_the_limit():
    limits = PhotoLimits(output_long_side=500)
    data = _encode(Image.new("RGB", (2000, 1000), (0, 0, 0)), "PNG")
    plan = floorplan.plan_from_upload(data, limits)
    assert (plan.width, plan.height) == (500, 250)


@pytest.mark.parametrize(
    "data",
    [
        b"plain text renamed plan.png",
        _encode(Image.new("RGB", (50, 50)), "GIF"),
        _encode(Image.new("RGB", (50, 50)), "WEBP"),
        b"",
    ],
    ids=["text", "gif", "webp", "empty"],
)
def test_anything_but_png_or_jpeg_is_refused_at_the_plan_field(data):
    with pytest.raises(ValidationError) as caught:
        floorplan.plan_from_upload(data)
    assert caught.value.field == "plan"
    assert "PNG or JPEG" in str(caught.value)


def test_a_damaged_png_is_refused():
    data = _encode(Image.new("RGB", (400, 400), (1, 2, 3)), "PNG")
    with pytest.raises(ValidationError) as caught:
        floorplan.plan_from_upload(data[: len(data) // 2])
    assert caught.value.field == "plan"


def test_a_plan_over_the_byte_limit_is_refused_with_the_limit_named():
    limits = PhotoLimits(max_bytes=1000)
    data = _encode(Image.effect_noise((200, 200), 80).convert("RGB"), "PNG")
    with pytest.raises(ValidationError, match=r"Floor plan is .* MB; the limit is"):
        floorplan.plan_from_upload(data, limits)


def test_a_decompression_bomb_is_refused():
    limits = PhotoLimits(max_pixels=10_000)
    data = _encode(Image.new("RGB", (1000, 1000)), "PNG")
    with pytest.raises(ValidationError, match="megapixels"):
        floorplan.plan_from_upload(data, limits)


def test_plan_data_uri_carries_the_image():
    plan = _plan()
    uri = floorplan.plan_data_uri(plan)
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix) :]) == plan.data


@pytest.mark.parametrize(
    ("click", "expected"),
    [
        ({"x": 50, "y": 25, "width": 200, "height": 100}, (0.25, 0.25)),
        ({"x": 0, "y": 100, "width": 200, "height": 100}, (0.0, 1.0)),
        ({"x": 250, "y": -3, "width": 200, "height": 100}, (1.0, 0.0)),
        ({"x": 1, "y": 2, "width": 3, "height": 7, "unix_time": 1}, (0.3333, 0.2857)),
    ],
)
def test_a_tap_becomes_a_normalised_position(click, expected):
    position = floorplan.position_from_click(click)
    assert (position.x, position.y) == pytest.approx(expected)


def test_a_tap_is_the_same_place_whatever_size_the_plan_was_drawn():
    small = floorplan.position_from_click({"x": 30, "y": 20, "width": 300, "height": 200})
    large = floorplan.position_from_click({"x": 90, "y": 60, "width": 900, "height": 600})
    assert small == large
    assert (small.x * 600, small.y * 400) == pytest.approx((60, 40))


@pytest.mark.parametrize(
    "click",
    [{"x": 1, "y": 1, "width": 0, "height": 10}, {"x": 1, "y": 1}, {"x": "a", "y": 1}],
)
def test_a_tap_without_a_size_is_refused(click):
    with pytest.raises(ValidationError) as caught:
        floorplan.position_from_click(click)
    assert caught.value.field == "position"


def _location(name: str, floor: str = "ground", position: Position | None = None) -> Location:
    return Location(
        audit_id="audit-12345", name=name, location_type="classroom", floor_id=floor,
        position=position,
    )  # fmt: skip


def test_unpinned_locations_are_listed_by_name():
    locations = [
        _location("Staff room"),
        _location("hall", position=Position(x=0.5, y=0.5)),
        _location("Art room", floor="first"),
        _location("attic"),
    ]
    assert [loc.name for loc in floorplan.unpinned_locations(locations)] == [
        "Art room",
        "attic",
        "Staff room",
    ]
    on_ground = floorplan.unpinned_locations(locations, "ground")
    assert [loc.name for loc in on_ground] == ["attic", "Staff room"]
    assert [loc.name for loc in floorplan.pinned_locations(locations, "ground")] == ["hall"]


def test_pins_are_drawn_where_the_positions_say():
    plan = _plan(600, 400)
    here = _location("Kitchen", position=Position(x=0.25, y=0.5))
    there = _location("Hall", position=Position(x=0.75, y=0.25))
    image = draw_pins(plan, [here, there, _location("Nowhere")], current_id=here.id)
    assert image.size == (600, 400)
    assert image.getpixel((150, 200)) == ImageColor.getrgb(PIN_COLOURS["current"])
    assert image.getpixel((450, 100)) == ImageColor.getrgb(PIN_COLOURS["other"])
    assert image.getpixel((5, 5)) == (255, 255, 255)
