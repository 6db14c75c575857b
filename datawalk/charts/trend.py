"""The trend across a school's walks: how many locations had each worst level, walk by walk.

One stacked bar per walk (oldest left), each walk as scored with its own checklist version, which
the axis label names; a walk whose records were deleted at the end of their retention is drawn
from the counts and worst levels kept for it, and the label says so. Pure plotly.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from datawalk.charts.style import OUTLINE, base_layout, count_ticks, escape
from datawalk.colours import text_colour
from datawalk.rewalk.summary import WalkSummary
from datawalk.vocabulary import Level

TREND_HEIGHT = 360
UNKNOWN_LEVEL = "#999999"


def walk_label(walk: WalkSummary) -> str:
    """The axis label of one walk: its date, checklist version, and whether only counts remain."""
    kept = " · counts only" if not walk.held else ""
    return f"{walk.walk_at:%d %b %Y} (v{walk.checklist_version}){kept}"


def build_trend_chart(
    walks: Sequence[WalkSummary], levels: Sequence[Level], title: str | None = None
) -> go.Figure:
    """Stacked bars: locations at each worst level per walk, coloured and named by level."""
    colours = {level.name: level.hexcolor.upper() for level in levels}
    order = [level.name for level in levels]
    order += sorted({n for w in walks for n in w.levels} - set(order))
    labels = [escape(walk_label(walk)) for walk in walks]
    counts = [walk.worst_counts() for walk in walks]
    figure = go.Figure()
    largest = max((sum(c.values()) for c in counts), default=0)
    for name in order:
        values = [c.get(name, 0) for c in counts]
        if not any(values):
            continue
        colour = colours.get(name, UNKNOWN_LEVEL)
        figure.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=escape(name),
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                textfont={"color": text_colour(colour)},
                marker={"color": colour, "line": {"color": OUTLINE, "width": 1}},
                hovertemplate="%{x}<br>%{fullData.name}: %{y} location(s)<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title_text="Locations", **count_ticks(max(largest, 1)))
    return base_layout(figure, height=TREND_HEIGHT, title=title)
