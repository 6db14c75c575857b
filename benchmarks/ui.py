"""Walk-page and dashboard speed, measured server-side with AppTest (`python -m datawalk bench`,
"walk" and "dashboard").

A throwaway SQLite file gets an audit of `n_findings` findings spread over 50 locations; the walk
page is then opened at one location and timed for a plain rerun and for a save from a quick
template (tap the template, tap Save: the Save run includes the whole-page rerun AppTest makes
of it). A browser's tap on Save reruns only the capture fragment, so saves are timed that way
too (`fragment_runs.py`). A one-line Streamlit page's rerun, interleaved with the saves, is the
floor to compare with.
It is a benchmark, not a test: it prints figures and never asserts.

AppTest is driven here from a bare Python process, outside a Streamlit server, so two kinds of
Streamlit log notices would otherwise print: "No runtime found" (a page module's `st.cache_data`
decorator, or `st.cache_data.clear()`, run with no runtime) and "missing ScriptRunContext" (from
AppTest's own constructor, which writes session state on the calling thread). Page modules are
therefore imported and caches cleared only inside `_streamlit_bare_mode()`, which drops exactly
those two notices, and only while a benchmark runs; every other Streamlit record still prints.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from benchmarks.fragment_runs import browser_runs
from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, finding_from_template, load_checklist
from datawalk.interchange import Backup
from datawalk.models import AuditDocument, Location
from datawalk.services import Actor, Workspace, imports, plans
from datawalk.settings import DATABASE_URL as DATABASE_URL_ENV

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
ACTOR = "Benchmark"
LOCATIONS = 50
MINIMAL_PAGE = "import streamlit as st\nst.write('ready')\n"


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
    }


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


_NOTICE_LOGGERS = (
    "streamlit.runtime.caching.cache_data_api",
    "streamlit.runtime.scriptrunner_utils.script_run_context",
)


class _BareModeNotices(logging.Filter):
    """Drops Streamlit's notices that it runs without a server, which is how AppTest runs here."""

    NOTICES = ("No runtime found", "missing ScriptRunContext")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(notice in message for notice in self.NOTICES)


@contextmanager
def _streamlit_bare_mode() -> Iterator[None]:
    """While a benchmark drives AppTest, leave out the two bare-mode notices (see the module)."""
    quiet = _BareModeNotices()
    loggers = [logging.getLogger(name) for name in _NOTICE_LOGGERS]
    for logger in loggers:
        logger.addFilter(quiet)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(quiet)


def _clear_streamlit_caches() -> None:
    """Forget the cached settings and workspace, so the app opens the database given now."""
    st.cache_resource.clear()
    st.cache_data.clear()


@contextmanager
def _throwaway_database() -> Iterator[str]:
    """Point the app at a temporary SQLite file, restoring the environment afterwards."""
    previous = os.environ.get(DATABASE_URL_ENV)
    with (
        _streamlit_bare_mode(),
        tempfile.TemporaryDirectory(prefix="datawalk-bench-") as folder,
    ):
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        os.environ[DATABASE_URL_ENV] = url
        _clear_streamlit_caches()
        try:
            yield url
        finally:
            _clear_streamlit_caches()
            if previous is None:
                os.environ.pop(DATABASE_URL_ENV, None)
            else:
                os.environ[DATABASE_URL_ENV] = previous


def seed_walk(url: str, n_findings: int) -> tuple[str, str, str]:
    """Store one audit with `n_findings` template findings; returns (audit, location, template)."""
    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    setup = AuditSetup(
        school_name="Benchmark Primary (fictional)",
        phase="primary",
        site_name="Main site",
        floor_names=("Ground floor", "First floor"),
        walk_date=date.today(),
        walk_time=None,
        auditor=ACTOR,
    )
    audit = build_audit(setup, checklist, date.today())
    types = checklist.objects.location_types
    locations = [
        Location(
            audit_id=audit.id,
            name=f"Room {i + 1}",
            location_type=types[i % len(types)].id,
            floor_id=audit.site.floors[i % 2].id,
        )
        for i in range(LOCATIONS)
    ]
    templates = checklist.objects.templates
    findings = []
    for i in range(n_findings):
        finding = finding_from_template(
            checklist, templates[i % len(templates)].id, audit.id, locations[i % LOCATIONS].id
        )
        findings.append(finding.model_copy(update={"reference": f"F-{i + 1:04d}"}))
    document = AuditDocument(audit=audit, locations=locations, findings=findings)
    workspace = Workspace.open(url)
    try:
        backup = imports.preview_of(Backup(document, sha256="0" * 64))
        imports.restore_backup(workspace, Actor(ACTOR), backup, imports.IdentifierChoices())
    finally:
        workspace.close()
    return audit.id, locations[0].id, templates[0].id


