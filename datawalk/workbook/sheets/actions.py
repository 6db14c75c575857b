"""The Action plan sheet: the one sheet leadership edits and sends back.

Rows are in the plan's one order, each with its urgency rank in words ("3 of 23") and its title
("Staff room: move the medical conditions list inside the staff-only cupboard"), made by the
same functions as the Action plan page (`datawalk.actions.describe_actions`,
`scored_table.rank_label`); the raw priority is in the leadership edition only. Status has a
dropdown of the four status labels; due and acceptance dates are real Excel dates. An overdue
row is found live by a conditional format (due before TODAY(), not done or accepted), which
fills the row AND shows the due date as "OVERDUE dd/mm/yyyy" through a conditional number
format, so the flag is text as well as colour and stays true as the workbook is edited. Editable
column headers are yellow; `reader.py` reads back only those columns, keyed by the Action ID
column.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from datawalk.actions import STATUS_LABELS, ActionView, status_label
from datawalk.models import ActionStatus
from datawalk.scored_table import RANK_TIE_BREAK, rank_label
from datawalk.workbook.bulk import add_bulk_sheet
from datawalk.workbook.data import WorkbookData
from datawalk.workbook.layout import ACTION_PLAN, ACTIONS_TABLE, ActionColumn, action_columns
from datawalk.workbook.styles import (
    DATE_FORMAT,
    Styles,
    column_letter,
    column_writer,
    set_up_page,
    write_table,
)

OVERDUE_FILL = "#F4B6B6"
OVERDUE_DATE_FORMAT = f'"OVERDUE "{DATE_FORMAT}'
EDITABLE_FILL = "#FFFBEA"
RANK_NOTE = (
    "Urgency rank: 1 is the most urgent finding of the walk; an action takes the rank of its "
    f"most urgent finding. {RANK_TIE_BREAK} 'No action': none of its findings needs one now."
)


def write_action_plan(workbook: Workbook, styles: Styles, data: WorkbookData) -> None:
    sheet = add_bulk_sheet(workbook, ACTION_PLAN)
    columns = action_columns(data.edition)
    index = {column.field: i for i, column in enumerate(columns)}
    plan = [
        (_getter(column), column_writer(sheet, column.kind, _format(column, styles)))
        for column in columns
    ]
    headers = [
        {
            "header": c.header,
            "header_format": styles.editable_header if c.editable else styles.header,
        }
        for c in columns
    ]
    wrapped = {i: c.width for i, c in enumerate(columns) if c.kind == "text"}
    last_row = write_table(sheet, ACTIONS_TABLE, plan, data.action_views, headers, wrapped)
    sheet.write_comment(0, index["rank"], RANK_NOTE, {"x_scale": 2, "y_scale": 1.5})
    for col, column in enumerate(columns):
        # The column format colours editable cells that are still blank.
        sheet.set_column(
            col, col, column.width, _format(column, styles) if column.editable else None
        )
    _add_validation(sheet, index, last_row)
    overdue = "=" + overdue_test(index, row=2)
    due = index["due_date"]
    sheet.conditional_format(
        1,
        due,
        last_row,
        due,
        {
            "type": "formula",
            "criteria": overdue,
            "format": styles.get(num_format=OVERDUE_DATE_FORMAT, bold=True, bg_color=OVERDUE_FILL),
        },
    )
    sheet.conditional_format(
        1,
        0,
        last_row,
        len(columns) - 1,
        {
            "type": "formula",
            "criteria": overdue,
            "format": styles.get(bg_color=OVERDUE_FILL),
        },
    )
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 2)
    set_up_page(sheet, data.marking, title=ACTION_PLAN)
    if data.with_notes:
        # Leadership's plan has notes, acceptance and ids too: too wide to read on one page, so
        # the print area is the key columns, one action per row with its locations.
        sheet.print_area(0, 0, last_row, index["status"])


def overdue_test(index: dict[str, int], row: int) -> str:
    """Excel test of one row, mirroring `actions.is_overdue`: a date before today, still open."""
    due = f"${column_letter(index['due_date'])}{row}"
    status = f"${column_letter(index['status'])}{row}"
    done = status_label(ActionStatus.DONE)
    accepted = status_label(ActionStatus.RISK_ACCEPTED)
    return f'AND(ISNUMBER({due}),{due}<TODAY(),{status}<>"{done}",{status}<>"{accepted}")'


def _add_validation(sheet: Worksheet, index: dict[str, int], last_row: int) -> None:
    status = index["status"]
    sheet.data_validation(
        1,
        status,
        last_row,
        status,
        {
            "validate": "list",
            "source": list(STATUS_LABELS.values()),
            "input_title": "Status",
            "input_message": "Choose a status. Risk accepted needs a reason, who and when.",
            "error_title": "Not a status",
            "error_message": "Choose one of: " + ", ".join(STATUS_LABELS.values()),
        },
    )
    for field in ("due_date", "accepted_on"):
        col = index[field]
        sheet.data_validation(
            1,
            col,
            last_row,
            col,
            {
                "validate": "date",
                "criteria": ">",
                "value": date(2000, 1, 1),
                "error_title": "Not a date",
                "error_message": "Enter a date, for example 31/01/2026.",
            },
        )


def _getter(column: ActionColumn) -> Callable[[ActionView], Any]:
    if column.field == "rank":
        return lambda view: rank_label(view.rank, view.ranked)
    if column.field in ("title", "references", "locations"):
        return attrgetter(column.field)
    if column.field == "status":
        return lambda view: status_label(view.action.status)
    if column.field == "priority":
        return lambda view: round(view.action.priority, 2)
    return attrgetter(f"action.{column.field}")


def _format(column: ActionColumn, styles: Styles):
    if column.kind == "date":
        return styles.get(
            num_format=DATE_FORMAT, valign="top", align="left", bg_color=EDITABLE_FILL
        )
    if column.editable:
        return styles.get(text_wrap=True, valign="top", bg_color=EDITABLE_FILL)
    return styles.wrap
