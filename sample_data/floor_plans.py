"""Floor plans of the fictional Hollybrook Primary School, drawn with Pillow.

The rooms are data (a name, a label and a box in pixels of a 1200×800 plan); `draw_plan` turns a
floor into a PNG and `room_position` gives the normalised point where a location's marker goes,
so the sample walk's positions always land inside the room they name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 800
SCHOOL = "Hollybrook Primary School (fictional)"

_WALL = (55, 65, 81)
_TEXT = (31, 41, 55)
_MUTED = (107, 114, 128)
_FILLS = {
    "room": (249, 250, 251),
    "class": (239, 246, 255),
    "staff": (254, 249, 235),
    "food": (240, 253, 244),
    "care": (253, 242, 248),
    "circulation": (229, 231, 235),
    "outside": (220, 238, 214),
    "parking": (214, 214, 214),
    "closed": (243, 244, 246),
}


@dataclass(frozen=True)
class Room:
    key: str
    label: str
    box: tuple[int, int, int, int]
    kind: str = "room"
    not_visited: bool = False


@dataclass(frozen=True)
class FloorSpec:
    key: str
    name: str
    order: int
    rooms: tuple[Room, ...]

    def room(self, key: str) -> Room:
        return next(room for room in self.rooms if room.key == key)


GROUND = FloorSpec(
    key="ground",
    name="Ground floor",
    order=0,
    rooms=(
        Room("reception", "Reception\n& entrance", (40, 90, 220, 300), "room"),
        Room("office", "School office", (220, 90, 380, 300), "staff"),
        Room("medical", "Medical\nroom", (380, 90, 500, 300), "care"),
        Room("staff_room", "Staff room", (500, 90, 720, 300), "staff"),
        Room("copier", "Copier", (720, 90, 800, 300), "staff"),
        Room("trip_store", "Trip &\nstock\nstore", (800, 90, 900, 300), "staff"),
        Room("willow", "Willow class\n(Year 2)", (900, 90, 1160, 300), "class"),
        Room("corridor", "Main corridor", (40, 300, 1160, 360), "circulation"),
        Room("acorn", "Acorn class\n(Reception year)", (40, 360, 280, 620), "class"),
        Room("hall", "Main hall\n(PE, assemblies)", (280, 360, 560, 620), "room"),
        Room("dining", "Dining hall", (560, 360, 900, 620), "food"),
        Room("servery", "Servery", (900, 360, 980, 620), "food"),
        Room("kitchen", "Kitchen", (980, 360, 1160, 620), "food"),
        Room("playground", "Playground", (40, 650, 700, 780), "outside"),
        Room("kit_point", "Kit point", (580, 660, 690, 720), "care"),
        Room("car_park", "Car park", (730, 650, 1160, 780), "parking"),
        Room("minibus", "Minibus", (1000, 690, 1130, 750), "room"),
    ),
)

FIRST = FloorSpec(
    key="first",
    name="First floor",
    order=1,
    rooms=(
        Room("kestrel", "Kestrel class\n(Year 3)", (40, 90, 290, 300), "class"),
        Room("rowan", "Rowan class\n(Year 4)", (290, 90, 540, 300), "class"),
        Room("hazel", "Hazel class\n(Year 5)", (540, 90, 790, 300), "class"),
        Room("oak", "Oak class (Year 6)\nnot visited", (790, 90, 1040, 300), "closed", True),
        Room("stairs_top", "Stairs", (1040, 90, 1160, 300), "circulation"),
        Room("corridor", "Upper corridor", (40, 300, 1160, 360), "circulation"),
        Room("dsl", "DSL office", (40, 360, 220, 620), "care"),
        Room("senco", "SENCO room", (220, 360, 400, 620), "care"),
        Room("ict", "ICT suite", (400, 360, 650, 620), "class"),
        Room("library", "Library", (650, 360, 850, 620), "room"),
        Room("toilets", "Pupil\ntoilets", (850, 360, 1040, 620), "room"),
        Room("stairs_bottom", "Stairs", (1040, 360, 1160, 620), "circulation"),
    ),
)

FLOORS = (GROUND, FIRST)


def room_position(floor: FloorSpec, key: str, dx: float = 0.0, dy: float = 0.25) -> dict:
    """Return the normalised marker point in a room: below its label, nudged by a box fraction."""
    left, top, right, bottom = floor.room(key).box
    x = (left + right) / 2 + dx * (right - left) / 2
    y = (top + bottom) / 2 + dy * (bottom - top) / 2
    return {"x": round(x / WIDTH, 4), "y": round(y / HEIGHT, 4)}


def draw_plan(floor: FloorSpec) -> bytes:
    """Return the floor plan as PNG bytes (deterministic for a given Pillow build)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    title = ImageFont.load_default(size=26)
    label = ImageFont.load_default(size=17)
    small = ImageFont.load_default(size=13)
    draw.text((40, 28), f"{SCHOOL}: {floor.name}", font=title, fill=_TEXT)
    for room in floor.rooms:
        if room.not_visited:
            _hatch(image, room)
        _draw_room(draw, room, label)
    draw.rectangle((40, 90, 1160, 620), outline=_WALL, width=5)
    _draw_north_arrow(draw, small)
    draw.text(
        (40, 783),
        "Drawn for the DataWalk sample; not to scale. All names are fictional.",
        font=small,
        fill=_MUTED,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_room(draw: ImageDraw.ImageDraw, room: Room, font: ImageFont.FreeTypeFont) -> None:
    fill = None if room.not_visited else _FILLS[room.kind]
    width = 2 if room.kind in {"outside", "parking"} else 3
    draw.rectangle(room.box, fill=fill, outline=_WALL, width=width)
    left, top, right, bottom = room.box
    centre = ((left + right) / 2, (top + bottom) / 2 - (12 if bottom - top > 90 else 0))
    draw.multiline_text(centre, room.label, font=font, fill=_TEXT, anchor="mm", align="center")


def _hatch(image: Image.Image, room: Room) -> None:
    """Diagonal hatching, clipped to the room, marks an area outside the walk's scope."""
    left, top, right, bottom = room.box
    width, height = right - left, bottom - top
    tile = Image.new("RGB", (width, height), _FILLS[room.kind])
    pen = ImageDraw.Draw(tile)
    for offset in range(0, width + height, 18):
        pen.line(((offset, 0), (offset - height, height)), fill=(209, 213, 219), width=1)
    image.paste(tile, (left, top))


def _draw_north_arrow(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont) -> None:
    x, y = 1130, 40
    draw.polygon([(x, y - 22), (x - 9, y + 6), (x + 9, y + 6)], fill=_WALL)
    draw.text((x, y + 18), "N", font=font, fill=_WALL, anchor="mm")
