"""The designed PDF report of one audit, in a leadership or a governors edition.

Public API: `write_report(document, edition, marking, today) -> bytes`, `report_file_name`,
`PDF_MIME`. The content is built from the same prepared data as the workbook and the same frame
as the dashboard (`content.py`), then typeset by Typst from the template in `template/`
(`render.py`). Nothing here imports streamlit.
"""

from __future__ import annotations

from datetime import date

from datawalk.models import Audit, AuditDocument
from datawalk.workbook.downloads import DocumentSource
from datawalk.workbook.layout import DEFAULT_MARKING

PDF_MIME = "application/pdf"


def write_report(
    document: AuditDocument,
    edition: str = "leadership",
    marking: str = DEFAULT_MARKING,
    today: date | None = None,
) -> bytes:
    """Return the audit's report as PDF bytes; `today` decides which actions are overdue.

    Raises:
        ValidationError: unknown edition or an unusable protective marking.
    """
    from datawalk.report.content import build_content
    from datawalk.report.render import compile_pdf

    content = build_content(document, edition, marking, today)
    return compile_pdf(content, produced_at=content.produced_at)


def build_report(
    source: DocumentSource,
    audit_id: str,
    edition: str = "leadership",
    marking: str = DEFAULT_MARKING,
) -> bytes:
    """Return the audit's report as it is stored now (the Export page's deferred download)."""
    document = source.export_document(audit_id, with_trail=False)
    return write_report(document, edition=edition, marking=marking)


def report_file_name(audit: Audit, edition: str = "leadership") -> str:
    from datawalk.workbook.downloads import school_slug

    return f"datawalk-{school_slug(audit.school.name)}-{audit.walk_at:%Y-%m-%d}-{edition}.pdf"


__all__ = ["PDF_MIME", "build_report", "report_file_name", "write_report"]
