"""No photo from a file is trusted: whatever redaction record a backup claims, every photo goes
through the intake again on import (faces filled, metadata stripped) and awaits a person's check."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from datawalk.cli import main
from datawalk.interchange import parse_document
from datawalk.privacy import detect_faces
from datawalk.store import Store

CLAIMS = ["forged", "empty"]  # the redaction records `backup_with_a_face` can claim
LEAK = b"Model-GPS-Leak"  # the camera model written into its photo's metadata


def _assert_redacted_awaiting_review(data: bytes, needs_review: bool, confirmed_by: str) -> None:
    assert detect_faces(data) == [], "the face in the file came through"
    assert LEAK not in data and b"Exif" not in data, "metadata came through"
    assert needs_review and confirmed_by == ""


def test_the_portrait_shows_a_face_and_its_metadata_to_begin_with(face_with_gps) -> None:
    assert detect_faces(face_with_gps) and LEAK in face_with_gps


@pytest.mark.parametrize("kind", CLAIMS)
def test_a_claimed_redaction_record_is_not_trusted(kind: str, backup_with_a_face) -> None:
    document = parse_document(backup_with_a_face(kind))
    photo = next(p for f in document.findings for p in f.photos if p.media_type == "image/jpeg")
    assert photo.redaction is not None
    _assert_redacted_awaiting_review(photo.data, photo.needs_review, photo.redaction.confirmed_by)


@pytest.mark.parametrize("kind", CLAIMS)
def test_the_cli_import_stores_only_the_re_redacted_photo(
    kind: str, tmp_path: Path, backup_with_a_face
) -> None:
    backup = tmp_path / "backup.json"
    backup.write_bytes(backup_with_a_face(kind))
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


def test_a_restored_photo_awaiting_review_is_left_out_of_the_exported_workbook(
    tmp_path: Path, backup_with_a_face
) -> None:
    import io
    import zipfile

    backup = tmp_path / "backup.json"
    backup.write_bytes(backup_with_a_face("forged"))
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    runner = CliRunner()
    imported = runner.invoke(main, ["import", str(backup), "--db", url], catch_exceptions=False)
    audit_id = imported.stdout.strip().splitlines()[-1]
    book = tmp_path / "walk.xlsx"
    args = ["export", audit_id, "--format", "xlsx", "-o", str(book), "--db", url]
    assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    store = Store.open(url)
    try:
        document = store.export_document(audit_id)
    finally:
        store.close()
    plans = sum(1 for floor in document.audit.site.floors if floor.plan is not None)
    photos = [p for f in document.findings for p in f.photos]
    assert photos and all(photo.needs_review for photo in photos)
    media = [n for n in zipfile.ZipFile(io.BytesIO(book.read_bytes())).namelist() if "media/" in n]
    assert len(media) == plans  # floor plans only: no photo nobody here has checked
