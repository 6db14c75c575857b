"""Text on a coloured background: WCAG 2 relative luminance, contrast ratio, and the one choice
of dark or light text that every view makes the same way (chart cells, table badges, workbook
fills, plan images).

Pure functions, no streamlit and no plotting: the charts, the UI and the workbook all import
them from here, so a level's text reads the same everywhere and the checklist can be checked
against one threshold.
"""

from __future__ import annotations

DARK_TEXT = "#111111"
LIGHT_TEXT = "#FFFFFF"
MIN_TEXT_CONTRAST = 4.5  # WCAG 2 AA for normal-size text


def relative_luminance(hexcolor: str) -> float:
    """Return the WCAG 2 relative luminance (0 black to 1 white) of an sRGB `#RRGGBB` colour."""
    channels = [int(hexcolor.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    darker, lighter = sorted((relative_luminance(first), relative_luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(background: str) -> str:
    """Return dark or light text, whichever contrasts more with `background`."""
    dark = contrast_ratio(background, DARK_TEXT)
    light = contrast_ratio(background, LIGHT_TEXT)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def text_contrast(background: str) -> float:
    """Return the contrast of `text_colour(background)` on `background`; a level colour needs
    at least MIN_TEXT_CONTRAST."""
    return contrast_ratio(background, text_colour(background))
