"""Benchmark behind `python -m datawalk bench` (entry "workbook"): what a user waits for when
exporting and importing a workbook, end to end.

A temporary SQLite file gets a fictional audit of 10,000 findings with their actions, and a
second one with no actions yet. Then, through the CLI's own commands (`export`, `import`):

- **export**: the whole `python -m datawalk export --format xlsx` of the first audit (reads, the
  action sync, scoring, writing the file) against a bare `DataFrame.to_excel` (openpyxl) of the
  same Findings table, the two interleaved run by run under the same conditions (the bench
  touches garbage collection on neither side), with min, median and max of the ratio (goal
  <= 0.8). The export paces the collector itself (`datawalk.collector`: full passes wait until
  it ends), as it does for every user; a third series, interleaved with the other two, times the
  same export with that pacing off, so what it is worth is printed, not assumed;
- **first export**: the whole export of the audit whose default actions do not exist yet
  (goal < 15 s), once;
- **import**: the whole `python -m datawalk import` of an edited workbook (every action's owner
  changed; two workbooks with different owners, so every import writes every action), against
  reading that sheet with python-calamine (goal <= 0.5 s), and the same import with the
  collector's pacing off; all three in a fresh process, as the command runs (see
  `_import_runs`).

Figures are milliseconds; nothing is printed or asserted.
"""

from __future__ import annotations

import gc
import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from datawalk import collector
from datawalk.cli.transfer import export, import_
from datawalk.interchange import Backup
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
from datawalk.services import Actor, Workspace, imports
from datawalk.vocabulary import Checklist
from datawalk.workbook.data import prepare
from datawalk.workbook.layout import ACTION_PLAN
from datawalk.workbook.sheets.findings import finding_columns
from datawalk.workbook.writer import write_data

ROOT = Path(__file__).resolve().parents[1]
FINDINGS = 10_000
LOCATIONS = 60
RUNS = 3
OWNERS = ("Business manager", "Site manager")


