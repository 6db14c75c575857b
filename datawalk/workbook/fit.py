"""Row heights that fit wrapped text, computed from column widths and the font's metrics.

XlsxWriter writes no row heights, and neither Excel nor LibreOffice re-measures rows when it
opens a file, so wrapped text overlaps the row below. Here each cell's text is wrapped the way a
spreadsheet does it (at spaces, long words split, line feeds kept) against its column's width in
pixels, using Calibri's advance widths (`calibri_widths.json`, measured from Carlito, which has
the same metrics). Estimates err on the tall side: words are measured a little wide, and unknown
characters count as an 'M'.

Results are cached by text and width: a big audit repeats the same labels, reasons and
recommendations thousands of times.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path

METRICS_PATH = Path(__file__).with_name("calibri_widths.json")
FONT_SIZE = 11.0  # the workbook's default font, Calibri 11
LINE_POINTS = 15.0  # Excel's line height for Calibri 11 (its default row height)
PADDING_POINTS = 3.0
MAX_ROW_POINTS = 409.0  # Excel's largest row height
CELL_MARGIN_PX = 6  # text inset inside a cell, both sides together
SAFETY = 1.06  # measured text is taken this much wider, for renderer differences
PX_PER_POINT = 96 / 72


@cache
def _metrics() -> dict[str, object]:
    return json.loads(METRICS_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1024)
def column_pixels(width: float) -> int:
    """Excel's pixel width of a column `width` characters wide (Calibri 11: 7 px a digit)."""
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 5)


@lru_cache(maxsize=65_536)
def text_pixels(text: str, bold: bool = False, size: float = FONT_SIZE) -> float:
    """Width of `text` on one line, in pixels at 96 dpi."""
    metrics = _metrics()
    widths: dict[str, int] = metrics["bold" if bold else "regular"]  # type: ignore[assignment]
    units = sum(map(widths.get, text, repeat(widths["M"], len(text))))  # C speed: no genexpr
    return units / int(metrics["units_per_em"]) * size * PX_PER_POINT * SAFETY  # type: ignore[call-overload]


@lru_cache(maxsize=131_072)
def line_count(text: str, width_px: float, bold: bool = False, size: float = FONT_SIZE) -> int:
    """Lines that `text` takes when wrapped into a cell `width_px` wide."""
    paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return sum(_paragraph_lines(p, width_px, bold, size) for p in paragraphs)


@lru_cache(maxsize=131_072)
def _paragraph_lines(paragraph: str, width_px: float, bold: bool, size: float) -> int:
    """Lines of one paragraph; cached on its own, as reasons and recommendations recur."""
    usable = max(width_px - CELL_MARGIN_PX, 8)
    if text_pixels(paragraph, bold, size) <= usable:
        return 1
    space = text_pixels(" ", bold, size)
    lines = 1
    used = 0.0
    for word in paragraph.split(" "):
        width = text_pixels(word, bold, size)
        if width > usable:  # a word wider than the cell is split across lines
            extra = math.ceil(width / usable)
            lines += extra if used else extra - 1
            used = width - (extra - 1) * usable
            continue
        needed = width if not used else used + space + width
        if needed > usable:
            lines += 1
            used = width
        else:
            used = needed
    return lines


def row_points(
    cells: Iterable[tuple[object, float]], bold: bool = False, size: float = FONT_SIZE
) -> float | None:
    """Height in points for a row of (value, column width in characters) cells, or None when
    every cell fits on one line (the default height then fits)."""
    most = 1
    for value, width in cells:
        if not value or not isinstance(value, str):
            continue  # numbers, dates and blanks never wrap
        if len(value) * 2 + 1 < width and "\n" not in value:
            continue  # no character is two digits wide, so this cannot wrap
        lines = line_count(value, column_pixels(width), bold, size)
        if lines > most:
            most = lines
    if most == 1:
        return None
    line = LINE_POINTS * size / FONT_SIZE
    return min(MAX_ROW_POINTS, most * line + PADDING_POINTS)
