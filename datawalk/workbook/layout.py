"""The workbook's fixed shape, shared by the writer and the reader so the round trip cannot drift:
sheet names, the audit marker, and the Action plan columns (which of them are read back).

Changing a header or the marker here changes the workbook format: bump `FORMAT_VERSION` and keep
the reader able to read the versions still in circulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FORMAT_NAME = "datawalk-workbook"
FORMAT_VERSION = 1
READABLE_VERSIONS = frozenset({1})

Edition = Literal["leadership", "governors"]
EDITIONS: tuple[Edition, ...] = ("leadership", "governors")
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
MAX_MARKING = 60

SUMMARY = "Summary"
FINDINGS = "Findings"
FINDINGS_PRINT = "Findings (print)"
ACTION_PLAN = "Action plan"
LOCATIONS = "Locations"
PHOTOS = "Photos"
SCORING_MODEL = "Scoring model"
MARKER = "_datawalk"

FINDINGS_TABLE = "Findings"
ACTIONS_TABLE = "ActionPlan"
LOCATIONS_TABLE = "Locations"

# The marker sheet is two columns, key and value; the same facts go into custom properties.
MARKER_FORMAT = "format"
MARKER_VERSION = "format_version"
MARKER_AUDIT = "audit_id"
MARKER_EDITION = "edition"
MARKER_EXPORTED = "exported_at"
PROPERTY_AUDIT = "DataWalk audit id"
PROPERTY_FORMAT = "DataWalk workbook format"


RANK_HEADER = "Urgency rank"


@dataclass(frozen=True)
class ActionColumn:
    """One column of the Action plan sheet; `field` names the Action attribute it shows."""

    header: str
    field: str
    width: float
    editable: bool = False
    kind: Literal["text", "date", "number", "status"] = "text"
    leadership_only: bool = False


ACTION_COLUMNS: tuple[ActionColumn, ...] = (
    # Rows are in the plan's one order (`datawalk.actions.describe_actions`), each with its rank
    # in words ("3 of 23") and its title, as the Action plan page shows them. Governors get no
    # raw priority number and no Action ID: their edition is for reading, not for importing back.
    ActionColumn(RANK_HEADER, "rank", 9),
    ActionColumn("Action", "title", 28),
    ActionColumn("Priority", "priority", 9, kind="number", leadership_only=True),
    ActionColumn("Findings", "references", 12),
    ActionColumn("Locations", "locations", 16),
    ActionColumn("Recommendation", "recommendation", 36),
    ActionColumn("Owner", "owner", 16, editable=True),
    ActionColumn("Due date", "due_date", 21, editable=True, kind="date"),
    ActionColumn("Status", "status", 14, editable=True, kind="status"),
    ActionColumn("Notes", "notes", 36, editable=True, leadership_only=True),
    ActionColumn("Accepted reason", "accepted_reason", 24, editable=True),
    ActionColumn("Accepted by", "accepted_by", 16, editable=True),
    ActionColumn("Accepted on", "accepted_on", 12, editable=True, kind="date"),
    ActionColumn("Action ID", "id", 18, leadership_only=True),
)

EDITABLE_FIELDS: tuple[str, ...] = tuple(c.field for c in ACTION_COLUMNS if c.editable)
ID_HEADER = "Action ID"
REFERENCES_HEADER = "Findings"


def action_columns(edition: Edition) -> list[ActionColumn]:
    """Return the Action plan columns of an edition: governors get no free-text notes, no
    Action ID and no raw priority."""
    return [c for c in ACTION_COLUMNS if edition == "leadership" or not c.leadership_only]
