"""The quadrant chart: each finding's privacy level against its safeguarding level, with the four
classifications as labelled quadrants.

Both axes are level indices, so the quadrant lines sit exactly at the checklist's
`thresholds.concern_level` and a point's quadrant is its classification. The raw numbers behind
the levels (exposure and availability gap, 0–5) are in the hover. Points sharing a cell are
spread on a sunflower spiral ordered by reference: deterministic, and none hides another.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from datawalk.charts.style import (
    OUTLINE,
    base_layout,
    classification_name,
    escape,
    level_names,
    present_indices,
    wrap,
)
from datawalk.vocabulary import Level

QUADRANT_HEIGHT = 560
CELL_RADIUS = 0.4
LABEL_BAND = 0.5  # extra room above and below the cells, where the quadrant names sit
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
GOOD_PRACTICE_NAME = "Good practice (star, in its level's colour)"
SHADED = ("over_exposed", "under_available")  # the two quadrants that need something doing
WEBGL_ABOVE = 1500
# What a point needs: where it sits, what its hover box says, and its colour and shape.
POINT_COLUMNS = [
    "id",
    "reference",
    "location",
    "categories",
    "classification",
    "privacy_index",
    "safeguarding_index",
    "worst_index",
    "exposure",
    "availability_gap",
    "first_reason",
    "good_practice",
]  # SVG draws one element per point; past this, WebGL keeps the page fluid


def spread_points(frame: pd.DataFrame, x: str, y: str, radius: float = CELL_RADIUS) -> pd.DataFrame:
    """Return `frame` with jx, jy: x and y moved apart within their cell (a sunflower spiral).

    The k-th of n points in a cell (ordered by reference, then id) goes to distance
    radius·√(k/n) at angle k·golden angle: the same input always gives the same picture, and no
    two points of a cell coincide.
    """
    out = frame.copy()
    if out.empty:
        return out.assign(jx=pd.Series(dtype=float), jy=pd.Series(dtype=float))
    order = out.sort_values(["reference", "id"], kind="stable")
    groups = order.groupby([x, y], sort=False)
    k = groups.cumcount().to_numpy(dtype=float)
    n = groups[x].transform("size").to_numpy(dtype=float)
    distance = radius * np.sqrt(k / n)
    angle = k * GOLDEN_ANGLE
    out.loc[order.index, "jx"] = order[x].to_numpy(dtype=float) + distance * np.cos(angle)
    out.loc[order.index, "jy"] = order[y].to_numpy(dtype=float) + distance * np.sin(angle)
    return out


def build_quadrant(
    frame: pd.DataFrame, levels: Sequence[Level], concern_level: int, title: str | None = None
) -> go.Figure:
    """Return the quadrant chart of dashboard rows; markers coloured by the worse level.

    The traces and the layout are handed to plotly as plain data in one go: plotly checks what
    it is given on every call, and a 5,000-point chart built call by call was checked over and
    over."""
    points = spread_points(frame[POINT_COLUMNS], "privacy_index", "safeguarding_index")
    kind = "scattergl" if len(points) > WEBGL_ABOVE else "scatter"
    points["hover"] = hover_texts(points, levels)
    starred = points["good_practice"].astype(bool)
    traces: list[dict[str, Any]] = []
    for index in reversed(present_indices(points["worst_index"])):
        level = levels[index]
        at_level = points["worst_index"] == index
        # Circles carry the level's legend entry; good practice is drawn as stars in the same
        # colour with no entry of its own, so the legend never says "star = this level".
        traces.append(_level_trace(kind, points[at_level & ~starred], level, "circle"))
        stars = points[at_level & starred]
        if not stars.empty:
            traces.append(_level_trace(kind, stars, level, "star", legend=False))
    if starred.any():
        traces.append(_good_practice_key(kind))
    names = [escape(name) for name in level_names(levels)]
    ticks = {"tickvals": list(range(len(levels))), "ticktext": names, "fixedrange": True}
    shapes, annotations = _quadrants(len(levels), concern_level)
    layout = {
        "xaxis": {
            "title": {"text": "Privacy level (exposure × sensitivity)"},
            "range": [-0.5, len(levels) - 0.5],
            **ticks,
        },
        "yaxis": {
            "title": {"text": "Safeguarding level (availability gap × need)"},
            "range": [-0.5 - LABEL_BAND, len(levels) - 0.5 + LABEL_BAND],
            **ticks,
        },
        "shapes": shapes,
        "annotations": annotations,
        "hovermode": "closest",
        "dragmode": False,
    }
    figure = go.Figure(data=traces, layout=layout)
    return base_layout(figure, height=QUADRANT_HEIGHT, title=title)


def _level_trace(
    kind: str,
    rows: pd.DataFrame,
    level: Level,
    symbol: str,
    *,
    legend: bool = True,
) -> dict[str, Any]:
    """One level's findings (with their `hover` text) in one marker shape; a level with only
    good practice keeps a (point-less) circle trace so the legend still names it."""
    trace: dict[str, Any] = {
        "type": kind,
        "x": rows["jx"] if not rows.empty else [None],
        "y": rows["jy"] if not rows.empty else [None],
        "mode": "markers",
        "name": escape(level.name),
        "legendgroup": level.id,
        "showlegend": legend,
        "hovertext": rows["hover"].tolist(),
        "hovertemplate": "%{hovertext}<extra></extra>",
        "marker": {
            "size": 16 if symbol == "star" else 13,
            "color": level.hexcolor,
            "line": {"color": OUTLINE, "width": 1.5},
            "symbol": symbol,
        },
    }
    if not rows.empty:
        # Text, not objects: plotly takes a string array as it is, but walks an object array.
        trace["customdata"] = rows[["id"]].to_numpy().astype(str)
    return trace


def _good_practice_key(kind: str) -> dict[str, Any]:
    """A legend entry only: the star shape means good practice, whatever its colour."""
    return {
        "type": kind,
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": GOOD_PRACTICE_NAME,
        "hoverinfo": "skip",
        "marker": {
            "size": 16,
            "color": "#FFFFFF",
            "line": {"color": OUTLINE, "width": 1.5},
            "symbol": "star",
        },
    }


def hover_texts(points: pd.DataFrame, levels: Sequence[Level]) -> list[str]:
    """Each point's hover box: reference and place, categories, both levels with the numbers
    behind them, and the first reason. Places, categories and reasons repeat across findings,
    so each distinct one is escaped and wrapped once."""
    names = [escape(level.name) for level in levels]
    places = _each_once(points["location"], escape)
    categories = _each_once(points["categories"], wrap)
    classifications = _each_once(
        points["classification"], lambda value: escape(classification_name(value))
    )
    reasons = _each_once(points["first_reason"], wrap)
    rows = zip(
        points["reference"].tolist(),
        places,
        categories,
        classifications,
        points["privacy_index"].tolist(),
        points["exposure"].tolist(),
        points["safeguarding_index"].tolist(),
        points["availability_gap"].tolist(),
        reasons,
        strict=True,
    )
    return [
        f"<b>{escape(reference)} · {place}</b><br>{cats}<br>"
        f"{named}: privacy {names[int(privacy)]} (exposure {exposure}/5), "
        f"safeguarding {names[int(safeguarding)]} (gap {gap}/5)<br><i>{reason}</i>"
        for reference, place, cats, named, privacy, exposure, safeguarding, gap, reason in rows
    ]


def _each_once(values: pd.Series, render: Callable[[str], str]) -> list[str]:
    """`render` of every value, computed once per distinct value."""
    done: dict[object, str] = {}
    return [done[v] if v in done else done.setdefault(v, render(v)) for v in values.tolist()]


def _quadrants(count: int, concern_level: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The shapes that shade the four quadrants split at the concern level, and the annotations
    that name each in the band outside the cells, so no label covers a point."""
    split = concern_level - 0.5
    low, high = -0.5, count - 0.5
    bottom, top = low - LABEL_BAND, high + LABEL_BAND
    corners = {
        "proportionate": (low, split, low, split),
        "over_exposed": (split, high, low, split),
        "under_available": (low, split, split, high),
        "both": (split, high, split, high),
    }
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for classification, (x0, x1, y0, y1) in corners.items():
        shade = {"fillcolor": "#F2F2F2"} if classification in SHADED else {}
        shapes.append(
            {
                "type": "rect",
                "x0": x0,
                "x1": x1,
                "y0": bottom if y0 == low else y0,
                "y1": top if y1 == high else y1,
                "line": {"width": 0},
                **shade,
                "layer": "below",
            }
        )
        annotations.append(
            {
                "x": x1 if x0 == split else x0,
                "y": top if y0 == split else bottom,
                "xanchor": "right" if x0 == split else "left",
                "yanchor": "top" if y0 == split else "bottom",
                "text": f"<b>{escape(classification_name(classification))}</b>",
                "showarrow": False,
                "font": {"size": 13, "color": "#333333"},
            }
        )
    for axis in ("x", "y"):
        shapes.append(
            {
                "type": "line",
                "x0": split if axis == "x" else low,
                "x1": split if axis == "x" else high,
                "y0": bottom if axis == "x" else split,
                "y1": top if axis == "x" else split,
                "line": {"color": "#555555", "width": 2, "dash": "dash"},
            }
        )
    return shapes, annotations
