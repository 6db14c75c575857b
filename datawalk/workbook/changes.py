"""What an edited workbook would change: the preview the user approves before anything is written.

A change set is plain data (row, action, field, old → new), so the Export page can show it, the
CLI can count it, and `reader.apply_action_updates` can check that the stored values are still the
"old" ones before applying it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from datawalk.actions import status_label
from datawalk.models import Action


@dataclass(frozen=True)
class FieldChange:
    """One field of one action that the workbook changes: where it is, and old → new."""

    row: int
    action_id: str
    references: str
    field: str
    column: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ActionChangeSet:
    """What an edited workbook would change; `updates` are the changed actions, in row order."""

    audit_id: str
    edition: str
    rows_read: int
    changes: list[FieldChange] = field(default_factory=list)
    updates: list[Action] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def preview_rows(self) -> list[dict[str, str]]:
        """Plain text rows for a preview table: row, findings, column, old value, new value."""
        return [
            {
                "Row": str(c.row),
                "Findings": c.references,
                "Column": c.column,
                "Old": show_value(c.field, c.old),
                "New": show_value(c.field, c.new),
            }
            for c in self.changes
        ]


def show_value(field_name: str, value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if field_name == "status":
        return status_label(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
