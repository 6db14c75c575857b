"""The Action plan sheet names each action and ranks it as the Action plan page does: read back
with openpyxl, every row carries the title and the urgency rank in words that
`actions.describe_actions` gives from the audit's one scored table, in the same order, with the
tie-break stated on the rank's header. Expected values come from those functions, never typed in.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from datawalk.actions import describe_actions
from datawalk.checklist import pin_checklist
from datawalk.models import AuditDocument
from datawalk.samples import sample_document
from datawalk.scored_table import RANK_TIE_BREAK, rank_label, scored_table
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import ACTION_PLAN, RANK_HEADER

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def document(checklist) -> AuditDocument:
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return sample.model_copy(update={"audit": audit})


@pytest.fixture(scope="module")
def views(document, checklist):
    """The plan as the Action plan page builds it."""
    table = scored_table(document.audit, document.findings, document.locations, checklist)
    return describe_actions(document.actions, table, TODAY)


def _plan(document: AuditDocument, edition: str) -> tuple[list[str], list[tuple]]:
    content = write_workbook(document, edition=edition, today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(content))[ACTION_PLAN]
    rows = list(sheet.iter_rows(values_only=True))
    return [str(cell) for cell in rows[0]], [row for row in rows[1:] if any(row)]


@pytest.mark.parametrize("edition", ["leadership", "governors"])
def test_each_row_has_the_pages_title_and_rank_in_its_order(document, views, edition):
    headers, rows = _plan(document, edition)
    rank, title = headers.index(RANK_HEADER), headers.index("Action")
    assert document.actions and len(rows) == len(views)
    assert [row[title] for row in rows] == [view.title for view in views]
    assert [row[rank] for row in rows] == [rank_label(view.rank, view.ranked) for view in views]
    assert all(row[title] and ":" in row[title] for row in rows), "a title names its place"
    if edition == "leadership":
        ids = [row[headers.index("Action ID")] for row in rows]
        assert ids == [view.action.id for view in views]


def test_ranks_read_as_words_and_the_raw_priority_is_for_leadership_only(document, views):
    leadership, rows = _plan(document, "leadership")
    governors, _ = _plan(document, "governors")
    ranked = [view for view in views if view.rank is not None]
    assert ranked, "the sample walk has findings that need an action"
    labels = [row[leadership.index(RANK_HEADER)] for row in rows]
    numbers = [label.split(" of ") for label in labels if label != "No action"]
    assert len(numbers) == len(ranked)
    assert all(1 <= int(rank) <= int(total) == ranked[0].ranked for rank, total in numbers)
    assert "Priority" in leadership and "Priority" not in governors
    assert RANK_HEADER in governors and "Action" in governors


def test_the_rank_header_states_the_tie_break(document):
    content = write_workbook(document, today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(content))[ACTION_PLAN]
    header = next(cell for cell in sheet[1] if cell.value == RANK_HEADER)
    assert header.comment is not None and RANK_TIE_BREAK in header.comment.text


def test_a_title_made_from_user_text_is_never_a_formula(document, views):
    """An action whose findings give no title is named from its recommendation, user text."""
    hostile = '=HYPERLINK("http://example.invalid","x")'
    gone = document.actions[0].model_copy(
        update={"finding_ids": ["not-a-finding"], "recommendation": hostile}
    )
    edited = document.model_copy(update={"actions": [gone, *document.actions[1:]]})
    content = write_workbook(edited, today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(content))[ACTION_PLAN]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(isinstance(cell.value, str) and "HYPERLINK" in cell.value for cell in cells)
