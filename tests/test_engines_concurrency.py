"""Four tablets saving into one audit at once, on SQLite and on PostgreSQL: 4 writer processes
each save 200 findings through the services (`save_finding`, its default action and draft in the
same transaction). Nothing may be lost, no reference may be given twice, and no user may see
"database is locked" or any other error.

Then four tablets editing one finding at once, each saving from the version it opened: every
save either lands on the version it started from or is refused with who changed it and when;
none is written over another (the version counts every save that landed, and the trail holds
one update per landed save)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from datawalk.checklist import pin_checklist
from datawalk.services import Actor, Workspace
from datawalk.services.findings import save_finding

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


EDITS = 50


def _run_writers(arguments: list[list[str]]) -> list[dict]:
    """Start one worker per argument list, let them all go at once, return their results."""
    writers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for args in arguments
    ]
    try:
        for writer in writers:
            assert writer.stdout.readline().strip() == "ready"
        for writer in writers:
            writer.stdin.write("go\n")
            writer.stdin.flush()
        return [json.loads(writer.communicate(timeout=600)[0]) for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()


@pytest.mark.slow
def test_four_editors_of_one_finding_never_write_over_each_other(
    new_database_url, engine_name, make_audit, make_location, make_finding, checklist
):
    workspace = Workspace.open(new_database_url)
    store = workspace._store
    try:
        audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR)
        location = store.add_location(make_location(audit.id), ACTOR)
        finding = save_finding(workspace, Actor(ACTOR), make_finding(audit.id, location.id))
        args = [new_database_url, audit.id, finding.id, str(EDITS), "--edit"]
        results = _run_writers([args] * WRITERS)
        landed = [version for result in results for version in result["saved"]]
        refused = [message for result in results for message in result["refused"]]
        errors = [error for result in results for error in result["errors"]]
        print(
            f"\n{engine_name}: {WRITERS} editors x {EDITS} edits of one finding: "
            f"{len(landed)} landed, {len(refused)} refused as stale, {len(errors)} errors"
        )
        assert errors == []
        assert len(landed) + len(refused) == WRITERS * EDITS
        assert landed  # someone always gets through
        # Each landed save made exactly the next version: none was lost under another.
        assert sorted(landed) == list(range(2, len(landed) + 2))
        stored = store.get_finding(finding.id)
        assert stored.version == len(landed) + 1
        updates = [
            e
            for e in store.list_trail(audit.id)
            if e.entity == "finding" and e.operation == "update"
        ]
        assert len(updates) == len(landed)
        assert all(m.startswith("Changed by Editor ") for m in refused)
        assert all(m.endswith(": review their change and apply yours again") for m in refused)
    finally:
        workspace.close()
