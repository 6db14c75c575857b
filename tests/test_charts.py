"""Chart builders: the traces they draw, colours equal to the checklist's level colours, every
level printed as text, user text escaped, filters reaching the figures, and a deuteranopia
simulation of the level palette."""

from __future__ import annotations

import base64
import io
import itertools
import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image

from datawalk import charts
from datawalk import dashboard as core
from datawalk.charts.style import CLASSIFICATION_COLOURS
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist, pin_checklist
from datawalk.samples import sample_document
from datawalk.scoring import CLASSIFICATION_NAMES, CLASSIFICATIONS

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def checklist():
    return load_checklist(DEFAULT_CHECKLIST_PATH)


@pytest.fixture(scope="module")
def levels(checklist):
    return list(checklist.scoring.levels)


@pytest.fixture(scope="module")
def document(checklist):
    """The sample walk re-pinned to the bundled checklist."""
    document = sample_document()
    audit = document.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return document.model_copy(update={"audit": audit})


@pytest.fixture(scope="module")
def frame(document, checklist):
    return core.dashboard_frame(
        document.audit, document.findings, document.locations, document.actions, checklist, TODAY
    )


def _points(figure: go.Figure) -> list[tuple[str, float, float]]:
    return [
        (str(custom[0]), x, y)
        for trace in figure.data
        if trace.customdata is not None
        for custom, x, y in zip(trace.customdata, trace.x, trace.y, strict=True)
    ]


# --- hotspot map ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ground(document):
    return sorted(document.audit.site.floors, key=lambda floor: floor.order)[0]


def _floor_points(frame, document, floor_id, side="worst"):
    points = core.location_points(frame, document.locations, side)
    return points[points["floor_id"] == floor_id]


@pytest.mark.parametrize("side", core.SIDES)
def test_map_marks_each_placed_location_in_its_level_colour(frame, document, ground, levels, side):
    points = _floor_points(frame, document, ground.id, side)
    figure = charts.build_hotspot_map(points, levels, ground.plan)
    by_name = {level.name: level for level in levels}
    drawn = {}
    for trace in figure.data:
        if trace.name in by_name:
            assert trace.marker.color == by_name[trace.name].hexcolor
            index = levels.index(by_name[trace.name])
            drawn.update({custom[0]: index for custom in trace.customdata})
    with_findings = points[points["findings"] > 0].dropna(subset=["x"])
    assert drawn == dict(zip(with_findings["location_id"], with_findings["level"], strict=True))


def test_map_puts_markers_on_the_plan_in_plan_pixels(frame, document, ground, levels):
    points = _floor_points(frame, document, ground.id).set_index("location_id")
    figure = charts.build_hotspot_map(points.reset_index(), levels, ground.plan)
    for location_id, x, y in _points(figure):
        assert x == pytest.approx(points.loc[location_id, "x"] * ground.plan.width)
        assert y == pytest.approx(points.loc[location_id, "y"] * ground.plan.height)
    image = figure.layout.images[0]
    assert image.source.startswith("data:image/png;base64,")
    assert (image.sizex, image.sizey) == (ground.plan.width, ground.plan.height)
    assert tuple(figure.layout.yaxis.range) == (ground.plan.height, 0)


def test_map_labels_every_marker_with_its_name_and_level(frame, document, ground, levels):
    points = _floor_points(frame, document, ground.id)
    figure = charts.build_hotspot_map(points, levels, ground.plan)
    labels = [annotation.text for annotation in figure.layout.annotations]
    assert len(labels) == len(points.dropna(subset=["x"]))
    for row in points.itertuples():
        label = next(text for text in labels if text.replace("<br>", " ").startswith(row.name))
        if row.findings:
            assert f"<b>{levels[int(row.level)].name}</b> · {row.findings}" in label
        elif row.nothing_found:
            assert "Visited, nothing found" in label


def test_map_shows_visited_places_and_places_with_nothing_left_after_filters(
    frame, document, ground, levels
):
    only_both = core.filter_frame(frame, core.DashboardFilters(classifications=("both",)))
    points = _floor_points(only_both, document, ground.id)
    figure = charts.build_hotspot_map(points, levels, ground.plan)
    names = {trace.name: trace for trace in figure.data}
    visited = points[points["nothing_found"]]["location_id"]
    assert {c[0] for c in names["Visited, nothing found"].customdata} == set(visited)
    hidden = points[(points["findings"] == 0) & ~points["nothing_found"]]["location_id"]
    assert {c[0] for c in names["No findings shown"].customdata} == set(hidden)


