"""One contrast formula for text on colour: WCAG 2 luminance and ratio against published
values, the better of dark and light text chosen, and every level colour of every checklist in
the library readable at WCAG AA."""

from __future__ import annotations

import pytest

from datawalk.charts import text_colour as chart_text_colour
from datawalk.checklist import CHECKLISTS_DIR, available_checklists
from datawalk.colours import (
    DARK_TEXT,
    LIGHT_TEXT,
    MIN_TEXT_CONTRAST,
    contrast_ratio,
    relative_luminance,
    text_colour,
    text_contrast,
)
from datawalk.ui import widgets
from datawalk.vocabulary import Level
from datawalk.workbook import styles


@pytest.mark.parametrize(
    ("colour", "luminance"),
    [("#000000", 0.0), ("#FFFFFF", 1.0), ("#FF0000", 0.2126), ("#00FF00", 0.7152)],
)
def test_relative_luminance_matches_wcag(colour, luminance):
    assert relative_luminance(colour) == pytest.approx(luminance, abs=1e-4)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#767676", "#FFFFFF", 4.54),  # the classic lightest grey that passes AA on white
        ("#777777", "#FFFFFF", 4.48),
    ],
)
def test_contrast_ratio_matches_wcag(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("background", ["#E5E5E5", "#2C7BB6", "#D7191C", "#777777", "#808080"])
def test_text_colour_takes_the_better_contrast(background):
    chosen = text_colour(background)
    other = LIGHT_TEXT if chosen == DARK_TEXT else DARK_TEXT
    assert contrast_ratio(background, chosen) >= contrast_ratio(background, other)
    assert text_contrast(background) == contrast_ratio(background, chosen)


def test_charts_tables_and_the_workbook_use_the_same_formula():
    """The one formula, not copies: the charts, the table styling and the workbook import it."""
    assert chart_text_colour is text_colour
    assert widgets.text_colour is text_colour
    assert styles.text_colour is text_colour
    assert not hasattr(styles, "readable_on")


def test_text_on_every_level_colour_passes_wcag_aa():
    for checklist in available_checklists(CHECKLISTS_DIR):
        for level in checklist.scoring.levels if checklist.scoring else []:
            ratio = text_contrast(level.hexcolor)
            assert ratio >= MIN_TEXT_CONTRAST, (checklist.version, level.name, ratio)


def test_a_level_badge_is_drawn_in_its_named_colour(checklist):
    """Findings badges use the colour the checklist names, never a RAG band of another hue."""
    badges = [widgets.level_colour(level) for level in checklist.scoring.levels]
    assert badges == ["gray", "blue", "yellow", "orange", "red"]
    assert [level.colour for level in checklist.scoring.levels] == [
        "grey",
        "blue",
        "yellow",
        "orange",
        "red",
    ]
    markdown = widgets.level_markdown("Privacy", checklist.scoring.levels[0])
    assert markdown.startswith(":gray-badge[") and "Very low" in markdown


def test_a_level_pinned_before_colour_names_keeps_its_rag_band_as_the_name():
    old = Level(id="very_low", name="Very low", description="-", hexcolor="#2C7BB6", rag="green")
    assert old.colour_name == "green" and widgets.level_colour(old) == "green"
    amber = old.model_copy(update={"rag": "amber"})
    assert widgets.level_colour(amber) == "orange"
    with pytest.raises(ValueError, match="needs `colour`"):
        Level(id="x", name="X", description="-", hexcolor="#FFFFFF")
