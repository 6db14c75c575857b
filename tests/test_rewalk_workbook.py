"""The "Since last walk" sheet of a re-walk's workbook: counts, directions and the trend, read
back with openpyxl from the sample walked twice."""

from __future__ import annotations

import io

import openpyxl
import pytest

from datawalk.rewalk.compare import DIRECTION_LABELS
from datawalk.services import Workspace
from datawalk.workbook.downloads import build_workbook
from datawalk.workbook.sheets.since_last import SINCE_LAST
from tests.rewalk_scenario import walk_twice


@pytest.fixture
def walked(file_store):
    return walk_twice(file_store)


def _rows(workbook_bytes: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    return [row for row in book[SINCE_LAST].iter_rows(values_only=True) if any(row)]


def test_the_sheet_holds_each_place_with_its_direction_and_counts(file_store, walked):
    rows = _rows(build_workbook(Workspace(file_store).reads, walked.audit.id))

    header, body = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert header[:3] == ("Location", "Floor", "Privacy last time")
    at = {k: body[x.name] for k, x in walked.places.items()}
    assert at["resolved"]["Direction"] == DIRECTION_LABELS["better"]
    assert at["resolved"]["Resolved"] == walked.carried["resolved"]
    assert at["resolved"]["Privacy this time"] == "None"
    assert at["still"]["Direction"] == DIRECTION_LABELS["same"]
    assert at["still"]["Persisting"] == walked.carried["still"]
    assert at["changed"]["Persisting"] == walked.carried["changed"]
    assert at["locked"]["Direction"] == "Not checked"
    assert at["locked"]["Not checked"] == walked.carried["locked"]
    assert (at["new"]["New"], at["new"]["Direction"]) == (1, "Worse")
    totals = {row[0]: row[1] for row in rows if isinstance(row[1], int) and row[2] is None}
    assert totals["New findings"] == 1
    assert totals["Resolved"] == walked.carried["resolved"]


def test_the_sheet_holds_the_trend_of_both_walks(file_store, walked):
    rows = _rows(build_workbook(Workspace(file_store).reads, walked.audit.id))

    start = next(i for i, row in enumerate(rows) if row[0] == "Walk")
    trend = [dict(zip(rows[start], row, strict=True)) for row in rows[start + 1 :]]
    assert [row["Walk"] for row in trend] == [
        f"{walked.first.walk_at:%d/%m/%Y}",
        f"{walked.audit.walk_at:%d/%m/%Y}",
    ]
    levels = [h for h in rows[start][3:] if h]
    located = len(file_store.list_locations(walked.first.id))
    first_total = sum(trend[0][name] for name in levels)
    assert 0 < first_total <= located
    # This walk counts the places with findings now: the still, changed and new ones.
    second_total = sum(trend[1][name] for name in levels)
    with_findings = {f.location_id for f in file_store.list_findings(walked.audit.id)}
    assert with_findings == {walked.places[k].id for k in ("still", "changed", "new")}
    assert second_total == len(with_findings)


def test_the_sheet_counts_resolved_findings_a_checked_photo_shows(file_store, walked):
    from datawalk.models import RewalkState
    from datawalk.rewalk.compare import EVIDENCE_LABEL
    from datawalk.services import Actor
    from datawalk.services.rewalk_photos import add_resolved_photo
    from tests.pictures import noise_png

    workspace = Workspace(file_store)
    totals = {row[0]: row[1] for row in _rows(build_workbook(workspace.reads, walked.audit.id))}
    assert EVIDENCE_LABEL not in totals  # no photo yet: no line

    resolved = next(
        item
        for item in file_store.rewalk_record(walked.audit.id).items
        if item.state is RewalkState.RESOLVED
    )
    add_resolved_photo(workspace, Actor("A. Consultant"), resolved.id, noise_png(), checked=True)
    totals = {row[0]: row[1] for row in _rows(build_workbook(workspace.reads, walked.audit.id))}
    assert totals[EVIDENCE_LABEL] == 1