def test_map_sizes_markers_by_number_of_findings():
    sizes = charts.marker_sizes(pd.Series([0, 1, 4, 100]))
    assert list(sizes) == sorted(sizes)
    assert sizes[0] >= 16 and sizes[-1] <= 46


def test_map_leaves_out_unplaced_locations(frame, document, ground, levels):
    points = _floor_points(frame, document, ground.id).copy()
    unplaced = points["location_id"].iloc[0]
    points.loc[points["location_id"] == unplaced, ["x", "y"]] = np.nan
    figure = charts.build_hotspot_map(points, levels, ground.plan)
    assert unplaced not in {location_id for location_id, _, _ in _points(figure)}


def test_map_without_a_plan_says_so(frame, document, ground, levels):
    figure = charts.build_hotspot_map(_floor_points(frame, document, ground.id), levels, None)
    assert not figure.layout.images
    assert any("No floor plan" in a.text for a in figure.layout.annotations)


def test_map_escapes_location_names(levels):
    points = pd.DataFrame(
        [
            {
                "location_id": "loc-1",
                "name": '<a href="javascript:alert(1)">Office</a>',
                "floor_id": "g",
                "x": 0.5,
                "y": 0.5,
                "findings": 2,
                "level": 3.0,
                "nothing_found": False,
            }
        ]
    )
    figure = charts.build_hotspot_map(points, levels, None)
    text = figure.layout.annotations[-1].text + figure.data[0].hovertext[0]
    assert "<a " not in text and "&lt;a href=" in text


def test_map_labels_overlap_less_than_labels_all_above(frame, document, ground, levels):
    from datawalk.charts.hotspots import ASSUMED_PLAN_PX, _box, place_labels

    points = _floor_points(frame, document, ground.id).dropna(subset=["x"]).reset_index()
    points["px"] = points["x"] * ground.plan.width
    points["py"] = points["y"] * ground.plan.height
    offsets = charts.marker_sizes(points["findings"]) / 2 + 3
    scale = ASSUMED_PLAN_PX / ground.plan.width
    sides = place_labels(points, offsets, scale)
    assert sides == place_labels(points, offsets, scale)

    def overlaps(chosen: list[str]) -> int:
        boxes = [
            _box(np.array([r.px * scale, r.py * scale]), o, 120, 34, side)
            for r, o, side in zip(points.itertuples(), offsets, chosen, strict=True)
        ]
        return sum(
            min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
            for a, b in itertools.combinations(boxes, 2)
        )

    naive = overlaps(["above"] * len(points))
    assert naive > 0, "the sample plan has crowded rooms"
    assert overlaps(sides) < naive


# --- quadrant ---------------------------------------------------------------------------------


def test_quadrant_draws_every_finding_once_in_its_level_colour(frame, levels):
    figure = charts.build_quadrant(frame, levels, concern_level=2)
    drawn = _points(figure)
    assert sorted(fid for fid, _, _ in drawn) == sorted(frame["id"])
    by_name = {level.name: level for level in levels}
    worst = dict(zip(frame["id"], frame["worst_index"], strict=True))
    for trace in figure.data:
        if trace.customdata is None:
            continue  # a legend entry with no points
        level = by_name[trace.name]
        assert trace.marker.color == level.hexcolor
        assert {worst[c[0]] for c in trace.customdata} == {levels.index(level)}


def test_quadrant_legend_names_levels_by_circles_and_good_practice_by_its_star(frame, levels):
    assert frame["good_practice"].any()
    figure = charts.build_quadrant(frame, levels, concern_level=2)
    in_legend = [t for t in figure.data if t.showlegend is not False]
    names = {level.name for level in levels}
    for trace in in_legend:
        if trace.name in names:
            assert trace.marker.symbol == "circle", trace.name
    (key,) = [t for t in in_legend if t.name not in names]
    assert key.marker.symbol == "star" and "Good practice" in key.name
    good = set(frame.loc[frame["good_practice"].astype(bool), "id"])
    for trace in figure.data:
        ids = {c[0] for c in trace.customdata} if trace.customdata is not None else set()
        if ids & good:
            assert ids <= good and trace.marker.symbol == "star" and trace.showlegend is False
    assert len({t.name for t in in_legend}) == len(in_legend), "one legend entry per level"


