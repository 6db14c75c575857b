"""Privacy of what reaches the disk: a phone photo with EXIF GPS goes through the intake and the
store, and neither its metadata nor its original bytes can be found in the database files.
Also: where the data is said to live never shows credentials."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy.engine import make_url

from datawalk.privacy import make_photo, redact_photo
from datawalk.store import Store
from datawalk.store.engine import checkpoint_wal
from datawalk.store.store import describe_database_location

ACTOR = "Privacy Tester"
CAMERA_MODEL = "DW-TEST-CAMERA-9231"
GPS_DATUM = "DW-GPS-DATUM-4471"
# 51° 28' 38.7654" N, 0° 0' 5.3117" W: an unusual position, written as EXIF rationals.
LATITUDE = (51.0, 28.0, 38.7654)
LONGITUDE = (0.0, 0.0, 5.3117)
SLICE = 64

MODEL_TAG = 0x0110
GPS_IFD = 0x8825
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE, GPS_MAP_DATUM = 1, 2, 3, 4, 18


def phone_jpeg() -> bytes:
    """Return a noisy 640×480 JPEG carrying a camera model and a GPS position in its EXIF."""
    pixels = np.random.default_rng(9231).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGB")
    exif = Image.Exif()
    exif[MODEL_TAG] = CAMERA_MODEL
    gps = exif.get_ifd(GPS_IFD)
    gps[GPS_LATITUDE_REF] = "N"
    gps[GPS_LATITUDE] = LATITUDE
    gps[GPS_LONGITUDE_REF] = "W"
    gps[GPS_LONGITUDE] = LONGITUDE
    gps[GPS_MAP_DATUM] = GPS_DATUM
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def slices(data: bytes, count: int = 8) -> list[bytes]:
    """Return `count` 64-byte slices spread over `data` (past its headers, into the pixels)."""
    start = len(data) // 4
    step = (len(data) - start - SLICE) // count
    return [data[start + i * step : start + i * step + SLICE] for i in range(count)]


def database_files(path: Path) -> bytes:
    """Return the bytes of the database and every file SQLite keeps beside it (-wal, -shm)."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


@pytest.fixture
def original() -> bytes:
    data = phone_jpeg()
    written = Image.open(io.BytesIO(data)).getexif()
    # The fixture carries what the test looks for.
    assert written[MODEL_TAG] == CAMERA_MODEL
    assert written.get_ifd(GPS_IFD)[GPS_MAP_DATUM] == GPS_DATUM
    assert CAMERA_MODEL.encode() in data and GPS_DATUM.encode() in data
    return data


def test_photo_metadata_and_original_bytes_never_reach_the_database(
    tmp_path, original, make_audit, make_location, make_finding
):
    db_path = tmp_path / "datawalk.db"
    store = Store.open(f"sqlite:///{db_path}")
    redacted = redact_photo(original)
    photo = make_photo(redacted, caption="Allergy poster", confirmed_by=ACTOR)
    audit = store.create_audit(make_audit(), ACTOR)
    location = store.add_location(make_location(audit.id), ACTOR)
    finding = store.save_finding(make_finding(audit.id, location.id, photos=[photo]), ACTOR)

    (stored,) = store.get_finding(finding.id).photos
    picture = Image.open(io.BytesIO(stored.data))
    assert len(picture.getexif()) == 0
    assert "exif" not in picture.info and "xmp" not in picture.info
    assert b"Exif" not in stored.data
    assert stored.redaction is not None and stored.redaction.confirmed_by == ACTOR

    checkpoint_wal(store.engine)
    on_disk = database_files(db_path)
    # The search can see photo blobs: the stored (redacted) picture is there.
    assert any(part in on_disk for part in slices(stored.data))
    assert CAMERA_MODEL.encode() not in on_disk
    assert GPS_DATUM.encode() not in on_disk
    assert not [part for part in slices(original) if part in on_disk]

    store.close()  # closing checkpoints the WAL again: the main file alone must be clean too
    on_disk = database_files(db_path)
    assert CAMERA_MODEL.encode() not in on_disk
    assert not [part for part in slices(original) if part in on_disk]


def test_the_database_location_never_shows_credentials():
    # make_url loads no driver, so this runs on a machine without psycopg installed.
    url = make_url(
        "postgresql+psycopg://walker:Hunter2-secret@db.example.org:5433/datawalk"
        "?sslmode=require&password=also-secret"
    )
    where = describe_database_location(url)
    assert where == "postgresql+psycopg://db.example.org:5433/datawalk"
    assert "walker" not in where and "secret" not in where


def test_a_sqlite_location_is_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = Store.open("sqlite:///data/walks.db")
    try:
        assert store.database_location() == str((tmp_path / "data" / "walks.db").resolve())
    finally:
        store.close()
