"""Turning Action plan cells (as python-calamine reads them) into action field values.

A person typed these in Excel, so dates may arrive as dates, Excel serial numbers or text in
several UK and ISO spellings, statuses as labels or ids, and whole numbers as floats. Anything
that cannot be read raises `ValidationError` naming the sheet row and the column.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from datawalk.actions import parse_status
from datawalk.errors import ValidationError
from datawalk.models import ActionStatus
from datawalk.workbook.layout import ACTION_COLUMNS, ACTION_PLAN, ActionColumn

EXCEL_EPOCH = date(1899, 12, 30)
LAST_EXCEL_SERIAL = 2_958_466  # 31/12/9999
DATE_TEXT_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
)


def parse_cell(column: ActionColumn, cell: Any, row: int) -> Any:
    if column.kind == "date":
        return _date(cell, column, row)
    if column.kind == "status":
        try:
            return _status(cell_text(cell))
        except ValidationError as error:
            raise ValidationError(f"{ACTION_PLAN} row {row}: {error}", field="status") from error
    return cell_text(cell)


@lru_cache(maxsize=64)
def _status(text: str) -> ActionStatus:
    """`parse_status`, remembered: a sheet repeats a handful of spellings thousands of times."""
    return parse_status(text)


def _date(cell: Any, column: ActionColumn, row: int) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if (
        isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and 1 <= cell < LAST_EXCEL_SERIAL
    ):
        return EXCEL_EPOCH + timedelta(days=int(cell))
    text = cell_text(cell)
    if not text:
        return None
    for pattern in DATE_TEXT_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        f"{ACTION_PLAN} row {row}: '{column.header}' is not a date: '{text[:40]}'. "
        "Use a date such as 31/01/2026.",
        field=column.field,
    )


_HEADERS = {c.field: c.header for c in ACTION_COLUMNS}


def column_name(field_name: str) -> str:
    return _HEADERS.get(field_name, field_name)


def cell_text(value: Any) -> str:
    """Cell text as typed; a whole number typed into a text column loses its '.0'."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
