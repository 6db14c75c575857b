"""The workbook's Scoring model sheet lists every recommendation rule and guard of the pinned
checklist in words: when each step is advised, where, who can still reach the information after
it, and the floor no checklist can lower. Expected rows come from the checklist, not hard-coded."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from datawalk.checklist import pin_checklist
from datawalk.samples import sample_document
from datawalk.scoring.rule_table import BUILT_IN_FLOOR, guard_rows, rule_rows
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import SCORING_MODEL


@pytest.fixture(scope="module")
def rows(checklist) -> list[tuple]:
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    document = sample.model_copy(update={"audit": audit})
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(document, today=date(2025, 6, 1))))
    sheet = book[SCORING_MODEL]
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def _after(rows: list[tuple], title: str) -> list[tuple]:
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    return rows[start + 1 :]


def test_every_rule_reads_when_where_and_who_keeps_it(rows, checklist):
    """Each rule is a row (where, step, who keeps it, action) with its conditions on the row
    under it, across the sheet."""
    table = _after(rows, "Recommendation rules")
    assert table[0][:4] == ("Rule", "Where", "Step", "Who can still reach it after")
    expected = rule_rows(checklist)
    pairs = table[1 : 2 * len(expected) + 1]
    shown = {pairs[i][0]: (pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)}
    assert list(shown) == [r["Rule"] for r in expected]
    for rule in expected:
        row, when = shown[rule["Rule"]]
        assert when[:2] == ("When (all must hold)", rule["When (all must hold)"])
        assert row[1] == rule["Where"]
        assert row[3] == rule["Who can still reach it after"]
        assert row[5].startswith(rule["Recommended action"])


def test_guards_and_the_built_in_floor_are_shown(rows, checklist):
    section = _after(rows, "Guards: what is never advised")
    texts = {cell for row in section for cell in row if isinstance(cell, str)}
    assert set(BUILT_IN_FLOOR) <= texts
    guards = {
        row[0]: row for row in section if row[0] in {g["Guard"] for g in guard_rows(checklist)}
    }
    for guard in guard_rows(checklist):
        row = guards[guard["Guard"]]
        assert row[3] == guard["Must stay reachable by"]
        assert guard["Why"] in row
