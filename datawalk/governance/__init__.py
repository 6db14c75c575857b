"""Governance of the audits on file: retention (what is due, deletion on time or on request),
the audit trail as a readable table, and rescoring an audit with a newer checklist.

Core only: no streamlit. The store does the writing (and records every write in the trail);
this package decides what may be written, so the Audits, trail and settings pages stay thin.
Modules: `deletion` (retention), `trail_table` (the trail for people), `rescoring`.
"""

from datawalk.governance.deletion import (
    PURGED_TEXT_FIELDS,
    RetentionOverview,
    delete_due,
    delete_on_request,
    holds_photos_or_text,
    purge_due,
    retention_overview,
)
from datawalk.governance.rescoring import (
    LevelChange,
    RescorePreview,
    apply_rescore,
    check_rescore,
    rescore_candidates,
    rescore_preview,
)
from datawalk.governance.trail_table import (
    ENTITY_NAMES,
    OPERATION_NAMES,
    TRAIL_COLUMNS,
    describe_changes,
    trail_table,
)

__all__ = [
    "ENTITY_NAMES",
    "OPERATION_NAMES",
    "PURGED_TEXT_FIELDS",
    "TRAIL_COLUMNS",
    "LevelChange",
    "RescorePreview",
    "RetentionOverview",
    "apply_rescore",
    "check_rescore",
    "delete_due",
    "delete_on_request",
    "describe_changes",
    "holds_photos_or_text",
    "purge_due",
    "rescore_candidates",
    "rescore_preview",
    "retention_overview",
    "trail_table",
]
