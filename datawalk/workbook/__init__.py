"""The audit's Excel workbook: writing it, and reading leadership's action edits back.

Public API: `write_workbook`, `read_action_updates`, `apply_action_updates`,
`import_action_updates`, `ActionChangeSet`, `FieldChange`. Nothing here imports streamlit.
"""

from datawalk.workbook.changes import ActionChangeSet, FieldChange
from datawalk.workbook.reader import (
    apply_action_updates,
    import_action_updates,
    read_action_updates,
)
from datawalk.workbook.writer import write_workbook

__all__ = [
    "ActionChangeSet",
    "FieldChange",
    "apply_action_updates",
    "import_action_updates",
    "read_action_updates",
    "write_workbook",
]
