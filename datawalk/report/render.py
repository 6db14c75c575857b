"""Compiling the report with Typst: the committed template, and a temporary root that holds only
data.json and the images, so the compiler can read nothing else from the disk.

The template is passed as bytes, never written into the root, and uses no `@preview` packages
(they download at compile time). System fonts are ignored: the fonts built into Typst give the
same layout on every machine, which is what the layout tests judge.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, cast

from datawalk.errors import DataWalkError
from datawalk.report.content import ReportContent

TEMPLATE = "report.typ"
LONG_WORD = re.compile(r"\S{25,}")
BREAK_EVERY = 20
ZERO_WIDTH_SPACE = "\u200b"
# Values the template uses as names or colours, or that must be copied exactly: never broken.
UNBROKEN_KEYS = frozenset({"image", "colour", "ink", "checklist_hash", "marking"})


class ReportError(DataWalkError):
    """The report could not be typeset (a bug, never the user's text)."""


def template_source() -> bytes:
    return resources.files("datawalk.report").joinpath("template", TEMPLATE).read_bytes()


def breakable(text: str) -> str:
    """Text with a break opportunity every 20 characters inside very long words: Typst never
    breaks a word itself, and one long unbroken string would run out of its table cell."""

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        parts = [word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY)]
        return ZERO_WIDTH_SPACE.join(parts)

    return LONG_WORD.sub(split, text)


def _breakable_data(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in UNBROKEN_KEYS else breakable(value)
    if isinstance(value, dict):
        return {k: _breakable_data(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_breakable_data(item, key) for item in value]
    return value


def compile_pdf(content: ReportContent, produced_at: datetime | None = None) -> bytes:
    """Return the tagged PDF of `content`, compiled in a fresh private directory."""
    import typst

    with tempfile.TemporaryDirectory(prefix="datawalk-report-") as root:
        folder = Path(root)
        (folder / "data.json").write_text(
            json.dumps(_breakable_data(content.data), ensure_ascii=False), encoding="utf-8"
        )
        for image in content.images:
            (folder / image.name).write_bytes(image.data)
        try:
            pdf = typst.compile(
                cast(Any, template_source()),
                root=root,
                ignore_system_fonts=True,
                pdf_tags=True,
                timestamp=int(produced_at.timestamp()) if produced_at else None,
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise ReportError(f"The report could not be typeset: {error}") from error
    if not isinstance(pdf, bytes):
        raise ReportError("The report compiler gave pages, not one PDF.")
    return pdf
