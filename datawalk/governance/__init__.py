"""Governance of the audits on file: retention (what is due, deletion on time or on request),
the audit trail as a readable table, and rescoring an audit with a newer checklist.

Core only: no streamlit, and no writing: `datawalk.services` writes (the store records every
write in the trail); this package decides what may be written, so the pages stay thin.
Modules: `deletion` (retention), `trail_table` (the trail for people), `rescoring`.
"""

from datawalk.governance.deletion import (
    PURGED_TEXT_FIELDS,
    RetentionOverview,
    check_confirm_name,
    check_due,
    holds_photos_or_text,
    retention_overview,
)
from datawalk.governance.rescoring import (
    LevelChange,
    RescorePreview,
    check_rescore,
    require_fit,
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
    "check_confirm_name",
    "check_due",
    "check_rescore",
    "describe_changes",
    "holds_photos_or_text",
    "require_fit",
    "rescore_candidates",
    "rescore_preview",
    "retention_overview",
    "trail_table",
]
