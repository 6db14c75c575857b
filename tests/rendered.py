"""Checks of a rendered PDF's layout with pdfplumber, shared by the report and the workbook tests:
text that overlaps other text, text too small to read, words missing from every page, and page
PNGs (pdftoppm) kept as artifacts for a person to look at.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

MIN_TEXT_PT = 7.0
# Two words overlap when their boxes share more than this in both directions, in points: glyph
# boxes of adjacent lines may touch at ascenders and descenders, which a reader never sees.
OVERLAP_SLACK_PT = 1.0
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "rendered"


@dataclass(frozen=True)
class Overlap:
    page: int
    first: str
    second: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.first!r} overlaps {self.second!r}"


def pages_text(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def overlaps(pdf: bytes) -> list[Overlap]:
    """Every pair of words, on any page, whose boxes overlap (a sweep along x per page)."""
    found: list[Overlap] = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            words = sorted(
                page.extract_words(use_text_flow=False, keep_blank_chars=False),
                key=lambda w: w["x0"],
            )
            active: list[dict] = []
            for word in words:
                active = [w for w in active if w["x1"] - OVERLAP_SLACK_PT > word["x0"]]
                for other in active:
                    dx = min(other["x1"], word["x1"]) - max(other["x0"], word["x0"])
                    dy = min(other["bottom"], word["bottom"]) - max(other["top"], word["top"])
                    if dx > OVERLAP_SLACK_PT and dy > OVERLAP_SLACK_PT:
                        found.append(Overlap(number, other["text"], word["text"]))
                active.append(word)
    return found


def smallest_text(pdf: bytes) -> tuple[float, str]:
    """The smallest character size on any page (in points), with the character."""
    smallest = (float("inf"), "")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for char in page.chars:
                if char["text"].strip() and char["size"] < smallest[0]:
                    smallest = (round(char["size"], 2), char["text"])
    return smallest


def save_pngs(pdf: bytes, name: str, directory: Path | None = None, dpi: int = 70) -> list[Path]:
    """Render every page to PNG with pdftoppm (a test artifact); skipped without poppler."""
    if shutil.which("pdftoppm") is None:
        return []
    target = (directory or ARTIFACTS) / name
    target.mkdir(parents=True, exist_ok=True)
    source = target / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(target / "page")],
        check=True,
        timeout=120,
    )
    return sorted(target.glob("page-*.png"))


def libreoffice_pdf(document: Path, out_dir: Path) -> bytes:
    """The PDF LibreOffice makes of a document, headless; skips where LibreOffice is missing
    (`.ci/run` installs it, so CI always renders)."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return (out_dir / f"{document.stem}.pdf").read_bytes()
