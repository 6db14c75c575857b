"""Compiling the report with Typst: the committed template, and a temporary root that holds only
data.json and the images, so the compiler can read nothing else from the disk.

The template is passed as bytes, never written into the root, and uses no `@preview` packages
(they download at compile time). System fonts are ignored: the fonts built into Typst give the
same layout on every machine, which is what the layout tests judge.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path

from datawalk.errors import DataWalkError
from datawalk.report.content import ReportContent

TEMPLATE = "report.typ"


class ReportError(DataWalkError):
    """The report could not be typeset (a bug, never the user's text)."""


def template_source() -> bytes:
    return resources.files("datawalk.report").joinpath("template", TEMPLATE).read_bytes()


def compile_pdf(content: ReportContent, produced_at: datetime | None = None) -> bytes:
    """Return the tagged PDF of `content`, compiled in a fresh private directory."""
    import typst

    with tempfile.TemporaryDirectory(prefix="datawalk-report-") as root:
        folder = Path(root)
        (folder / "data.json").write_text(
            json.dumps(content.data, ensure_ascii=False), encoding="utf-8"
        )
        for image in content.images:
            (folder / image.name).write_bytes(image.data)
        try:
            pdf = typst.compile(
                template_source(),
                root=root,
                ignore_system_fonts=True,
                pdf_tags=True,
                timestamp=int(produced_at.timestamp()) if produced_at else None,
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise ReportError(f"The report could not be typeset: {error}") from error
    return pdf
