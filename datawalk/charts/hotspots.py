"""The floor-plan hotspot map: the plan image under one marker per placed location, coloured by
its worst level, sized by its number of findings and labelled with its name and level.

Labels are annotations on a white card rather than trace text, so they stay legible over the
room names a drawn plan already carries; they alternate above and below along a row of rooms.

Markers carry the location id as `customdata[0]`, so a tap (plotly point selection) tells the
page which location's findings to show.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from datawalk.charts.style import base_layout, escape, wrap
from datawalk.floorplan import plan_data_uri
from datawalk.models import PlanImage
from datawalk.plan_markers import VISITED_NAME, PlanMarker, hotspot_markers
from datawalk.vocabulary import Level

DEFAULT_CANVAS = (1200, 800)
MAP_HEIGHT = 680
LABEL_WRAP = 18
HOLLOW_SYMBOLS = {"circle": "circle-open", "diamond": "diamond-open"}


def build_hotspot_map(
    points: pd.DataFrame,
    levels: Sequence[Level],
    plan: PlanImage | None,
    title: str | None = None,
) -> go.Figure:
    """Return the map of one floor from `dashboard.location_points` rows of that floor.

    Rows without a position are left out (the page lists them). Locations whose findings are
    all filtered away, and those visited with nothing found, get their own hollow markers so the
    map still shows they were walked. Markers are `plan_markers.hotspot_markers`, the same as
    the tappable image's and the workbook's.
    """
    width, height = (plan.width, plan.height) if plan else DEFAULT_CANVAS
    markers = hotspot_markers(points, levels)
    figure = go.Figure()
    groups: dict[str, list[PlanMarker]] = {}
    for marker in sorted(markers, key=_legend_order):
        groups.setdefault(marker.legend, []).append(marker)
    for name, group in groups.items():
        figure.add_trace(_trace(group, name, width, height))
    _label(figure, markers, width, height)
    _draw_plan(figure, plan, width, height)
    base_layout(figure, height=MAP_HEIGHT, title=title)
    figure.update_layout(dragmode=False, clickmode="event+select", hovermode="closest")
    return figure


def _legend_order(marker: PlanMarker) -> tuple[int, int]:
    """Worst level first, then the visited places, then those with nothing shown."""
    if marker.level is not None:
        return (0, -marker.level)
    return (1 if marker.legend == VISITED_NAME else 2, 0)


def _trace(markers: list[PlanMarker], name: str, width: int, height: int) -> go.Scatter:
    hover = [
        f"<b>{escape(m.name)}</b><br>{escape(name)}<br>{m.findings} finding(s)" for m in markers
    ]
    first = markers[0]
    return go.Scatter(
        x=[m.x * width for m in markers],
        y=[m.y * height for m in markers],
        mode="markers",
        name=escape(name),
        customdata=np.array([[m.location_id] for m in markers]),
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={
            "size": [m.size for m in markers],
            "color": first.colour,
            "symbol": HOLLOW_SYMBOLS[first.symbol] if first.hollow else first.symbol,
            "line": {"color": first.outline, "width": first.outline_width},
            "opacity": 0.95,
        },
        cliponaxis=False,
    )


_SIDES = {
    # side: annotation anchoring and the direction of the shift away from the marker
    "above": {"xanchor": "center", "yanchor": "bottom", "dx": 0, "dy": 1},
    "below": {"xanchor": "center", "yanchor": "top", "dx": 0, "dy": -1},
    "right": {"xanchor": "left", "yanchor": "middle", "dx": 1, "dy": 0},
    "left": {"xanchor": "right", "yanchor": "middle", "dx": -1, "dy": 0},
}
ASSUMED_PLAN_PX = 900  # typical drawn width of the plan, for estimating label boxes
CHAR_PX, LINE_PX, PAD_PX = 7.0, 15.0, 6.0
Box = tuple[float, float, float, float]


def _label(figure: go.Figure, markers: list[PlanMarker], width: int, height: int) -> None:
    """Write each marker's name, and its level and count, on a card beside it."""
    placed = pd.DataFrame(
        {
            "px": [m.x * width for m in markers],
            "py": [m.y * height for m in markers],
            "findings": [m.findings for m in markers],
            "name": [m.name for m in markers],
        }
    )
    offsets = np.array([m.size for m in markers]) / 2 + 3
    sides = place_labels(placed, offsets, ASSUMED_PLAN_PX / width)
    for marker, row, offset, side in zip(
        markers, placed.itertuples(index=False), offsets, sides, strict=True
    ):
        if marker.findings:
            status = f"<b>{escape(marker.legend)}</b> · {marker.findings}"
        else:
            status = escape(marker.legend)
        anchor = _SIDES[side]
        figure.add_annotation(
            x=row.px,
            y=row.py,
            text=f"{wrap(marker.name, LABEL_WRAP)}<br>{status}",
            showarrow=False,
            xanchor=anchor["xanchor"],
            yanchor=anchor["yanchor"],
            xshift=anchor["dx"] * offset,
            yshift=anchor["dy"] * offset,
            font={"size": 12, "color": "#111111"},
            bgcolor="rgba(255,255,255,0.88)",
            bordercolor="#9A9A9A",
            borderwidth=1,
            borderpad=2,
            captureevents=False,
        )


