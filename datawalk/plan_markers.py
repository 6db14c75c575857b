"""The markers on a floor plan, described once: where each sits, how big it is, its colour and
what it says. The dashboard's plotly map, its tappable image, the workbook's plans and the walk
page's pins all draw these, so a place looks the same wherever it is shown.

A marker's size is its diameter in screen pixels when the plan is drawn SCREEN_LONG_SIDE pixels
on its long side (a tablet's column); renderers scale it to their own pixels. A hotspot marker is
filled with its worst level's colour and sized by its number of findings (area grows with the
count); a place without findings is hollow, a diamond when it was visited with nothing found.
Every marker has a text label, so colour is never the only cue. No streamlit, no drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from datawalk.models import Location
from datawalk.vocabulary import Level

SCREEN_LONG_SIDE = 900  # typical drawn width of the plan on a tablet, in screen pixels
MIN_MARKER = 16
MAX_MARKER = 46
TOUCH_RADIUS = 22  # half of a 44-pixel touch target, in screen pixels
OUTLINE = "#1A1A1A"
PAPER = "#FFFFFF"  # the inside of a hollow marker on an image, so it stays visible on the plan
VISITED_NAME = "Visited, nothing found"
NOTHING_SHOWN_NAME = "No findings shown"
# One row per location, as `dashboard.location_points` returns them (x, y normalised 0–1).
POINT_COLUMNS = ["location_id", "name", "floor_id", "x", "y", "findings", "level", "nothing_found"]
PIN_COLOURS = {"current": "#D55E00", "other": "#0072B2"}  # Okabe–Ito vermillion, blue
PIN_SIZES = {"current": 21.0, "other": 13.5}
NAME_CHARS = 40


@dataclass(frozen=True)
class PlanMarker:
    """One marker: normalised position, diameter in screen pixels, colours and text."""

    location_id: str
    name: str
    x: float
    y: float
    size: float
    fill: str
    legend: str  # what the colour means: a level name, or what an empty marker means
    findings: int = 0
    level: int | None = None
    hollow: bool = False
    symbol: str = "circle"  # or "diamond"
    outline: str = OUTLINE
    outline_width: float = 2.0
    number: int | None = None  # the workbook's map number, printed inside the marker

    @property
    def status(self) -> str:
        """The label's second line: level and count, or what an empty marker means."""
        return f"{self.legend} · {self.findings}" if self.findings else self.legend

    @property
    def colour(self) -> str:
        """The colour that carries the meaning: the outline of a hollow marker, else its fill."""
        return self.outline if self.hollow else self.fill


def marker_sizes(counts: pd.Series | np.ndarray) -> np.ndarray:
    """Marker diameters that grow with the square root of the count (area ∝ findings), capped."""
    values = np.asarray(counts, dtype=float)
    return np.clip(MIN_MARKER + 6 * np.sqrt(values), MIN_MARKER, MAX_MARKER)


def hotspot_markers(
    points: pd.DataFrame, levels: Sequence[Level], numbers: Mapping[str, int] | None = None
) -> list[PlanMarker]:
    """Return a marker per placed row of `points` (POINT_COLUMNS), in the rows' order.

    `level` is the worst level's index (NaN without findings). `numbers` gives map numbers by
    location id, for a picture whose table names the places.
    """
    placed = points.dropna(subset=["x", "y"])
    sizes = marker_sizes(placed["findings"])
    markers = []
    for row, size in zip(placed.itertuples(index=False), sizes, strict=True):
        empty = PlanMarker(
            location_id=str(row.location_id),
            name=str(row.name),
            x=float(row.x),
            y=float(row.y),
            size=float(size),
            fill=PAPER,
            legend=NOTHING_SHOWN_NAME,
            findings=int(row.findings),
            hollow=True,
            number=numbers.get(str(row.location_id)) if numbers else None,
        )
        if empty.findings:
            level = levels[int(row.level)]
            marker = replace(
                empty, fill=level.hexcolor, legend=level.name, level=int(row.level), hollow=False
            )
        elif row.nothing_found:
            marker = replace(empty, legend=VISITED_NAME, symbol="diamond")
        else:
            marker = empty
        markers.append(marker)
    return markers


def pin_markers(locations: Iterable[Location], current_id: str | None = None) -> list[PlanMarker]:
    """Return the walk page's pins: the current location larger and vermillion, the others blue
    (Okabe–Ito), each labelled with its name; the current one last, so it is drawn on top."""
    pins = []
    for loc in sorted(locations, key=lambda loc: loc.id == current_id):
        if loc.position is None:
            continue
        role = "current" if loc.id == current_id else "other"
        pins.append(
            PlanMarker(
                location_id=loc.id,
                name=loc.name,
                x=loc.position.x,
                y=loc.position.y,
                size=PIN_SIZES[role],
                fill=PIN_COLOURS[role],
                legend="",
                outline=PAPER,
                outline_width=2.25,
            )
        )
    return pins


def screen_scale(size: tuple[float, float]) -> float:
    """Image pixels per screen pixel when an image of `size` is drawn at a tablet's width."""
    return max(size) / SCREEN_LONG_SIDE


def marker_radii(markers: Sequence[PlanMarker], size: tuple[float, float]) -> np.ndarray:
    """Marker radii in the pixels of an image of `size`."""
    return np.array([m.size for m in markers], dtype=float) / 2 * screen_scale(size)


def nearest_marker(
    markers: Sequence[PlanMarker], x: float, y: float, size: tuple[float, float]
) -> str | None:
    """Return the location id of the marker under a tap at normalised (x, y), or None.

    A tap counts within a marker or within half a finger's width of its centre (small markers
    are hard to hit); of several, the nearest centre wins. `size` is the image's (width, height)
    as drawn or as shown: only its proportions and scale matter.
    """
    if not markers:
        return None
    width, height = size
    reach = np.maximum(marker_radii(markers, size), TOUCH_RADIUS * screen_scale(size))
    distances = np.hypot(
        (np.array([m.x for m in markers]) - x) * width,
        (np.array([m.y for m in markers]) - y) * height,
    )
    hits = np.flatnonzero(distances <= reach)
    if hits.size == 0:
        return None
    return markers[int(hits[np.argmin(distances[hits])])].location_id


# Since last walk: each place coloured by the direction of its worst level (Okabe–Ito bluish
# green, grey, vermillion), always with the word, and hollow where it was not checked.
CHANGE_COLOURS = {"better": "#009E73", "same": "#BBBBBB", "worse": "#D55E00", "not checked": PAPER}
CHANGE_SIZE = 26.0


def change_markers(rows: pd.DataFrame, locations: Iterable[Location]) -> list[PlanMarker]:
    """Return a marker per placed location of a since-last-walk table (`rewalk.compare`)."""
    by_id = {loc.id: loc for loc in locations}
    markers = []
    for row in rows.itertuples(index=False):
        loc = by_id.get(str(row.location_id))
        if loc is None or loc.position is None:
            continue
        direction = str(row.direction)
        markers.append(
            PlanMarker(
                location_id=loc.id,
                name=loc.name,
                x=loc.position.x,
                y=loc.position.y,
                size=CHANGE_SIZE,
                fill=CHANGE_COLOURS.get(direction, PAPER),
                legend=direction.capitalize(),
                hollow=direction == "not checked",
                symbol="diamond" if direction == "worse" else "circle",
            )
        )
    return markers
