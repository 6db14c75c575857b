"""Chart builders: pure functions from dashboard frames and checklist levels to plotly figures.

Every builder is named `build_*`, returns a `plotly.graph_objects.Figure` without displaying it,
and never imports streamlit; pages decide where and how to show the figure. Level colours come
from the checklist, every level is printed as text beside its colour, and user text is escaped
before plotly sees it (plotly reads a subset of HTML in labels).

Modules: `hotspots` (floor-plan map), `quadrant`, `matrices` (heatmap and scoring grids), `bars`,
`style` (palette, contrast, shared layout). `CHARTS` names every builder, as a registry.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from datawalk.charts.bars import build_classification_bars
from datawalk.charts.hotspots import build_hotspot_map
from datawalk.charts.matrices import (
    build_grid_chart,
    build_heatmap,
    build_level_key,
    level_codes,
)
from datawalk.charts.quadrant import build_quadrant, spread_points
from datawalk.charts.style import CLASSIFICATION_COLOURS, count_ticks, text_colour
from datawalk.plan_markers import marker_sizes

CHARTS: dict[str, Callable[..., go.Figure]] = {
    "hotspot_map": build_hotspot_map,
    "quadrant": build_quadrant,
    "heatmap": build_heatmap,
    "classification_bars": build_classification_bars,
    "scoring_grid": build_grid_chart,
    "level_key": build_level_key,
}

__all__ = [
    "CHARTS",
    "CLASSIFICATION_COLOURS",
    "build_classification_bars",
    "build_grid_chart",
    "build_heatmap",
    "build_hotspot_map",
    "build_level_key",
    "build_quadrant",
    "count_ticks",
    "level_codes",
    "marker_sizes",
    "spread_points",
    "text_colour",
]