def test_a_level_with_only_good_practice_keeps_its_circle_legend_entry(frame, levels):
    rows = frame[frame["good_practice"].astype(bool)]
    only = rows[rows["worst_index"] == rows["worst_index"].min()]
    figure = charts.build_quadrant(only, levels, concern_level=2)
    level = levels[int(only["worst_index"].iloc[0])]
    (entry,) = [t for t in figure.data if t.name == level.name and t.showlegend is not False]
    assert entry.marker.symbol == "circle"
    assert {fid for fid, _, _ in _points(figure)} == set(only["id"])


def test_quadrant_points_stay_in_their_cell_and_never_coincide(frame, levels):
    figure = charts.build_quadrant(frame, levels, concern_level=2)
    cells = frame.set_index("id")[["privacy_index", "safeguarding_index"]]
    seen = set()
    for fid, x, y in _points(figure):
        px, sy = cells.loc[fid]
        assert abs(x - px) <= 0.4 + 1e-9 and abs(y - sy) <= 0.4 + 1e-9
        seen.add((round(x, 6), round(y, 6)))
    assert len(seen) == len(frame)


def test_quadrant_jitter_is_deterministic_whatever_the_row_order(frame):
    first = charts.spread_points(frame, "privacy_index", "safeguarding_index").set_index("id")
    shuffled = frame.sample(frac=1, random_state=7)
    second = charts.spread_points(shuffled, "privacy_index", "safeguarding_index").set_index("id")
    assert np.allclose(first.loc[frame["id"], ["jx", "jy"]], second.loc[frame["id"], ["jx", "jy"]])


def test_quadrant_splits_at_the_concern_level_and_names_the_quadrants(frame, levels):
    figure = charts.build_quadrant(frame, levels, concern_level=2)
    texts = " ".join(a.text for a in figure.layout.annotations)
    for classification in CLASSIFICATIONS:
        assert CLASSIFICATION_NAMES[classification] in texts
    lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert {s.x0 for s in lines if s.x0 == s.x1} == {1.5}
    assert {s.y0 for s in lines if s.y0 == s.y1} == {1.5}
    assert list(figure.layout.xaxis.ticktext) == [level.name for level in levels]


def test_quadrant_hover_shows_location_categories_and_first_reason(frame, levels):
    figure = charts.build_quadrant(frame, levels, concern_level=2)
    rows = frame.set_index("id")
    for trace in figure.data:
        if trace.customdata is None:
            continue  # a legend entry with no points
        for custom, hover in zip(trace.customdata, trace.hovertext, strict=True):
            row = rows.loc[custom[0]]
            flat = hover.replace("<br>", " ")
            assert row["location"] in flat
            assert row["first_reason"].split()[0] in flat
            assert row["categories"].split()[0] in flat


def test_quadrant_of_filtered_findings_shows_only_them(frame, levels):
    shown = core.filter_frame(frame, core.DashboardFilters(classifications=("under_available",)))
    figure = charts.build_quadrant(shown, levels, concern_level=2)
    assert {fid for fid, _, _ in _points(figure)} == set(shown["id"])
    for _, x, y in _points(figure):
        assert round(x) < 2 <= round(y)


# --- heatmap and grids ------------------------------------------------------------------------


def test_heatmap_cells_hold_the_matrix_and_print_level_and_count(frame, checklist, levels):
    matrix = core.category_matrix(frame, checklist)
    figure = charts.build_heatmap(matrix, levels)
    heat = figure.data[0]
    assert np.array_equal(np.array(heat.z, dtype=float), matrix.levels.to_numpy(), equal_nan=True)
    codes = charts.level_codes(levels)
    for (i, j), value in np.ndenumerate(matrix.levels.to_numpy()):
        if np.isnan(value):
            assert heat.text[i][j] == ""
        else:
            assert heat.text[i][j] == f"{codes[int(value)]}<br>{matrix.counts.iat[i, j]}"
    ticks = list(heat.colorbar.ticktext)
    assert all(
        f"{level.name} ({level.colour})" in tick for level, tick in zip(levels, ticks, strict=True)
    )


def test_heatmap_makes_room_for_its_labels(frame, checklist, levels):
    """Slanted category names above the cells and place names beside them are never cut off:
    both axes grow their margins, and the figure grows so the rows keep their height."""
    matrix = core.category_matrix(frame, checklist)
    figure = charts.build_heatmap(matrix, levels)
    assert figure.layout.xaxis.automargin and figure.layout.yaxis.automargin
    short = core.Matrix(
        matrix.levels.rename(columns=lambda c: "X"), matrix.counts.rename(columns=lambda c: "X")
    )
    longest = max(len(str(c)) for c in matrix.levels.columns)
    assert longest > 10
    grown = figure.layout.height - charts.build_heatmap(short, levels).layout.height
    assert grown >= 4 * (min(longest, 24) - 1)  # about 5 px per character at a 40° slant


