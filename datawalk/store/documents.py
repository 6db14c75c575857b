"""Whole-audit documents: export everything an audit owns, import it back in one transaction.

Export then import into another database gives the same audit: ids, references, versions,
timestamps and photo bytes are kept as they are. History is never mixed: the file's trail is a
claim, not something that happened here, so it is kept as read-only imported history under the
file's SHA-256, with the import time and the importer, next to the imported history the file
already carried (with its own provenance). Local history gets one event, the restore itself. An
import never merges: if the audit or any of its rows already exists, nothing is written.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Connection, insert, select

from datawalk.errors import ConflictError, InterchangeError
from datawalk.models import (
    Audit,
    AuditDocument,
    Finding,
    ImportedEvent,
    RewalkRecord,
    TrailEvent,
    utc_now,
)

from . import tables
from .actions import insert_actions, select_actions
from .audits import insert_audit, select_audit
from .base import StoreBase, require_actor
from .findings import select_findings
from .imported import insert_imported, select_imported
from .locations import select_locations
from .mapping import (
    finding_to_row,
    format_reference,
    location_to_row,
    photo_to_row,
    reference_number,
)
from .rewalks import (
    insert_rewalk_record,
    rewalk_clash_checks,
    rewalk_problems,
    select_rewalk_record,
)
from .trail import ACTOR_MAX, audit_snapshot, diff, record, select_trail

RESTORED = "restored_from_backup"  # the `changes` key of the local event recording a restore


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, n in Counter(values).items() if n > 1)


def _problems(document: AuditDocument) -> list[str]:
    """Return every way the document contradicts itself (wrong audit ids, dangling links …)."""
    audit = document.audit
    problems: list[str] = []
    floor_ids = {floor.id for floor in audit.site.floors}
    location_ids = {location.id for location in document.locations}
    finding_ids = {finding.id for finding in document.findings}
    groups = {
        "location": [x.id for x in document.locations],
        "finding": [x.id for x in document.findings],
        "photo": [p.id for f in document.findings for p in f.photos],
        "action": [x.id for x in document.actions],
        "trail event": [x.id for x in document.trail],
        "finding reference": [f.reference for f in document.findings if f.reference],
    }
    for kind, values in groups.items():
        for value in _duplicates(values):
            problems.append(f"{kind} {value!r} appears more than once")
    for location in document.locations:
        if location.audit_id != audit.id:
            problems.append(f"location {location.name!r} belongs to another audit")
        if location.floor_id is not None and location.floor_id not in floor_ids:
            problems.append(f"location {location.name!r} is on an unknown floor")
    for finding in document.findings:
        label = finding.reference or finding.id
        if finding.audit_id != audit.id:
            problems.append(f"finding {label} belongs to another audit")
        if finding.location_id not in location_ids:
            problems.append(f"finding {label} is at an unknown location")
    for action in document.actions:
        if action.audit_id != audit.id:
            problems.append(f"action {action.id!r} belongs to another audit")
        if not set(action.finding_ids) <= finding_ids:
            problems.append(f"action {action.id!r} covers unknown findings")
    if any(event.audit_id != audit.id for event in _file_history(document)):
        problems.append("the trail has events of another audit")
    problems.extend(rewalk_problems(document, location_ids, finding_ids))
    return problems


def _clashes(connection: Connection, document: AuditDocument) -> list[str]:
    """Return what the database already holds of this document, by kind."""
    t = tables
    checks = (
        ("audit", t.audits.c.id, [document.audit.id]),
        ("location", t.locations.c.id, [x.id for x in document.locations]),
        ("finding", t.findings.c.id, [x.id for x in document.findings]),
        ("photo", t.photos.c.id, [p.id for f in document.findings for p in f.photos]),
        ("action", t.actions.c.id, [x.id for x in document.actions]),
        *rewalk_clash_checks(document),
    )
    clashes: list[str] = []
    for kind, column, ids in checks:
        for start in range(0, len(ids), 500):
            found = connection.execute(select(column).where(column.in_(ids[start : start + 500])))
            clashes.extend(f"{kind} {value!r}" for value in found.scalars())
    return clashes


def _highest_reference(document: AuditDocument) -> int:
    """Return the highest reference ever used, deleted findings included (seen in the trail)."""
    numbers = [reference_number(f.reference) for f in document.findings if f.reference]
    for event in _file_history(document):
        change = event.changes.get("reference") if event.entity == "finding" else None
        if isinstance(change, dict):
            numbers.extend(
                reference_number(value)
                for value in (change.get("old"), change.get("new"))
                if isinstance(value, str) and value.startswith("F-") and value[2:].isdigit()
            )
    return max(numbers, default=0)


def _with_references(findings: list[Finding], highest: int) -> tuple[list[Finding], int]:
    """Give findings without a reference the next free ones, in document order."""
    result = []
    for finding in findings:
        if finding.reference is None:
            highest += 1
            finding = finding.model_copy(update={"reference": format_reference(highest)})
        result.append(finding)
    return result, highest


def _insert_rows(connection: Connection, document: AuditDocument, findings: list[Finding]) -> None:
    t = tables
    if document.locations:
        rows = [location_to_row(x) | {"last_used_at": x.updated_at} for x in document.locations]
        connection.execute(insert(t.locations), rows)
    if findings:
        connection.execute(insert(t.findings), [finding_to_row(f) for f in findings])
    photos = [photo_to_row(p, f.id, i) for f in findings for i, p in enumerate(f.photos)]
    if photos:
        connection.execute(insert(t.photos), photos)
    insert_actions(connection, document.actions)
    if document.rewalk is not None:
        insert_rewalk_record(connection, document.audit.id, document.rewalk)


def _file_history(document: AuditDocument) -> list[TrailEvent]:
    """Every event the file claims: its own trail and the imported history it carried."""
    return [*document.trail, *(item.event for item in document.imported_trail)]


def _imported_history(document: AuditDocument, sha256: str, actor: str) -> list[ImportedEvent]:
    """The file's imported history as it was, then its trail, marked as coming from this file."""
    now = utc_now()
    arrived = [
        ImportedEvent(event=event, source_sha256=sha256, imported_at=now, imported_by=actor)
        for event in document.trail
    ]
    return [*document.imported_trail, *arrived]


