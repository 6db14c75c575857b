"""Benchmark behind `python -m datawalk bench` (entry "report"): the PDF report of a 500-finding
audit, both editions. Goal: under 10 s for the whole report.

Figures are milliseconds (median and p95 of a few runs): the content (scoring, the dashboard
frame, floor plans and thumbnails) and the Typst compile apart, then the whole `write_report`.
Nothing is printed or asserted.
"""

from __future__ import annotations

import re
from typing import Any

from benchmarks.workbook import _runs, synthetic_document
from datawalk.report import write_report
from datawalk.report.content import build_content
from datawalk.report.render import compile_pdf

FINDINGS = 500
RUNS = 3
GOAL_MS = 10_000
PAGE = re.compile(rb"/Type\s*/Page[^s]")


def bench_report(findings: int = FINDINGS, runs: int = RUNS) -> dict[str, Any]:
    """Return report timings for a synthetic audit of `findings` findings."""
    from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist

    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    document = synthetic_document(checklist, findings)
    figures: dict[str, Any] = {"findings": findings, "goal_ms": GOAL_MS}
    for edition in ("leadership", "governors"):
        content = build_content(document, edition, "OFFICIAL-SENSITIVE")
        built = _runs(runs, lambda e=edition: build_content(document, e, "OFFICIAL-SENSITIVE"))
        compiled = _runs(runs, lambda c=content: compile_pdf(c))
        whole = _runs(runs, lambda e=edition: write_report(document, e))
        figures[f"{edition}_content_ms_median"] = built[0]
        figures[f"{edition}_compile_ms_median"] = compiled[0]
        figures[f"{edition}_compile_ms_p95"] = compiled[1]
        figures[f"{edition}_report_ms_median"] = whole[0]
        figures[f"{edition}_report_ms_p95"] = whole[1]
        figures[f"{edition}_pages"] = len(PAGE.findall(compile_pdf(content)))
    return figures