def place_labels(placed: pd.DataFrame, offsets: np.ndarray, scale: float) -> list[str]:
    """Return a side (above, below, right, left) per marker so that label cards overlap as
    little as possible.

    Greedy, busiest location first: each takes the side whose card collides least with the
    markers and cards already placed. `scale` turns plan pixels into estimated screen pixels.
    Deterministic for the same input.
    """
    centres = np.column_stack([placed["px"] * scale, placed["py"] * scale])
    markers: list[Box] = [
        (x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, offsets, strict=True)
    ]
    taken = list(markers)
    sides = [""] * len(placed)
    order = sorted(range(len(placed)), key=lambda i: (-placed["findings"].iat[i], i))
    for i in order:
        lines = textwrap.wrap(str(placed["name"].iat[i]), LABEL_WRAP) or [""]
        width = max(*(len(line) for line in lines), 14) * CHAR_PX + PAD_PX
        height = (len(lines) + 1) * LINE_PX + PAD_PX
        boxes = {side: _box(centres[i], offsets[i], width, height, side) for side in _SIDES}
        others = [box for box in taken if box is not markers[i]]
        sides[i] = min(_SIDES, key=lambda side: _overlap(boxes[side], others))
        taken.append(boxes[sides[i]])
    return sides


def _box(centre: np.ndarray, offset: float, width: float, height: float, side: str) -> Box:
    """The label card's screen box (y down) when put on `side` of a marker at `centre`."""
    x, y = float(centre[0]), float(centre[1])
    if side == "above":
        return (x - width / 2, y - offset - height, x + width / 2, y - offset)
    if side == "below":
        return (x - width / 2, y + offset, x + width / 2, y + offset + height)
    if side == "right":
        return (x + offset, y - height / 2, x + offset + width, y + height / 2)
    return (x - offset - width, y - height / 2, x - offset, y + height / 2)


def _overlap(box: Box, others: list[Box]) -> float:
    """Total area `box` shares with the other boxes."""
    total = 0.0
    for other in others:
        dx = min(box[2], other[2]) - max(box[0], other[0])
        dy = min(box[3], other[3]) - max(box[1], other[1])
        if dx > 0 and dy > 0:
            total += dx * dy
    return total


def _draw_plan(figure: go.Figure, plan: PlanImage | None, width: int, height: int) -> None:
    """Put the plan under the markers in its own pixels, y downwards, keeping its aspect ratio."""
    if plan is not None:
        figure.add_layout_image(
            source=plan_data_uri(plan),
            xref="x",
            yref="y",
            x=0,
            y=0,
            sizex=width,
            sizey=height,
            xanchor="left",
            yanchor="top",
            sizing="stretch",
            layer="below",
        )
    axis = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    figure.update_xaxes(range=[0, width], constrain="domain", **axis)
    figure.update_yaxes(
        range=[height, 0], scaleanchor="x", scaleratio=1, constrain="domain", **axis
    )
    if plan is None:
        figure.add_shape(
            type="rect", x0=0, y0=0, x1=width, y1=height, line={"color": "#BBBBBB", "dash": "dot"}
        )
        figure.add_annotation(
            x=width / 2,
            y=height / 2,
            text="No floor plan uploaded for this floor (add one in Settings)",
            showarrow=False,
            font={"color": "#555555"},
        )
