"""What the Export page offers for download, built only when asked: the workbook and the JSON
backup of one audit, with file names a school can file (`datawalk-<school-slug>-<date>.xlsx`).

These run inside `st.download_button`'s deferred callable, on another thread and without session
state, so they take what to read from and every choice as arguments.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol

import pandas as pd

from datawalk.checklist import checklist_from_pin
from datawalk.collector import few_full_collections
from datawalk.models import Audit, AuditDocument
from datawalk.rewalk.history import school_walks, summary_of
from datawalk.rewalk.summary import WalkSummary
from datawalk.workbook.data import document_table
from datawalk.workbook.layout import DEFAULT_MARKING
from datawalk.workbook.writer import write_workbook


class DocumentSource(Protocol):
    """Anything that reads back a whole audit: the app's reads, or a store in tests."""

    def export_document(self, audit_id: str, *, with_trail: bool = True) -> AuditDocument: ...


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def school_slug(name: str) -> str:
    """Return the school name as a lowercase ASCII slug ("St Mary's C of E" → "st-marys-c-of-e")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "")).strip("-")
    return slug[:60].strip("-") or "school"


def workbook_file_name(audit: Audit) -> str:
    return f"datawalk-{school_slug(audit.school.name)}-{audit.walk_at:%Y-%m-%d}.xlsx"


def backup_file_name(audit: Audit) -> str:
    return f"datawalk-{school_slug(audit.school.name)}-{audit.walk_at:%Y-%m-%d}.json"


def build_workbook(
    source: DocumentSource,
    audit_id: str,
    edition: str = "leadership",
    marking: str = DEFAULT_MARKING,
    *,
    document: AuditDocument | None = None,
    table: pd.DataFrame | None = None,
) -> bytes:
    """Return the audit's workbook as it is stored now.

    `document` and its scored `table` (`data.document_table`) are what the caller read and
    scored already, if it did: the audit is then neither read nor scored again, and its own
    walk on the school's trend is summarised from the same table.
    """
    with few_full_collections():
        document = document or source.export_document(audit_id, with_trail=False)
        table = document_table(document) if table is None else table
        walks = _school_walks(source, document, table) if hasattr(source, "list_audits") else []
        content = write_workbook(
            document, edition=edition, marking=marking, walks=walks, table=table
        )
    assert content is not None
    return content


def _school_walks(source: Any, document: AuditDocument, table: pd.DataFrame) -> list[WalkSummary]:
    """The school's walks for the trend, this one summarised from the table in hand."""
    audit = document.audit

    def summarise(walk: Audit) -> WalkSummary:
        own = table if walk.id == audit.id else None
        return summary_of(source, walk, checklist_from_pin(walk.checklist), own)

    return school_walks(source, audit, summarise)


def build_backup(source: DocumentSource, audit_id: str) -> bytes:
    """Return the audit's lossless JSON backup (with scores, which an import recomputes)."""
    from datawalk.interchange import attach_scores, dump_document

    return dump_document(attach_scores(source.export_document(audit_id))).encode("utf-8")
