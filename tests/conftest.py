"""Shared fixtures: stores on throwaway SQLite and PostgreSQL, the bundled checklist, and small
model builders.

Builders are fixtures that return functions, so tests can make as many audits, locations, findings
and photos as they need, each valid and fictional, overriding only the fields a test is about.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from postgres_cluster import TEST_DATABASE_URL_ENV, Cluster, start_cluster, stop_cluster

from datawalk.models import (
    Audit,
    Finding,
    Floor,
    Location,
    Photo,
    PinnedChecklist,
    School,
    Site,
)
from datawalk.privacy.photos import make_photo as make_photo_from
from datawalk.privacy.photos import redact_photo
from datawalk.store import Store

ACTOR = "Test Consultant"


# Modules whose tests run on both engines: every test of theirs that takes `store` (or asks for
# `engine_name`) runs once on SQLite and once on PostgreSQL. Other modules stay on SQLite.
BOTH_ENGINES = (
    "test_store_",
    "test_services_",
    "test_migrations",
    "test_engines_",
    "test_pg_",
    "test_accounts_",
)
ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if "engine_name" in metafunc.fixturenames and module.startswith(BOTH_ENGINES):
        metafunc.parametrize("engine_name", ENGINES, indirect=True)


@pytest.fixture
def engine_name(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgresql": both in BOTH_ENGINES modules, SQLite elsewhere."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the session (see tests/postgres_cluster.py)."""
    cluster = start_cluster()
    yield cluster
    stop_cluster(cluster)


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str:
    """The PostgreSQL database the `store` fixture empties after each test:
    DATAWALK_TEST_DATABASE_URL if set, else one in the throwaway cluster."""
    return os.environ.get(TEST_DATABASE_URL_ENV) or request.getfixturevalue(
        "postgres_cluster"
    ).create_database("datawalk_store_tests")


@pytest.fixture
def new_database_url(engine_name, request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of a brand-new empty database on the test's engine: a SQLite file, or a new
    database in the throwaway cluster (for tests that migrate or share it between processes)."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'datawalk.db'}"
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"dw_{secrets.token_hex(6)}")