def _walk_app(audit_id: str, location_id: str) -> AppTest:
    from datawalk.ui.routes import page_file

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["audit"] = audit_id
    at.query_params["location"] = location_id
    at.switch_page(page_file("walk"))
    return at.run()


def _template_key(at: AppTest) -> str:
    from datawalk.ui.capture_state import GENS

    return f"cap_template_id_{at.session_state[GENS]['template_id']}"


def bench_walk(n_findings: int = 5000, repeats: int = 30) -> dict[str, object]:
    """Return median and p95 (ms) of a walk-page save, a walk-page rerun, and a minimal page."""
    with _throwaway_database() as url:
        from datawalk.ui.capture import SAVE_KEY

        seed_start = time.perf_counter()
        audit_id, location_id, template_id = seed_walk(url, n_findings)
        seed_seconds = time.perf_counter() - seed_start
        at = _walk_app(audit_id, location_id)
        reruns = [_timed(at.run) for _ in range(repeats)]
        minimal = AppTest.from_string(MINIMAL_PAGE).run()
        taps, saves, baseline = [], [], []
        for _ in range(repeats):  # the minimal page's run interleaved with each save
            pills = at.pills(key=_template_key(at)).set_value(template_id)
            taps.append(_timed(pills.run))
            save = at.button(key=SAVE_KEY).click()
            saves.append(_timed(save.run))
            baseline.append(_timed(minimal.run))
        fragment_saves, fragment_baseline = _fragment_saves(at, template_id, repeats, minimal)
        problems = [str(e.value) for e in at.exception]
    return {
        "findings": n_findings,
        "seed_s": round(seed_seconds, 2),
        "walk_save": _ms(saves),
        "walk_template_tap": _ms(taps),
        "walk_rerun": _ms(reruns),
        "minimal_page_rerun": _ms(baseline),
        "walk_save_to_minimal_page_ratio": _ratio(saves, baseline),
        # What a browser's tap on Save reruns: the capture fragment, not the page script.
        "walk_save_fragment": _ms(fragment_saves),
        "minimal_page_rerun_beside_it": _ms(fragment_baseline),
        "walk_save_fragment_to_minimal_page_ratio": _ratio(fragment_saves, fragment_baseline),
        "goal": "walk_save median under 50 ms, and at most 10 times the minimal page",
        "errors": problems,
    }


def _ratio(samples: list[float], baseline: list[float]) -> float:
    return round(statistics.median(samples) / statistics.median(baseline), 1)


def _fragment_saves(
    at: AppTest, template_id: str, repeats: int, minimal: AppTest
) -> tuple[list[float], list[float]]:
    """Time saves as a browser asks for them: only the capture fragment reruns (see
    `benchmarks/fragment_runs.py`), each checked to have run that fragment and shown the save,
    with the minimal page's run interleaved."""
    from datawalk.ui.capture import SAVE_KEY

    saves, baseline = [], []
    with browser_runs() as runs:
        at.run()  # the whole page, noting the fragment its widgets are drawn in
        fragment = runs.only_fragment()
        for _ in range(repeats):
            runs.target = fragment
            at.pills(key=_template_key(at)).set_value(template_id).run()
            runs.check_last_run()
            save = at.button(key=SAVE_KEY).click()
            saves.append(_timed(save.run))
            runs.check_last_run()
            if not any(str(message.value).startswith("Saved ") for message in at.success):
                raise RuntimeError("a fragment run of Save did not show the save")
            runs.target = None
            baseline.append(_timed(minimal.run))
    return saves, baseline


