"""What every chart shares: level colours taken from the checklist, a colour-blind-safe palette
for the four classifications, text on coloured cells (from `datawalk.colours`), escaping of user
text, and the base layout that keeps charts readable from a 1024 px tablet to a 1920 px projector.

Level colours are domain data and always come from `checklist.scoring.levels`; only the
classification palette (Okabe–Ito, designed for colour-blind readers) is presentation and lives
here. Every colour is paired with a printed label or a fill pattern, never used alone.
"""

from __future__ import annotations

import html
import itertools
import textwrap
from collections.abc import Iterable, Sequence
from functools import lru_cache

import plotly.graph_objects as go

from datawalk.colours import relative_luminance, text_colour  # noqa: F401  (the charts' API)
from datawalk.scoring import CLASSIFICATION_NAMES
from datawalk.vocabulary import Level

# Okabe & Ito (2008), "Color Universal Design": distinct under all three colour-vision deficits.
CLASSIFICATION_COLOURS: dict[str, str] = {
    "over_exposed": "#D55E00",  # vermillion
    "under_available": "#0072B2",  # blue
    "both": "#CC79A7",  # reddish purple
    "proportionate": "#009E73",  # bluish green
}
# Bar fill patterns, so classifications differ in print and in greyscale too.
CLASSIFICATION_PATTERNS: dict[str, str] = {
    "over_exposed": "/",
    "under_available": "\\",
    "both": "x",
    "proportionate": "",
}
OUTLINE = "#1A1A1A"
BASE_FONT_SIZE = 14
HOVER_WRAP = 60


def escape(text: object) -> str:
    """Return user text safe for plotly labels: plotly reads a subset of HTML (links included)."""
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=8192)
def wrap(text: str, width: int = HOVER_WRAP) -> str:
    """Escape, then break long text into lines joined by <br> for hover boxes and labels.

    Memoised: reasons and category lists repeat across findings, and textwrap is slow.
    """
    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    return "<br>".join(escape(line) for line in lines)


def level_names(levels: Sequence[Level]) -> list[str]:
    return [level.name for level in levels]


def level_label(level: Level) -> str:
    """A level's name with its colour's one name, for keys that explain the colours."""
    return f"{level.name} ({level.colour_name})" if level.colour_name else level.name


def level_colours(levels: Sequence[Level]) -> list[str]:
    return [level.hexcolor.upper() for level in levels]


def discrete_colourscale(colours: Sequence[str]) -> list[list[float | str]]:
    """Return a stepped colourscale: z = i (zmin −0.5, zmax n − 0.5) gets exactly colours[i]."""
    count = len(colours)
    scale: list[list[float | str]] = []
    for index, colour in enumerate(colours):
        scale += [[index / count, colour], [(index + 1) / count, colour]]
    return scale


def classification_name(classification: str) -> str:
    return CLASSIFICATION_NAMES.get(classification, classification)


def base_layout(figure: go.Figure, *, height: int, title: str | None = None) -> go.Figure:
    """Apply the shared layout: fluid width, fixed height, legend on top, tight margins.

    Width is left to the container (Streamlit stretches the chart), so nothing overflows a
    tablet; the font is large enough to read on a projector.
    """
    figure.update_layout(
        autosize=True,
        height=height,
        title={"text": escape(title), "x": 0, "xanchor": "left"} if title else None,
        font={"size": BASE_FONT_SIZE},
        margin={"l": 8, "r": 8, "t": 64 if title else 32, "b": 8},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        hoverlabel={"font": {"size": BASE_FONT_SIZE}, "align": "left"},
        plot_bgcolor="#FFFFFF",
    )
    # Streamlit's chart theme sets small axis fonts; a projector at the back of a room needs more.
    # automargin: plotly otherwise keeps the fixed margins and cuts long tick labels off.
    axis = {
        "tickfont": {"size": BASE_FONT_SIZE - 1},
        "title_font": {"size": BASE_FONT_SIZE},
        "automargin": True,
    }
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis)
    return figure


def count_ticks(largest: float, most_ticks: int = 10) -> dict[str, object]:
    """Return axis settings for a count of findings: whole-number ticks only (1, 2, 5, 10, 20 …
    apart, at most `most_ticks` of them), from zero. Left to itself, plotly puts ticks at half a
    finding on a short axis."""
    steps = (m * 10**e for e in itertools.count() for m in (1, 2, 5))
    step = next(step for step in steps if largest / step <= most_ticks)
    return {"tick0": 0, "dtick": step, "tickformat": "d", "rangemode": "tozero"}


def present_indices(values: Iterable[float]) -> list[int]:
    """Return the distinct whole level indices among `values`, NaN ignored, ascending."""
    return sorted({int(value) for value in values if value == value})
