"""No photo from a file is trusted: whatever redaction record a backup claims, every photo goes
through the intake again on import (faces filled, metadata stripped) and awaits a person's check."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from datawalk.cli import main
from datawalk.interchange import parse_document
from datawalk.privacy import detect_faces
from datawalk.samples import SAMPLE_PATH
from datawalk.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
GPS_IFD = 0x8825
LEAK = "Model-GPS-Leak"


def _portrait_with_gps() -> bytes:
    """The public-domain astronaut portrait (one frontal face) with a camera model and GPS."""
    image = Image.open(FIXTURES / "astronaut.jpg")
    exif = Image.Exif()
    exif[0x0110] = LEAK
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


FORGED_RECORDS = {
    "forged": {
        "pipeline_version": "datawalk-photo/1 (trust me)",
        "boxes": [],
        "dropped_boxes": [],
        "confirmed_by": "A. Consultant",
        "confirmed_at": "2025-03-12T09:30:00Z",
    },
    "empty": {"pipeline_version": "", "boxes": [], "dropped_boxes": []},
}


def _backup_with_a_face(record: dict) -> str:
    raw = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    finding = next(f for f in raw["findings"] if f["photos"])
    data = _portrait_with_gps()
    width, height = Image.open(io.BytesIO(data)).size
    finding["photos"][0].update(
        data=base64.b64encode(data).decode(),
        media_type="image/jpeg",
        width=width,
        height=height,
        redaction=record,
        needs_review=False,
    )
    return json.dumps(raw)


def _assert_redacted_awaiting_review(data: bytes, needs_review: bool, confirmed_by: str) -> None:
    assert detect_faces(data) == [], "the face in the file came through"
    assert LEAK.encode() not in data and b"Exif" not in data, "metadata came through"
    assert needs_review and confirmed_by == ""


@pytest.mark.parametrize("kind", list(FORGED_RECORDS))
def test_a_claimed_redaction_record_is_not_trusted(kind: str) -> None:
    text = _backup_with_a_face(FORGED_RECORDS[kind])
    assert detect_faces(_portrait_with_gps()), "the fixture must show a face to begin with"
    document = parse_document(text)
    photo = next(p for f in document.findings for p in f.photos if p.media_type == "image/jpeg")
    assert photo.redaction is not None
    _assert_redacted_awaiting_review(photo.data, photo.needs_review, photo.redaction.confirmed_by)


@pytest.mark.parametrize("kind", list(FORGED_RECORDS))
def test_the_cli_import_stores_only_the_re_redacted_photo(kind: str, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    backup.write_text(_backup_with_a_face(FORGED_RECORDS[kind]), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    result = CliRunner().invoke(main, ["import", str(backup), "--db", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    store = Store.open(url)
    try:
        document = store.export_document(result.stdout.strip().splitlines()[-1])
    finally:
        store.close()
    photo = next(p for f in document.findings for p in f.photos if p.media_type == "image/jpeg")
    assert photo.redaction is not None
    _assert_redacted_awaiting_review(photo.data, photo.needs_review, photo.redaction.confirmed_by)