def _rewalk_of(connection: Connection, audit_id: str) -> RewalkRecord | None:
    """The audit's re-walk records, or None for an audit that has none."""
    rewalk = select_rewalk_record(connection, audit_id, with_photos=True)
    empty = not (rewalk.items or rewalk.carried_actions or rewalk.unchecked_locations)
    return None if empty else rewalk


class DocumentsMixin(StoreBase):
    def export_document(self, audit_id: str, *, with_trail: bool = True) -> AuditDocument:
        """Return the whole audit as a document: locations, findings with photos, actions, trail.

        Scores are left empty: they are derived data, added by the interchange layer. With
        `with_trail=False` the local trail is left out: the workbook and the report never show
        it, and on a big audit it is the largest read of all (several events per finding).

        Raises:
            NotFoundError: no audit has this id.
        """
        with self._read() as connection:
            return AuditDocument(
                audit=select_audit(connection, audit_id),
                locations=select_locations(connection, audit_id, by_use=False),
                findings=select_findings(connection, audit_id, with_photos=True),
                actions=select_actions(connection, audit_id),
                trail=select_trail(connection, audit_id) if with_trail else [],
                imported_trail=select_imported(connection, audit_id),
                rewalk=_rewalk_of(connection, audit_id),
            )

    def list_imported_trail(self, audit_id: str) -> list[ImportedEvent]:
        """Return the audit's imported history, oldest import first: trail events restored
        backups brought, each with its file's SHA-256, when and by whom it was imported.
        Never part of `list_trail`, which is what happened in this database."""
        with self._read() as connection:
            return select_imported(connection, audit_id)

    def import_document(
        self, document: AuditDocument, actor: str, *, source_sha256: str | None = None
    ) -> Audit:
        """Store a whole audit document as a new audit, all or nothing, and return the audit.

        The file's trail becomes imported history marked with `source_sha256` (the SHA-256 of
        the file, from `datawalk.interchange.parse_backup`; for a document that never was a
        file, that of its JSON), now and `actor`; the imported history it carried is kept with
        its own marks. The local trail gets one event by `actor`: this restore.

        Raises:
            InterchangeError: the document contradicts itself (rows of another audit, unknown
                locations or findings, duplicate ids or references).
            ConflictError: the audit, or any of its locations, findings, photos, actions or trail
                events, already exists; nothing is written.
        """
        require_actor(actor)
        sha256 = source_sha256 or hashlib.sha256(document.model_dump_json().encode()).hexdigest()
        problems = _problems(document)
        if problems:
            raise InterchangeError(
                "The audit document is inconsistent, so nothing was imported: "
                + "; ".join(problems[:10])
            )
        findings, highest = _with_references(document.findings, _highest_reference(document))
        with self._write() as connection:
            clashes = _clashes(connection, document)
            if clashes:
                raise ConflictError(
                    "This audit is already in the database, so nothing was imported "
                    f"(already present: {', '.join(clashes[:5])}). "
                    "Delete the existing audit first, or import into another database."
                )
            insert_audit(connection, document.audit, last_reference=highest)
            _insert_rows(connection, document, findings)
            imported = _imported_history(document, sha256, actor.strip()[:ACTOR_MAX])
            insert_imported(connection, imported)
            record(
                connection,
                audit_id=document.audit.id,
                actor=actor,
                entity="audit",
                entity_id=document.audit.id,
                operation="create",
                changes={RESTORED: {"new": {"imported_events": len(imported), "sha256": sha256}}}
                | diff(None, audit_snapshot(document.audit)),
            )
            return select_audit(connection, document.audit.id)
