"""Downloads in the audit trail: who took which file of an audit out of DataWalk, and when.

A file that leaves DataWalk (a calendar, a workbook, a report) is outside its retention, so the
trail of each audit it came from says so. Only what was downloaded and the file's name are
recorded, never its content.
"""

from __future__ import annotations

from collections.abc import Sequence

from datawalk.models import TrailEvent

from .base import StoreBase, bump_audit, require_actor
from .trail import record

DOWNLOAD = "download"


def record_download(
    store: StoreBase, audit_ids: Sequence[str], actor: str, what: str, filename: str
) -> list[TrailEvent]:
    """Write one "download" trail event on each audit (in the caller's transaction, if any).

    Raises:
        NotFoundError: an audit is gone.
        ValidationError: the actor is empty.
    """
    require_actor(actor)
    events = []
    with store._write() as connection:
        for audit_id in dict.fromkeys(audit_ids):
            bump_audit(connection, audit_id)  # the trail page reads once per audit version
            events.append(
                record(
                    connection,
                    audit_id=audit_id,
                    actor=actor,
                    entity="audit",
                    entity_id=audit_id,
                    operation=DOWNLOAD,
                    changes={"download": what, "file": filename},
                )
            )
    return events