def test_every_chart_axis_grows_its_margin_for_its_labels(frame, checklist, levels):
    figures = [
        charts.build_quadrant(frame, levels, 2),
        charts.build_classification_bars(core.classification_by_type(frame)),
        charts.build_grid_chart(
            checklist.scoring.privacy_grid,
            levels,
            row_title="Exposure",
            column_title="Sensitivity",
            row_values=range(6),
            column_values=range(1, 6),
        ),
    ]
    for figure in figures:
        assert figure.layout.xaxis.automargin and figure.layout.yaxis.automargin


def test_heatmap_spells_levels_out_when_there_is_room(frame, checklist, levels):
    shown = core.filter_frame(frame, core.DashboardFilters(categories=("anaphylaxis_aai",)))
    matrix = core.category_matrix(shown, checklist)
    heat = charts.build_heatmap(matrix, levels, compact=False).data[0]
    names = {level.name for level in levels}
    assert {cell.split("<br>")[0] for row in heat.text for cell in row if cell} <= names


@pytest.mark.parametrize("builder", ["heatmap", "grid"])
def test_level_matrices_use_exactly_the_checklist_colours(frame, checklist, levels, builder):
    if builder == "heatmap":
        figure = charts.build_heatmap(core.category_matrix(frame, checklist), levels)
    else:
        figure = charts.build_grid_chart(
            checklist.scoring.privacy_grid,
            levels,
            row_title="Exposure",
            column_title="Sensitivity",
            row_values=range(6),
            column_values=range(1, 6),
        )
    heat = figure.data[0]
    assert (heat.zmin, heat.zmax) == (-0.5, len(levels) - 0.5)
    scale = [stop[1] for stop in heat.colorscale]
    assert scale[::2] == [level.hexcolor.upper() for level in levels]
    # z = index lies inside the flat band that has exactly that level's colour at both ends.
    for index, level in enumerate(levels):
        position = (index - heat.zmin) / (heat.zmax - heat.zmin)
        (start, first), (end, last) = heat.colorscale[2 * index], heat.colorscale[2 * index + 1]
        assert start < position < end
        assert first == last == level.hexcolor.upper()


@pytest.mark.parametrize("grid_name", ["privacy_grid", "safeguarding_grid"])
def test_scoring_grid_prints_every_cells_level(checklist, levels, grid_name):
    grid = getattr(checklist.scoring, grid_name)
    figure = charts.build_grid_chart(
        grid,
        levels,
        row_title="Row",
        column_title="Column",
        row_values=range(len(grid)),
        column_values=range(1, len(grid[0]) + 1),
        title="Grid",
    )
    heat = figure.data[0]
    assert np.array_equal(np.array(heat.z), np.array(grid))
    assert [[levels[v].name for v in row] for row in grid] == [list(row) for row in heat.text]
    assert list(heat.y) == [str(v) for v in range(len(grid))]


def test_level_key_prints_each_level_in_its_colour(levels):
    heat = charts.build_level_key(levels).data[0]
    assert list(heat.text[0]) == [f"<b>{lv.name}</b><br>{lv.colour}" for lv in levels]
    assert [stop[1] for stop in heat.colorscale][::2] == [lv.hexcolor.upper() for lv in levels]


def test_level_codes_fall_back_to_names_when_initials_clash(levels):
    assert len(set(charts.level_codes(levels))) == len(levels)
    clash = [levels[0], levels[0].model_copy(update={"id": "x", "name": "Very Lovely"})]
    assert charts.level_codes(clash) == [levels[0].name, "Very Lovely"]


# --- bars ---------------------------------------------------------------------------------------


