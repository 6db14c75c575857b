"""One writer process for the concurrency test: a tablet saving findings through the services.

    python tests/concurrency_worker.py URL AUDIT_ID LOCATION_ID SAVES
    python tests/concurrency_worker.py URL AUDIT_ID FINDING_ID EDITS --edit

Opens its own Workspace (its own engine and connections, as a second server or tablet would),
prints "ready", waits for a line on stdin so every writer starts at once, then saves SAVES new
findings with `save_finding` and prints one JSON line: what was saved (id and reference) and
every error a user would have seen, as its text.

With `--edit` it instead opens the one shared finding EDITS times and saves a change to it from
the version it opened, as a person on a tablet does; a save that another writer beat is refused
(ConflictError) and counted apart from other errors.
"""

from __future__ import annotations

import json
import os
import sys

from datawalk.errors import ConflictError, DataWalkError
from datawalk.models import Finding
from datawalk.services import Actor, Workspace
from datawalk.services.findings import save_finding


def finding(audit_id: str, location_id: str, number: int) -> Finding:
    """A valid, fictional finding; every fifth one is good practice (no default action)."""
    return Finding(
        audit_id=audit_id,
        location_id=location_id,
        categories=["food_allergy"],
        format="poster",
        identifiability="full_name_photo",
        detail_level="condition_action",
        visible_to=["visitors"],
        needed_by=["all_staff"],
        notes=f"Allergy poster number {number} beside the servery.",
        good_practice=number % 5 == 0,
    )


def main(url: str, audit_id: str, location_id: str, saves: int) -> None:
    workspace = Workspace.open(url)
    actor = Actor(f"Writer at {location_id}")
    print("ready", flush=True)
    sys.stdin.readline()
    saved: list[tuple[str, str | None]] = []
    errors: list[str] = []
    try:
        for number in range(saves):
            try:
                stored = save_finding(
                    workspace,
                    actor,
                    finding(audit_id, location_id, number),
                    clear_draft_at=location_id,
                )
                saved.append((stored.id, stored.reference))
            except DataWalkError as error:  # what the page would show the person
                errors.append(str(error))
            except Exception as error:  # a crash: the page would show a traceback
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        workspace.close()
    print(json.dumps({"saved": saved, "errors": errors}), flush=True)


def edit(url: str, finding_id: str, edits: int) -> None:
    workspace = Workspace.open(url)
    actor = Actor(f"Editor {os.getpid()}")
    print("ready", flush=True)
    sys.stdin.readline()
    saved: list[int] = []
    refused: list[str] = []
    errors: list[str] = []
    try:
        for number in range(edits):
            opened = workspace.reads.get_finding(finding_id)
            change = opened.model_copy(update={"notes": f"{actor.name}: edit {number}"})
            try:
                saved.append(save_finding(workspace, actor, change).version)
            except ConflictError as error:  # what the page shows: who changed it, and when
                refused.append(str(error))
            except DataWalkError as error:
                errors.append(str(error))
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        workspace.close()
    print(json.dumps({"saved": saved, "refused": refused, "errors": errors}), flush=True)


if __name__ == "__main__":
    if sys.argv[5:] == ["--edit"]:
        edit(sys.argv[1], sys.argv[3], int(sys.argv[4]))
    else:
        main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
