"""What an edited workbook would change: the preview the user approves before anything is written.

A change set is plain data (row, action, field, old → new), so the Export page can show it, the
CLI can count it, and `reader.apply_action_updates` can check that the stored values are still the
"old" ones before applying it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple

from datawalk.actions import status_label
from datawalk.models import Action


class FieldChange(NamedTuple):
    """One field of one action that the workbook changes: where it is, and old → new.

    A plain tuple (a status as its text): a workbook may change thousands of fields, and tuples
    of plain values cost the garbage collector nothing.
    """

    row: int
    action_id: str
    references: str
    field: str
    column: str
    old: Any
    new: Any


class StoredAction(NamedTuple):
    """An action's version and editable fields as the preview read them from the store: plain
    values, the status as its text (`ActionStatus` is a `StrEnum`, so it compares equal)."""

    version: int
    owner: str
    due_date: date | None
    status: str
    notes: str
    accepted_reason: str
    accepted_by: str
    accepted_on: date | None

    @classmethod
    def of(cls, action: Action) -> StoredAction:
        """The stored view of an action model (a backup's, or one read whole)."""
        return cls(
            action.version,
            action.owner,
            action.due_date,
            action.status.value,
            action.notes,
            action.accepted_reason,
            action.accepted_by,
            action.accepted_on,
        )


@dataclass(frozen=True)
class ActionChangeSet:
    """What an edited workbook would change: one `FieldChange` per changed field, in row order."""

    audit_id: str
    edition: str
    rows_read: int
    changes: list[FieldChange] = field(default_factory=list)
    # What the preview compared each changed action with, as stored then. Applying writes only
    # over that version and checks the merged values again.
    stored: dict[str, StoredAction] = field(default_factory=dict)
    # Actions whose new values changed after the preview checked them (an identifier replaced
    # with [pupil]): applying checks these again. Everything else the preview checked already.
    unchecked: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @cached_property
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