def bench_workbook(findings: int = FINDINGS, runs: int = RUNS) -> dict[str, Any]:
    """Return whole-export, first-export and whole-import figures for `findings` findings."""
    from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist

    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    document = synthetic_document(checklist, findings)
    unplanned = synthetic_document(checklist, findings, seed=7).model_copy(update={"actions": []})
    with tempfile.TemporaryDirectory(prefix="datawalk-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        _store(url, document)
        _store(url, unplanned)
        output = Path(folder) / "export.xlsx"
        frame = _findings_table(document, checklist)
        exports, baselines, unpaced = _interleaved(
            runs,
            lambda: _export(url, document.audit.id, output),
            lambda: frame.to_excel(io.BytesIO(), engine="openpyxl", index=False),
            lambda: _unpaced(lambda: _export(url, document.audit.id, output)),
        )
        first = _timed(lambda: _export(url, unplanned.audit.id, output))
        imports_ms, unpaced_imports_ms, reads_ms = _import_runs(
            url, document, checklist, Path(folder), runs
        )
    ratios = [e / b for e, b in zip(exports, baselines, strict=True)]
    return {
        "findings": findings,
        "export_ms": _spread(exports),
        "pandas_to_excel_ms": _spread(baselines),
        "export_to_baseline_ratio": {
            "min": round(min(ratios), 3),
            "median": round(statistics.median(ratios), 3),
            "max": round(max(ratios), 3),
        },
        "export_ratio_goal": 0.8,
        "export_without_collector_pacing_ms": _spread(unpaced),
        "first_export_without_actions_s": round(first / 1000, 2),
        "first_export_goal_s": 15,
        "import_ms": _spread(imports_ms),
        "import_without_collector_pacing_ms": _spread(unpaced_imports_ms),
        "calamine_read_ms": _spread(reads_ms),
        "import_goal_ms": 500,
    }


def _store(url: str, document: AuditDocument) -> None:
    workspace = Workspace.open(url)
    try:
        preview = imports.preview_of(Backup(document, sha256="0" * 64))
        choices = imports.IdentifierChoices(keep=frozenset(f.key for f in preview.flagged))
        imports.restore_backup(workspace, Actor("Benchmark"), preview, choices)
    finally:
        workspace.close()


def _export(url: str, audit_id: str, output: Path) -> None:
    with _quiet():
        export.callback(  # type: ignore[misc]
            audit_id=audit_id, fmt="xlsx", output=output, edition="leadership", db_url=url
        )


def _findings_table(document: AuditDocument, checklist: Checklist) -> pd.DataFrame:
    """The Findings sheet's rows as a plain table: what the baseline writes."""
    data = prepare(document, checklist=checklist)
    columns = finding_columns(data)
    return pd.DataFrame(
        [[_naive(column.value(view)) for column in columns] for view in data.findings],
        columns=[column.header for column in columns],
    )


def _import_runs(
    url: str, document: AuditDocument, checklist: Checklist, folder: Path, runs: int
) -> tuple[list[float], list[float], list[float]]:
    """Whole imports, paced as users get them and unpaced, and calamine reads, interleaved, in a
    fresh process of their own.

    `python -m datawalk import` is a command of its own. This process has just written seven
    10,000-finding workbooks, and its scattered heap made every import here about 15 % slower,
    which is this process's state, not the command's. The calamine reads run in the same fresh
    process, interleaved, so both sides share its conditions."""
    files = []
    for owner in OWNERS:
        path = folder / f"edited-{len(files)}.xlsx"
        path.write_bytes(_edited_workbook(document, checklist, owner))
        files.append(path)
    worker = [sys.executable, "-m", "benchmarks.import_worker", url, str(runs), *map(str, files)]
    done = subprocess.run(worker, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    paced, unpaced, read = json.loads(done.stdout)
    return paced, unpaced, read


def timed_imports(
    url: str, files: list[Path], runs: int
) -> tuple[list[float], list[float], list[float]]:
    """The import runs, after one untimed import and read that load the modules they use. The
    two imports of a run set different owners, so every import writes every action."""
    _import(url, files[1])
    _calamine_rows(files[0])
    paced, unpaced, read = [], [], []
    for _ in range(runs):
        paced.append(_timed(lambda: _import(url, files[0])))
        unpaced.append(_timed(lambda: _unpaced(lambda: _import(url, files[1]))))
        read.append(_timed(lambda: _calamine_rows(files[0])))
    return paced, unpaced, read


def _calamine_rows(path: Path) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(ACTION_PLAN).to_python()


def _import(url: str, path: Path) -> None:
    with _quiet():
        import_.callback(  # type: ignore[misc]
            path=path, max_mb=200.0, identifiers="keep", db_url=url
        )


@contextmanager
def _quiet() -> Iterator[None]:
    """The commands' own "wrote …" and audit-id lines would mix into the bench's JSON."""
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        yield


def _edited_workbook(document: AuditDocument, checklist: Checklist, owner: str) -> bytes:
    """A workbook whose every action row differs from what is stored: status and owner edited."""
    edited = document.model_copy(
        update={
            "actions": [
                action.model_copy(update={"status": ActionStatus.IN_PROGRESS, "owner": owner})
                for action in document.actions
            ]
        }
    )
    buffer = io.BytesIO()
    write_data(prepare(edited, checklist=checklist), buffer)
    return buffer.getvalue()


def _interleaved(runs: int, *works: Callable[[], Any]) -> tuple[list[float], ...]:
    """Time pieces of work in turn, run after run, so all see the same machine conditions."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(runs):
        for series, work in zip(times, works, strict=True):
            series.append(_timed(work))
    return tuple(times)


def _unpaced(work: Callable[[], Any]) -> Any:
    """Run `work` with the collector's job pacing off: the thresholds CPython had are kept."""
    paced = collector.JOB_OLDEST_THRESHOLD
    collector.JOB_OLDEST_THRESHOLD = 0
    try:
        return work()
    finally:
        collector.JOB_OLDEST_THRESHOLD = paced


def _timed(work: Callable[[], Any]) -> float:
    """Milliseconds `work` takes, from a full collection made untimed first: garbage one piece
    leaves (an export holds its full passes back until it ends) is then never collected inside
    the next piece's time."""
    gc.collect()
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def _runs(count: int, work: Callable[[], Any]) -> tuple[float, float]:
    """Median and p95 (ms) of `count` runs of `work`."""
    times = sorted(_timed(work) for _ in range(count))
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return round(statistics.median(times), 1), round(p95, 1)


def _spread(times: list[float]) -> dict[str, float]:
    return {
        "min": round(min(times), 1),
        "median": round(statistics.median(times), 1),
        "max": round(max(times), 1),
    }


def _naive(value: Any) -> Any:
    """openpyxl refuses timezone-aware datetimes; the workbook writes them naive too."""
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


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
