"""Findings by location type, stacked by classification: where in a school the two kinds of
risk gather. Horizontal bars, so long type names never squeeze a tablet's width.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from datawalk.charts.style import (
    CLASSIFICATION_COLOURS,
    CLASSIFICATION_PATTERNS,
    OUTLINE,
    base_layout,
    classification_name,
    count_ticks,
    escape,
    text_colour,
)

BAR_HEIGHT = 30


def build_classification_bars(table: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Return stacked bars from `dashboard.classification_by_type` (types × classifications).

    Each segment prints its count, each classification has its own fill pattern as well as its
    colour, and the legend names them.
    """
    figure = go.Figure()
    types = [escape(name) for name in table.index]
    for classification in table.columns:
        counts = table[classification]
        if not counts.any():
            continue
        colour = CLASSIFICATION_COLOURS.get(classification, "#999999")
        figure.add_trace(
            go.Bar(
                y=types,
                x=counts,
                orientation="h",
                name=escape(classification_name(classification)),
                text=[str(n) if n else "" for n in counts],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": text_colour(colour)},
                marker={
                    "color": colour,
                    "line": {"color": OUTLINE, "width": 1},
                    "pattern": {
                        "shape": CLASSIFICATION_PATTERNS.get(classification, ""),
                        "fillmode": "overlay",
                        "fgcolor": "rgba(255,255,255,0.5)",
                        "size": 8,
                    },
                },
                hovertemplate="%{y}<br>%{fullData.name}: %{x}<extra></extra>",
            )
        )
    base_layout(figure, height=140 + BAR_HEIGHT * max(len(types), 3), title=title)
    figure.update_layout(barmode="stack", bargap=0.25, legend={"traceorder": "normal"})
    largest = int(table.sum(axis=1).max()) if not table.empty else 0
    figure.update_xaxes(
        title="Findings", fixedrange=True, gridcolor="#E5E5E5", **count_ticks(largest)
    )
    figure.update_yaxes(fixedrange=True, automargin=True)
    return figure