@pytest.fixture
def store(engine_name, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A migrated, empty store private to the test: in-memory SQLite, or the PostgreSQL test
    database (see `postgres_url`), emptied of every row afterwards."""
    if engine_name == "sqlite":
        opened = Store.open("sqlite://")
        yield opened
        opened.close()
        return
    opened = Store.open(request.getfixturevalue("postgres_url"))
    yield opened
    _empty_every_table(opened.engine)
    opened.close()


def _empty_every_table(engine) -> None:
    from sqlalchemy import text

    from datawalk.store import tables

    names = ", ".join(f'"{table.name}"' for table in tables.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def file_store(tmp_path) -> Iterator[Store]:
    """A migrated, empty store on a SQLite file under tmp_path (WAL, secure_delete): for tests
    that look at the file itself."""
    opened = Store.open(f"sqlite:///{tmp_path / 'datawalk.db'}")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def checklist():
    """The bundled UK schools checklist, loaded once (read-only: the model is frozen)."""
    from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist

    return load_checklist(DEFAULT_CHECKLIST_PATH)


@pytest.fixture
def pinned_checklist() -> PinnedChecklist:
    """A tiny pinned checklist: enough for the store, which never interprets the content."""
    content: dict[str, Any] = {"id": "test_checklist", "version": 1, "objects": {"note": "tiny"}}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    return PinnedChecklist(
        id="test_checklist",
        version=1,
        content_hash=hashlib.sha256(canonical).hexdigest(),
        content=content,
    )


@pytest.fixture
def make_audit(pinned_checklist) -> Callable[..., Audit]:
    """Build (not store) an audit of a fictional school with a ground and a first floor."""

    def build(**fields: Any) -> Audit:
        values: dict[str, Any] = {
            "school": School(name="Oakfield Primary (fictional)", phase="primary"),
            "site": Site(
                name="Main site",
                floors=[
                    Floor(id="ground", name="Ground floor", order=0),
                    Floor(id="first", name="First floor", order=1),
                ],
            ),
            "walk_at": datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
            "auditor": "A. Consultant",
            "accompanied_by": "School business manager",
            "checklist": pinned_checklist,
        }
        values.update(fields)
        return Audit(**values)

    return build


@pytest.fixture
def make_location() -> Callable[..., Location]:
    """Build (not store) a location in the given audit, on the ground floor."""

    def build(audit_id: str, **fields: Any) -> Location:
        values: dict[str, Any] = {
            "audit_id": audit_id,
            "name": "Servery",
            "location_type": "servery",
            "floor_id": "ground",
        }
        values.update(fields)
        return Location(**values)

    return build


@pytest.fixture
def make_finding() -> Callable[..., Finding]:
    """Build (not store) an unsaved finding (no reference) at the given location."""

    def build(audit_id: str, location_id: str, **fields: Any) -> Finding:
        values: dict[str, Any] = {
            "audit_id": audit_id,
            "location_id": location_id,
            "categories": ["food_allergy"],
            "format": "poster",
            "identifiability": "full_name_photo",
            "detail_level": "condition_action",
            "visible_to": ["visitors"],
            "needed_by": ["all_staff"],
            "notes": "Allergy poster beside the servery.",
        }
        values.update(fields)
        return Finding(**values)

    return build


def png_bytes(
    width: int = 4, height: int = 3, colour: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    """Return a small real PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def png() -> Callable[..., bytes]:
    """Return a builder of small real PNG bytes: png(width, height, colour)."""
    return png_bytes


@pytest.fixture
def make_photo() -> Callable[..., Photo]:
    """Build a photo from raw bytes (a small PNG unless `data` is given).

    A redacted photo goes through the app's own intake (`redact_photo`, then `make_photo` with
    the checker's name), as every stored photo does. `redacted=False` builds what a hostile or
    careless file could hold instead: raw bytes with no redaction record. Photo.data is
    Base64Bytes, which decodes its input, so raw bytes are encoded here first.
    """

    def build(data: bytes | None = None, redacted: bool = True, **fields: Any) -> Photo:
        raw = png_bytes() if data is None else data
        if redacted:
            photo = make_photo_from(redact_photo(raw), fields.pop("caption", ""), ACTOR)
            return photo.model_copy(update=fields) if fields else photo
        values: dict[str, Any] = {
            "media_type": "image/png",
            "width": 4,
            "height": 3,
            "data": base64.b64encode(raw),
            "redaction": None,
        }
        values.update(fields)
        return Photo(**values)

    return build


@pytest.fixture
def audit(store, make_audit) -> Audit:
    """A stored, empty audit in `store`."""
    return store.create_audit(make_audit(), ACTOR)


@pytest.fixture
def location(store, audit, make_location) -> Location:
    """A stored location in `audit`."""
    return store.add_location(make_location(audit.id), ACTOR)


FACE_GPS_LEAK = "Model-GPS-Leak"
CLAIMED_REDACTIONS = {
    "forged": {
        "pipeline_version": "datawalk-photo/1 (trust me)",
        "boxes": [],
        "dropped_boxes": [],
        "confirmed_by": "A. Consultant",
        "confirmed_at": "2025-03-12T09:30:00Z",
    },
    "empty": {"pipeline_version": "", "boxes": [], "dropped_boxes": []},
}


@pytest.fixture(scope="session")
def portrait() -> bytes:
    """The public-domain NASA astronaut portrait (one frontal face), 360 px square."""
    return (Path(__file__).parent / "fixtures" / "astronaut.jpg").read_bytes()


def portrait_with_gps() -> bytes:
    """The public-domain astronaut portrait (one frontal face) with a camera model and GPS."""
    image = Image.open(Path(__file__).parent / "fixtures" / "astronaut.jpg")
    exif = Image.Exif()
    exif[0x0110] = FACE_GPS_LEAK
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


@pytest.fixture
def face_with_gps() -> bytes:
    return portrait_with_gps()


@pytest.fixture
def backup_with_a_face() -> Callable[[str], bytes]:
    """backup_with_a_face(kind): the sample walk's backup whose first photo is a face with GPS
    metadata, claiming a "forged" (confirmed, no boxes) or "empty" redaction record."""
    from datawalk.samples import SAMPLE_PATH

    def build(kind: str) -> bytes:
        raw = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
        finding = next(f for f in raw["findings"] if f["photos"])
        data = portrait_with_gps()
        width, height = Image.open(io.BytesIO(data)).size
        finding["photos"][0].update(
            data=base64.b64encode(data).decode(),
            media_type="image/jpeg",
            width=width,
            height=height,
            redaction=CLAIMED_REDACTIONS[kind],
            needs_review=False,
        )
        return json.dumps(raw).encode("utf-8")

    return build
