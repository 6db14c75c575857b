"""Four tablets saving into one audit at once, on SQLite and on PostgreSQL: 4 writer processes
each save 200 findings through the services (`save_finding`, its default action and draft in the
same transaction). Nothing may be lost, no reference may be given twice, and no user may see
"database is locked" or any other error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from datawalk.checklist import pin_checklist
from datawalk.services import Workspace

WRITERS = 4
SAVES = 200
WORKER = Path(__file__).with_name("concurrency_worker.py")
ROOT = Path(__file__).resolve().parents[1]
ACTOR = "Test Consultant"


@pytest.mark.slow
def test_four_writers_lose_nothing_and_never_share_a_reference(
    new_database_url, engine_name, make_audit, make_location, checklist
):
    workspace = Workspace.open(new_database_url)
    store = workspace._store
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR)
    locations = [
        store.add_location(make_location(audit.id, name=f"Room {n}"), ACTOR) for n in range(WRITERS)
    ]
    writers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), new_database_url, audit.id, location.id, str(SAVES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for location in locations
    ]
    try:
        for writer in writers:
            assert writer.stdout.readline().strip() == "ready"
        started = time.monotonic()
        for writer in writers:  # all start together
            writer.stdin.write("go\n")
            writer.stdin.flush()
        results = [json.loads(writer.communicate(timeout=600)[0]) for writer in writers]
        seconds = time.monotonic() - started
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    errors = [error for result in results for error in result["errors"]]
    saved = dict(pair for result in results for pair in result["saved"])
    stored = store.list_findings(audit.id)
    references = [finding.reference for finding in stored]
    print(
        f"\n{engine_name}: {WRITERS} writers x {SAVES} saves in {seconds:.1f} s: "
        f"{len(saved)} saved, {len(stored)} stored, {len(references) - len(set(references))} "
        f"duplicate references, {sum('locked' in e for e in errors)} 'database is locked', "
        f"{len(errors)} errors"
    )
    try:
        assert [e for e in errors if "locked" in e.lower()] == []
        assert errors == []
        assert len(saved) == WRITERS * SAVES
        assert {f.id: f.reference for f in stored} == saved  # 0 lost, each under its reference
        assert len(set(references)) == len(references)  # 0 duplicate references
        assert sorted(references) == [f"F-{n:03d}" for n in range(1, WRITERS * SAVES + 1)]
        covered = {fid for action in store.list_actions(audit.id) for fid in action.finding_ids}
        needing = {f.id for f in stored if not f.good_practice}
        assert covered == needing  # each default action came with its own save, none twice
        assert len(store.list_trail(audit.id)) >= WRITERS * SAVES
    finally:
        workspace.close()
