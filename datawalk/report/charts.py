"""The report's charts as data for the template: the numbers come from the dashboard's frame,
the same rows the dashboard's plotly figures are built from, and colours from the checklist's
levels, so the printed picture and the screen agree (a test compares them).

Typst draws them as vector shapes and selectable text: no browser, no raster export.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from datawalk.charts.style import CLASSIFICATION_COLOURS, CLASSIFICATION_PATTERNS
from datawalk.colours import text_colour
from datawalk.scoring import CLASSIFICATION_NAMES
from datawalk.vocabulary import Level

PATTERN_WORDS = {"/": "hatched /", "\\": "hatched \\", "x": "cross-hatched", "": "solid"}


def level_entry(level: Level | None) -> dict[str, str]:
    """A level as the template shows it: its name in words on its colour, with readable ink."""
    if level is None:
        return {"name": "Not scored", "colour": "#FFFFFF", "ink": "#111111"}
    return {"name": level.name, "colour": level.hexcolor, "ink": text_colour(level.hexcolor)}


def two_sided_chart(frame: pd.DataFrame, levels: list[Level], concern_level: int) -> dict[str, Any]:
    """The quadrant chart as a grid: findings per (privacy level, safeguarding level) cell.

    `cells[s][p]` counts findings at safeguarding index s and privacy index p; each cell is
    coloured by the worse of the two, as the dashboard colours its points.
    """
    size = len(levels)
    counts = [[0] * size for _ in range(size)]
    if not frame.empty:
        pairs = frame.groupby(["safeguarding_index", "privacy_index"]).size()
        for (safeguarding, privacy), count in pairs.items():
            counts[int(safeguarding)][int(privacy)] = int(count)
    cells = [
        [{"count": counts[s][p], **level_entry(levels[max(s, p)])} for p in range(size)]
        for s in range(size)
    ]
    return {
        "levels": [level_entry(level) for level in levels],
        "concern": concern_level,
        "cells": cells,
        "quadrants": {key: name for key, name in CLASSIFICATION_NAMES.items()},
        "total": len(frame),
    }


def classification_bars(table: pd.DataFrame) -> dict[str, Any]:
    """Findings by location type, split by classification (`dashboard.classification_by_type`),
    busiest type first, with each classification's colour, ink and pattern in words."""
    rows: list[dict[str, Any]] = []
    totals: list[int] = []
    for name in reversed(list(table.index)):
        counts = {c: int(table.at[name, c]) for c in table.columns}
        totals.append(sum(counts.values()))
        rows.append({"name": str(name), "counts": counts, "total": totals[-1]})
    keys = [
        {
            "id": c,
            "name": CLASSIFICATION_NAMES[c],
            "colour": CLASSIFICATION_COLOURS[c],
            "ink": text_colour(CLASSIFICATION_COLOURS[c]),
            "pattern": PATTERN_WORDS.get(CLASSIFICATION_PATTERNS.get(c, ""), "solid"),
        }
        for c in table.columns
    ]
    largest = max(totals, default=0)
    return {"rows": rows, "keys": keys, "largest": largest}
