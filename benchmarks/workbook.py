"""Benchmark behind `python -m datawalk bench` (entry "workbook"): export and import speed.

Export: a synthetic audit of 10,000 findings without photos, written fully formatted (tables,
validation, conditional formats, charts), against a bare `pandas.DataFrame.to_excel` with openpyxl
of the same Findings columns in the same run; the goal is a ratio of at most 0.8. Import: reading
10,000 edited Action plan rows back (safety checks, marker, parse, validate, diff), goal < 0.5 s.
Figures are milliseconds (median and p95 of a few runs); nothing is printed or asserted.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd

from datawalk.models import (
    Action,
    ActionStatus,
    Audit,
    AuditDocument,
    Finding,
    Location,
    School,
    Site,
)
from datawalk.vocabulary import Checklist
from datawalk.workbook.collector import paused_gc
from datawalk.workbook.data import WorkbookData, prepare
from datawalk.workbook.reader import read_action_updates
from datawalk.workbook.sheets.findings import finding_columns
from datawalk.workbook.writer import write_data, write_workbook

FINDINGS = 10_000
LOCATIONS = 60
EXPORT_RUNS = 3
IMPORT_RUNS = 5


def bench_workbook(findings: int = FINDINGS) -> dict[str, Any]:
    """Return export and import figures for a synthetic audit of `findings` findings."""
    from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist

    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    document = synthetic_document(checklist, findings)
    data = prepare(document, checklist=checklist)
    columns = finding_columns(data)
    frame = pd.DataFrame(
        [[_naive(column.value(view)) for column in columns] for view in data.findings],
        columns=[column.header for column in columns],
    )
    baseline = _runs(
        EXPORT_RUNS, lambda: frame.to_excel(io.BytesIO(), engine="openpyxl", index=False)
    )
    written = _runs(EXPORT_RUNS, lambda: _write_only(data))
    export = _runs(EXPORT_RUNS, lambda: _export(document, checklist))
    edited = _edited_workbook(document, checklist)
    imported = _runs(IMPORT_RUNS, lambda: read_action_updates(edited, document))
    changes = read_action_updates(edited, document)
    return {
        "export_findings": findings,
        "export_actions": len(document.actions),
        "pandas_openpyxl_findings_ms_median": baseline[0],
        "workbook_write_ms_median": written[0],
        "workbook_write_ms_p95": written[1],
        "write_to_baseline_ratio": round(written[0] / baseline[0], 3),
        "export_with_scoring_ms_median": export[0],
        "export_with_scoring_ms_p95": export[1],
        "export_with_scoring_to_baseline_ratio": round(export[0] / baseline[0], 3),
        "ratio_goal": 0.8,
        "import_action_rows": len(document.actions),
        "import_changed_fields": len(changes.changes),
        "import_ms_median": imported[0],
        "import_ms_p95": imported[1],
        "import_goal_ms": 500,
    }


def _export(document: AuditDocument, checklist: Checklist) -> None:
    """Scoring and preparation are part of an export, so they are timed with the writing."""
    write_workbook(document, io.BytesIO(), checklist=checklist)


def _write_only(data: WorkbookData) -> None:
    with paused_gc():
        write_data(data, io.BytesIO())


def _edited_workbook(document: AuditDocument, checklist: Checklist) -> bytes:
    """A workbook whose every action row differs from the document: status and owner edited."""
    edited = document.model_copy(
        update={
            "actions": [
                action.model_copy(
                    update={"status": ActionStatus.IN_PROGRESS, "owner": "Business manager"}
                )
                for action in document.actions
            ]
        }
    )
    buffer = io.BytesIO()
    write_data(prepare(edited, checklist=checklist), buffer)
    return buffer.getvalue()


def _naive(value: Any) -> Any:
    """openpyxl refuses timezone-aware datetimes; the workbook writes them naive too."""
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def _runs(count: int, work: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return round(statistics.median(times), 1), round(p95, 1)


def synthetic_document(checklist: Checklist, findings: int, seed: int = 6) -> AuditDocument:
    """Return a fictional audit with `findings` valid findings and one action per finding."""
    from datawalk.checklist import pin_checklist

    rng = random.Random(seed)
    objects = checklist.objects
    audit = Audit(
        school=School(name="Benchmark Primary (fictional)", phase="primary"),
        site=Site(name="Main site"),
        walk_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        auditor="Bench Consultant",
        checklist=pin_checklist(checklist),
    )
    locations = [
        Location(
            audit_id=audit.id, name=f"Room {n}", location_type=rng.choice(objects.location_types).id
        )
        for n in range(LOCATIONS)
    ]
    audiences = [a.id for a in objects.audiences]
    items = [
        Finding(
            audit_id=audit.id,
            location_id=rng.choice(locations).id,
            reference=f"F-{n:03d}",
            categories=[rng.choice(objects.data_categories).id],
            format=rng.choice(objects.formats).id,
            identifiability=rng.choice(objects.identifiability).id,
            detail_level=rng.choice(objects.detail_levels).id,
            visible_to=rng.sample(audiences, 2),
            needed_by=rng.sample(audiences, 2),
            controls=[rng.choice(objects.controls).id] if objects.controls else [],
            evidence=rng.choice(objects.evidence).id,
            review_date=date(2026, 1, 1) + timedelta(days=rng.randrange(200)),
            notes=rng.choice(["", "Seen at lunch", '=HYPERLINK("x")', "Checked with office"]),
        )
        for n in range(1, findings + 1)
    ]
    actions = [
        Action(
            audit_id=audit.id,
            finding_ids=[f.id],
            recommendation="Move it staff-side",
            owner="Head teacher",
            priority=rng.random() * 10,
            due_date=date(2026, 4, 1) + timedelta(days=rng.randrange(60)),
        )
        for f in items
    ]
    return AuditDocument(audit=audit, locations=locations, findings=items, actions=actions)