def test_bars_stack_counts_by_location_type_and_classification(frame):
    table = core.classification_by_type(frame)
    figure = charts.build_classification_bars(table)
    assert figure.layout.barmode == "stack"
    names = {trace.name: trace for trace in figure.data}
    for classification in CLASSIFICATIONS:
        counts = table[classification]
        if not counts.any():
            assert CLASSIFICATION_NAMES[classification] not in names
            continue
        trace = names[CLASSIFICATION_NAMES[classification]]
        assert list(trace.x) == list(counts)
        assert list(trace.y) == list(table.index)
        assert list(trace.text) == [str(n) if n else "" for n in counts]
        assert trace.marker.color == CLASSIFICATION_COLOURS[classification]


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 4, 7, 10, 11, 23, 60, 99, 140, 1000, 4321])
def test_count_axes_tick_whole_findings_only(largest):
    ticks = charts.count_ticks(largest)
    assert ticks["tick0"] == 0 and ticks["tickformat"] == "d"
    step = ticks["dtick"]
    assert isinstance(step, int) and step >= 1
    assert largest / step <= 10  # not crowded
    assert step == 1 or largest / step > 2  # nor needlessly sparse


def test_bars_count_axis_has_whole_number_ticks(frame):
    shown = frame.head(3)  # a short axis, where plotly would tick at halves
    figure = charts.build_classification_bars(core.classification_by_type(shown))
    assert figure.layout.xaxis.dtick == 1 and figure.layout.xaxis.tick0 == 0
    assert figure.layout.xaxis.tickformat == "d"


def test_bars_of_filtered_findings_count_only_them(frame):
    shown = core.filter_frame(frame, core.DashboardFilters(levels=(4,)))
    figure = charts.build_classification_bars(core.classification_by_type(shown))
    assert sum(sum(trace.x) for trace in figure.data) == len(shown)


def test_every_builder_is_registered_and_returns_a_figure(frame, checklist, levels, document):
    assert set(charts.CHARTS) >= {"hotspot_map", "quadrant", "heatmap", "classification_bars"}
    assert all(name.startswith("build_") for name in (f.__name__ for f in charts.CHARTS.values()))
    figure = charts.CHARTS["quadrant"](frame, levels, 2)
    assert isinstance(figure, go.Figure)
    assert figure.layout.autosize and figure.layout.width is None


def test_no_chart_fixes_its_width(frame, checklist, levels, document, ground):
    figures = [
        charts.build_hotspot_map(_floor_points(frame, document, ground.id), levels, ground.plan),
        charts.build_quadrant(frame, levels, 2),
        charts.build_heatmap(core.category_matrix(frame, checklist), levels),
        charts.build_classification_bars(core.classification_by_type(frame)),
    ]
    for figure in figures:
        assert figure.layout.width is None
        assert figure.layout.height > 0


# --- colour-blind safety ------------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear sRGB.
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
MIN_DELTA_E = 10.0  # CIEDE2000; about the smallest difference read at a glance between swatches


def _linear(hexcolor: str) -> np.ndarray:
    c = np.array([int(hexcolor[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> tuple[float, float, float]:
    xyz = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    ) @ np.clip(linear, 0, 1)
    ratio = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(ratio > (6 / 29) ** 3, np.cbrt(ratio), ratio / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def ciede2000(lab1: tuple[float, ...], lab2: tuple[float, ...]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    r_t = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2)))) * r_c
    dl, dc, dh_term = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_big_h / s_h
    return math.sqrt(dl**2 + dc**2 + dh_term**2 + r_t * dc * dh_term)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),  # Sharma et al., table 1, pair 1
        ((50, 2.5, 0), (73, 25, -18), 27.1492),  # pair 25
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),  # pair 34
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("vision", "matrix"),
    [("normal", np.eye(3)), ("deuteranopia", DEUTERANOPIA), ("protanopia", PROTANOPIA)],
)
def test_level_colours_stay_distinguishable(levels, vision, matrix):
    labs = [_lab(matrix @ _linear(level.hexcolor)) for level in levels]
    for (a, lab_a), (b, lab_b) in itertools.combinations(zip(levels, labs, strict=True), 2):
        difference = ciede2000(lab_a, lab_b)
        assert difference >= MIN_DELTA_E, f"{a.name} vs {b.name} under {vision}: {difference:.1f}"


def test_classification_colours_stay_distinguishable_under_deuteranopia():
    labs = [_lab(DEUTERANOPIA @ _linear(colour)) for colour in CLASSIFICATION_COLOURS.values()]
    assert min(ciede2000(a, b) for a, b in itertools.combinations(labs, 2)) >= MIN_DELTA_E


def test_plan_image_in_the_map_is_the_stored_plan(document, frame, levels, ground):
    figure = charts.build_hotspot_map(
        _floor_points(frame, document, ground.id), levels, ground.plan
    )
    data = base64.b64decode(figure.layout.images[0].source.split(",", 1)[1])
    assert Image.open(io.BytesIO(data)).size == (ground.plan.width, ground.plan.height)
