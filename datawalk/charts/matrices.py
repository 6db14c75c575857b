"""Level matrices drawn as coloured cells with their level printed in them: the dashboard's
location × data category heatmap, and the checklist's two scoring grids for the settings page.

Cells use the checklist's level colours through a stepped colourscale, and the colour bar is
ticked with the level names, so a cell reads the same by colour and by text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from datawalk.charts.style import (
    base_layout,
    discrete_colourscale,
    escape,
    level_colours,
    level_label,
    level_names,
)
from datawalk.dashboard import Matrix
from datawalk.vocabulary import Level

ROW_HEIGHT = 34
COLUMN_LABEL_CHARS = 24
COLUMN_LABEL_ANGLE = 40  # degrees: slanted column labels fit a tablet's width
LABEL_CHAR_PX = 8  # width of one tick-label character at the base font size
FULL_LABELS_UP_TO = 10  # columns; wider matrices print short level codes (names in the key)


def level_codes(levels: Sequence[Level]) -> list[str]:
    """Return a short code per level from its name's initials ("Very high" → "VH").

    Falls back to the full names if two levels would share a code.
    """
    codes = ["".join(word[0].upper() for word in level.name.split()) for level in levels]
    return codes if len(set(codes)) == len(codes) else level_names(levels)


def _colour_bar(levels: Sequence[Level], codes: Sequence[str] | None = None) -> dict:
    names = level_names(levels)
    labels = [level_label(level) for level in levels]
    text = [
        f"{c} = {lb}" if c != n else lb
        for c, n, lb in zip(codes or names, names, labels, strict=True)
    ]
    return {
        "tickvals": list(range(len(levels))),
        "ticktext": [escape(t) for t in text],
        "title": {"text": "Level"},
        "thickness": 14,
        "len": 1,
        "y": 0,
        "yanchor": "bottom",
        "orientation": "v",
    }


def build_heatmap(
    matrix: Matrix,
    levels: Sequence[Level],
    title: str | None = None,
    *,
    compact: bool | None = None,
) -> go.Figure:
    """Return the location × category heatmap: worst level as colour, label and count as text.

    `compact` prints level codes instead of names (the colour bar spells them out); by default
    it does so only when there are more than FULL_LABELS_UP_TO columns, so cells stay legible
    on a tablet without the chart growing wider than the screen.
    """
    z = matrix.levels.to_numpy(dtype=float)
    counts = matrix.counts.to_numpy(dtype=int)
    columns = [str(c) for c in matrix.levels.columns]
    rows = [str(r) for r in matrix.levels.index]
    compact = len(columns) > FULL_LABELS_UP_TO if compact is None else compact
    codes = level_codes(levels) if compact else level_names(levels)
    names = level_names(levels)
    text = [
        [f"{escape(codes[int(v)])}<br>{n}" if v == v else "" for v, n in zip(zr, nr, strict=True)]
        for zr, nr in zip(z, counts, strict=True)
    ]
    hover = [
        [
            f"<b>{escape(row)}</b><br>{escape(column)}<br>"
            + (f"{escape(names[int(v)])} · {n} finding(s)" if v == v else "none")
            for column, v, n in zip(columns, zr, nr, strict=True)
        ]
        for row, zr, nr in zip(rows, z, counts, strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[escape(_short(c)) for c in columns],
            y=[escape(r) for r in rows],
            zmin=-0.5,
            zmax=len(levels) - 0.5,
            colorscale=discrete_colourscale(level_colours(levels)),
            colorbar=_colour_bar(levels, codes),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12 if compact else 13},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            xgap=2,
            ygap=2,
            hoverongaps=False,
        )
    )
    height = 120 + ROW_HEIGHT * max(len(rows), 3) + _slanted_label_room(columns)
    base_layout(figure, height=height, title=title)
    figure.update_xaxes(
        side="top", tickangle=-COLUMN_LABEL_ANGLE, fixedrange=True, showgrid=False, automargin=True
    )
    figure.update_yaxes(autorange="reversed", fixedrange=True, showgrid=False, automargin=True)
    return figure


def _slanted_label_room(columns: Sequence[str]) -> int:
    """Pixels the slanted column labels take above the cells: the figure grows by this much, so
    the automatic margin that makes room for them never squeezes the rows."""
    longest = max((len(_short(column)) for column in columns), default=0)
    return math.ceil(longest * LABEL_CHAR_PX * math.sin(math.radians(COLUMN_LABEL_ANGLE)))


def _short(label: str) -> str:
    """Column labels are cut to fit under a tablet's width; the hover gives the full name."""
    if len(label) <= COLUMN_LABEL_CHARS:
        return label
    return label[: COLUMN_LABEL_CHARS - 1].rstrip(" ,(") + "…"


def build_grid_chart(
    grid: Sequence[Sequence[int]],
    levels: Sequence[Level],
    *,
    row_title: str,
    column_title: str,
    row_values: Sequence[int],
    column_values: Sequence[int],
    title: str | None = None,
) -> go.Figure:
    """Return a scoring grid (`grid[row][column]` → level index) as a labelled coloured matrix.

    Rows are drawn with the highest value at the top, as risk matrices are read; each cell
    prints its level name.
    """
    z = np.array(grid, dtype=float)
    names = level_names(levels)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(v) for v in column_values],
            y=[str(v) for v in row_values],
            zmin=-0.5,
            zmax=len(levels) - 0.5,
            colorscale=discrete_colourscale(level_colours(levels)),
            colorbar=_colour_bar(levels),
            text=[[escape(names[int(v)]) for v in row] for row in z],
            texttemplate="%{text}",
            textfont={"size": 13},
            hovertemplate=(
                f"{escape(row_title)} %{{y}}, {escape(column_title)} %{{x}}"
                "<br>%{text}<extra></extra>"
            ),
            xgap=2,
            ygap=2,
        )
    )
    base_layout(figure, height=90 + 48 * len(row_values), title=title)
    figure.update_xaxes(title=escape(column_title), type="category", fixedrange=True)
    figure.update_yaxes(title=escape(row_title), type="category", fixedrange=True)
    return figure


def build_level_key(levels: Sequence[Level], title: str | None = None) -> go.Figure:
    """Return the level scale as one row of coloured cells, each printing its level name and,
    under it, the name of its colour (the one name used wherever that colour is named)."""
    names = level_names(levels)
    figure = go.Figure(
        go.Heatmap(
            z=[list(range(len(levels)))],
            x=[escape(name) for name in names],
            y=[""],
            zmin=-0.5,
            zmax=len(levels) - 0.5,
            colorscale=discrete_colourscale(level_colours(levels)),
            showscale=False,
            text=[[_key_text(level) for level in levels]],
            texttemplate="%{text}",
            textfont={"size": 14},
            hovertext=[[escape(level.description) for level in levels]],
            hovertemplate="%{hovertext}<extra></extra>",
            xgap=2,
        )
    )
    base_layout(figure, height=130 if title else 90, title=title)
    figure.update_xaxes(visible=False, fixedrange=True)
    figure.update_yaxes(visible=False, fixedrange=True)
    return figure


def _key_text(level: Level) -> str:
    name = f"<b>{escape(level.name)}</b>"
    return f"{name}<br>{escape(level.colour_name)}" if level.colour_name else name
