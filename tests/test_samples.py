"""The bundled fictional sample walk: what it must cover, that it is current and deterministic, and
that loading it is idempotent."""

from __future__ import annotations

import importlib
import io
import re
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, inspect, select, table

from datawalk.interchange import dump_document, parse_document
from datawalk.models import AuditDocument
from datawalk.samples import SAMPLE_PATH, load_sample, sample_audit_id, sample_document
from datawalk.store import Store

SAMPLE_DIR = SAMPLE_PATH.parent
# Worked example number -> the classification the domain brief states for it.
WORKED_EXAMPLES = {
    1: "over_exposed",
    2: "under_available",
    3: "over_exposed",
    4: "over_exposed",
    5: "under_available",
    6: "proportionate",
    7: "proportionate",
}


@pytest.fixture(scope="module")
def sample() -> AuditDocument:
    """The sample walk as the app loads it: validated against its checklist and freshly scored."""
    return sample_document()


@pytest.fixture(scope="module")
def make_sample():
    """The generator script, imported as a module (it lives beside the data, not in the package)."""
    sys.path.insert(0, str(SAMPLE_DIR))
    try:
        return importlib.import_module("make_sample")
    finally:
        sys.path.remove(str(SAMPLE_DIR))


def _text(finding) -> str:
    return f"{finding.notes} {finding.good_practice_note}"


def test_the_sample_is_large_enough(sample: AuditDocument) -> None:
    assert len(sample.findings) >= 30
    assert len(sample.locations) >= 12
    assert sum(finding.good_practice for finding in sample.findings) >= 3
    assert len(sample.actions) >= 3


def test_two_floors_each_with_a_drawn_plan(sample: AuditDocument) -> None:
    floors = sample.audit.site.floors
    assert len(floors) == 2
    for floor in floors:
        assert floor.plan is not None
        image = Image.open(io.BytesIO(floor.plan.data))
        assert image.format == "PNG"
        assert image.size == (floor.plan.width, floor.plan.height)
        assert 1000 <= image.width <= 1400 and 600 <= image.height <= 1000
    used = {location.floor_id for location in sample.locations}
    assert used == {floor.id for floor in floors}


def test_the_plan_files_match_the_plans_in_the_document(sample: AuditDocument) -> None:
    plans = {floor.name: floor.plan for floor in sample.audit.site.floors}
    for name, file_name in (
        ("Ground floor", "floor_ground.png"),
        ("First floor", "floor_first.png"),
    ):
        with Image.open(SAMPLE_DIR / file_name) as image:
            assert image.size == (plans[name].width, plans[name].height)


def test_every_location_has_a_position_on_its_floor(sample: AuditDocument) -> None:
    for location in sample.locations:
        assert location.floor_id is not None, location.name
        assert location.position is not None, location.name


def test_some_locations_were_visited_with_nothing_found(sample: AuditDocument) -> None:
    with_findings = {finding.location_id for finding in sample.findings}
    empty = [location for location in sample.locations if location.nothing_found]
    assert empty
    assert all(location.id not in with_findings for location in empty)


@pytest.mark.parametrize(("number", "classification"), sorted(WORKED_EXAMPLES.items()))
def test_each_worked_example_is_there_with_its_stated_classification(
    sample: AuditDocument, number: int, classification: str
) -> None:
    marked = [f for f in sample.findings if f"Worked example {number}:" in _text(f)]
    assert len(marked) == 1
    scores = {score["finding_id"]: score for score in sample.scores}
    assert scores[marked[0].id]["classification"] == classification


def test_scope_opinion_and_actions_are_written(sample: AuditDocument) -> None:
    assert re.search(r"Year 6\)? was not visited", sample.audit.scope_limitations)
    assert len(sample.audit.overall_opinion) > 200
    statuses = {action.status for action in sample.actions}
    assert {"open", "done", "risk_accepted"} <= statuses
    accepted = [action for action in sample.actions if action.status == "risk_accepted"]
    assert all(a.accepted_reason and a.accepted_by and a.accepted_on for a in accepted)


def test_names_are_obviously_fictional(sample: AuditDocument) -> None:
    assert "(fictional)" in sample.audit.school.name
    assert "(fictional)" in sample.audit.auditor
    pupils = set(re.findall(r"Pupil [A-Z]\b", " ".join(_text(f) for f in sample.findings)))
    assert len(pupils) >= 3


def test_photos_are_small_and_carry_a_confirmed_redaction(make_sample) -> None:
    photos = [p for finding in make_sample.build_document().findings for p in finding.photos]
    assert photos
    for photo in photos:
        assert len(photo.data) < 50_000
        assert photo.redaction is not None and photo.redaction.boxes
        assert photo.redaction.confirmed_by and not photo.needs_review


def test_loaded_sample_photos_await_review_like_any_import(sample: AuditDocument) -> None:
    """The sample enters through the import door, which trusts no file's redaction record."""
    photos = [photo for finding in sample.findings for photo in finding.photos]
    assert photos and all(photo.needs_review for photo in photos)


def test_the_audit_id_is_fixed_and_looks_unguessable(sample: AuditDocument, make_sample) -> None:
    assert sample.audit.id == make_sample.fixed_id("audit", "hollybrook") == sample_audit_id()
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}", sample.audit.id)


def test_the_generator_is_deterministic(make_sample) -> None:
    assert dump_document(make_sample.build_document()) == dump_document(
        make_sample.build_document()
    )


def _content(document: AuditDocument) -> AuditDocument:
    """The document without derived or renderer-dependent parts: scores, action priorities and
    image bytes (Pillow versions may compress differently) and the photo intake's record, which
    every import redoes."""
    floors = [
        floor.model_copy(update={"plan": floor.plan.model_copy(update={"data": b""})})
        for floor in document.audit.site.floors
    ]
    site = document.audit.site.model_copy(update={"floors": floors})
    findings = [
        finding.model_copy(
            update={
                "photos": [
                    p.model_copy(update={"data": b"", "redaction": None, "needs_review": False})
                    for p in finding.photos
                ]
            }
        )
        for finding in document.findings
    ]
    return document.model_copy(
        update={
            "audit": document.audit.model_copy(update={"site": site}),
            "findings": findings,
            "actions": [a.model_copy(update={"priority": 0.0}) for a in document.actions],
            "scores": [],
        }
    )


def test_the_committed_sample_is_current(make_sample) -> None:
    """Fails when the checklist or the walk changed: run `python sample_data/make_sample.py`."""
    committed = parse_document(SAMPLE_PATH.read_bytes(), rescore=False)
    assert _content(make_sample.build_document()) == _content(committed)


def _counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table(name))).scalar()
            for name in inspect(store.engine).get_table_names()
        }


def test_loading_twice_leaves_one_copy(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'sample.db'}")
    try:
        first = load_sample(store)
        counts = _counts(store)
        second = load_sample(store, actor="someone else")
        assert first == second == sample_audit_id()
        assert [audit.id for audit in store.list_audits()] == [first]
        assert _counts(store) == counts
    finally:
        store.close()


def test_the_loaded_sample_exports_as_the_sample(sample: AuditDocument) -> None:
    store = Store.open("sqlite://")
    try:
        load_sample(store)
        exported = store.export_document(sample_audit_id())
    finally:
        store.close()
    assert exported.locations and exported.findings
    by_id = {finding.id: finding for finding in exported.findings}
    assert by_id == {finding.id: finding for finding in sample.findings}
    assert {a.id: a for a in exported.actions} == {a.id: a for a in sample.actions}
    assert exported.audit == sample.audit
