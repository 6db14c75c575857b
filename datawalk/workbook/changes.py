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
    """What an edited workbook would change: one `FieldChange` per changed field, in row order."""

    audit_id: str
    edition: str
    rows_read: int
    changes: list[FieldChange] = field(default_factory=list)
    # What the preview compared each changed action with: its version and editable fields as
    # stored then. Applying writes only over that version and checks the merged values.
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def by_action(self) -> dict[str, dict[str, FieldChange]]:
        """Return action id -> {field: change}, actions in row order."""
        grouped: dict[str, dict[str, FieldChange]] = {}
        for change in self.changes:
            grouped.setdefault(change.action_id, {})[change.field] = change
        return grouped

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