def _place_on_plans(url: str, audit_id: str) -> None:
    """Give each floor the sample plan and each location a pin, so the dashboard map is full."""
    from datawalk.models import Position

    plans_dir = ROOT / "sample_data"
    workspace, actor = Workspace.open(url), Actor(ACTOR)
    try:
        audit = workspace.reads.get_audit(audit_id)
        for floor, name in zip(audit.site.floors, ("floor_ground", "floor_first"), strict=False):
            data = (plans_dir / f"{name}.png").read_bytes()
            plans.upload_plan(workspace, actor, audit_id, floor.id, data)
        for i, location in enumerate(workspace.reads.list_locations(audit_id)):
            position = Position(x=0.05 + 0.9 * (i % 10) / 9, y=0.1 + 0.8 * (i // 10) / 4)
            plans.place_location(workspace, actor, location.id, position)
    finally:
        workspace.close()


def bench_dashboard(n_findings: int = 5000, repeats: int = 30) -> dict[str, object]:
    """Return median and p95 (ms) of a dashboard rerun and of a filter change (goal: < 300 ms),
    of a rerun after a save elsewhere (goal: at most 500 ms) and of a new tab's first run.

    The first run (scoring and drawing everything) is reported apart: later runs hit the caches
    keyed on the audit version. Filter changes cycle through the four classifications, so the
    first four draw their figures and the rest are cached.
    """
    from datawalk.scoring import CLASSIFICATIONS

    with _throwaway_database() as url:
        from datawalk.ui.dashboard_view import FILTER_KEYS

        audit_id, _, _ = seed_walk(url, n_findings)
        _place_on_plans(url, audit_id)
        at = _dashboard_app(audit_id)
        first = _timed(at.run)
        reruns = [_timed(at.run) for _ in range(repeats)]
        filters = []
        for i in range(repeats):
            chosen = [CLASSIFICATIONS[i % len(CLASSIFICATIONS)]]
            pills = at.pills(key=FILTER_KEYS["classifications"]).set_value(chosen)
            filters.append(_timed(pills.run))
        at.pills(key=FILTER_KEYS["classifications"]).set_value([]).run()
        after_saves = _reruns_after_saves(at, url, audit_id, max(3, repeats // 3))
        problems = [str(e.value) for e in at.exception]
        charts = len(at.get("plotly_chart"))
        tabs = [_dashboard_app(audit_id) for _ in range(max(3, repeats // 10))]
        new_tabs = [_timed(tab.run) for tab in tabs]
        problems += [str(e.value) for tab in tabs for e in tab.exception]
        chart_bytes = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    return {
        "findings": n_findings,
        "dashboard_first_run_ms": round(first * 1000, 1),
        "dashboard_rerun": _ms(reruns),
        "dashboard_filter_change": _ms(filters),
        "dashboard_rerun_after_a_save": _ms(after_saves),
        # A new tab on a running server: a new session, with the process's caches warm. What a
        # browser then waits for is mostly the charts' JSON, so its size is reported too.
        "dashboard_new_tab": _ms(new_tabs),
        "dashboard_chart_json_bytes": chart_bytes,
        "charts": charts,
        "goal": "dashboard_rerun median under 300 ms; after a save at most 500 ms",
        "errors": problems,
    }


def _dashboard_app(audit_id: str) -> AppTest:
    """A new session (a new tab) on the dashboard of `audit_id`, not run yet."""
    from datawalk.ui.routes import page_file

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["audit"] = audit_id
    at.switch_page(page_file("dashboard"))
    return at


def _reruns_after_saves(at: AppTest, url: str, audit_id: str, count: int) -> list[float]:
    """Save a finding elsewhere (a tablet on the walk, not timed), then time the dashboard's
    next run: everything keyed on the audit version is built again."""
    from datawalk.services import findings

    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    template = checklist.objects.templates[0].id
    workspace, times = Workspace.open(url), []
    try:
        location = workspace.reads.list_locations(audit_id)[0]
        for _ in range(count):
            finding = finding_from_template(checklist, template, audit_id, location.id)
            findings.save_finding(workspace, Actor(ACTOR), finding)
            times.append(_timed(at.run))
    finally:
        workspace.close()
    return times
