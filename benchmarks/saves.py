"""How long a finding's save takes on the server while many people walk at once:
`python -m datawalk bench --only saves [--db postgresql+psycopg://…]` reports it.

Each simulated session is a thread of one process, as Streamlit serves its sessions: it saves
findings through the services (`save_finding`: checked, scored, stored with its default action
and cleared draft, in one transaction) into one location of its own, several sessions sharing
each audit, pausing between saves as a person does (a random 0.5 to 1.5 times `pause_ms`). Only
the `save_finding` call is timed: the server-side time of a save, without the page redraw.

With `--db` the figures are for that database: it gets one fictional audit per group of
sessions, deleted again at the end (tombstones included). Without it, a temporary SQLite file.
Never asserted in tests.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist, pin_checklist
from datawalk.models import Audit, Finding, Floor, Location, School, Site
from datawalk.services import Actor, Workspace
from datawalk.services.findings import save_finding

ACTOR = Actor("Bench Consultant")
SESSIONS_PER_AUDIT = 4


def bench_saves(
    db_url: str | None = None,
    sessions: int = 20,
    saves_per_session: int = 15,
    pause_ms: float = 1000.0,
) -> dict[str, object]:
    """Return the save p50, p95 and max in ms with `sessions` concurrent sessions, the saves
    per second achieved, and every error a session saw (as its text)."""
    with tempfile.TemporaryDirectory(prefix="datawalk-bench-") as folder:
        url = db_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        workspace = Workspace.open(url)
        where = workspace.reads.database_location() if db_url else "temporary SQLite file"
        try:
            places = _places(workspace, sessions)
            timings: list[float] = []
            errors: list[str] = []
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=_session,
                    args=(workspace, place, saves_per_session, pause_ms, timings, errors, n),
                )
                for n, place in enumerate(places)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            _remove(workspace, {place.audit_id for place in places})
            workspace.close()
    return {
        "database": where,
        "sessions": sessions,
        "saves": len(timings),
        "pause_ms": pause_ms,
        "save_p50_ms": _percentile(timings, 50),
        "save_p95_ms": _percentile(timings, 95),
        "save_max_ms": max(timings, default=0.0),
        "saves_per_second": len(timings) / elapsed if elapsed else 0.0,
        "errors": errors,
    }


def _places(workspace: Workspace, sessions: int) -> list[Location]:
    """One fictional audit per SESSIONS_PER_AUDIT sessions, and one location per session."""
    store = workspace._store
    checklist = pin_checklist(load_checklist(DEFAULT_CHECKLIST_PATH))
    audits: list[Audit] = []
    places: list[Location] = []
    for n in range(sessions):
        if n % SESSIONS_PER_AUDIT == 0:
            audit = Audit(
                school=School(name=f"Bench School {len(audits) + 1} (fictional)", phase="primary"),
                site=Site(name="Main site", floors=[Floor(id="ground", name="Ground", order=0)]),
                walk_at=datetime.now(UTC),
                auditor=ACTOR.name,
                checklist=checklist,
            )
            audits.append(store.create_audit(audit, ACTOR.name))
        location = Location(
            audit_id=audits[-1].id, name=f"Room {n + 1}", location_type="classroom",
            floor_id="ground",
        )  # fmt: skip
        places.append(store.add_location(location, ACTOR.name))
    return places


def _session(
    workspace: Workspace,
    place: Location,
    saves: int,
    pause_ms: float,
    timings: list[float],
    errors: list[str],
    seed: int,
) -> None:
    rng = random.Random(seed)
    for number in range(saves):
        time.sleep(pause_ms * rng.uniform(0.5, 1.5) / 1000)
        finding = Finding(
            audit_id=place.audit_id,
            location_id=place.id,
            categories=["food_allergy"],
            format="poster",
            identifiability="full_name_photo",
            detail_level="condition_action",
            visible_to=["visitors"],
            needed_by=["all_staff"],
            notes=f"Allergy poster {number + 1} by the door.",
            good_practice=number % 5 == 4,
        )
        started = time.perf_counter()
        try:
            save_finding(workspace, ACTOR, finding, clear_draft_at=place.id)
        except Exception as error:  # a benchmark reports what a person would have seen
            errors.append(f"{type(error).__name__}: {error}")
            continue
        timings.append((time.perf_counter() - started) * 1000)


def _remove(workspace: Workspace, audit_ids: set[str]) -> None:
    """Delete the bench's audits and their tombstones: a benchmark leaves nothing behind."""
    from datawalk.store import tables

    store = workspace._store
    for audit_id in audit_ids:
        store.delete_audit(audit_id, ACTOR.name)
    with store.engine.begin() as connection:
        connection.execute(
            delete(tables.tombstones).where(tables.tombstones.c.audit_id.in_(audit_ids))
        )


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
