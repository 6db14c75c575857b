"""Schools as records: add, list, rename, merge. Audits point to one; users are scoped to some.

A new audit gets the school of its exact name, or a new one (`store/schools.py`); names typed
two ways make two schools, which an admin merges here, moving every audit (each records the move
in its trail) and every user's scope.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from datawalk.accounts.roles import Permission, SchoolRecord
from datawalk.errors import ValidationError
from datawalk.models import Phase
from datawalk.services.authorization import require
from datawalk.services.workspace import Actor, Workspace

log = logging.getLogger(__name__)
URN_PATTERN = re.compile(r"^\d{6,8}$")  # DfE URNs are six digits today; leave room


def add_school(
    workspace: Workspace, actor: Actor, name: str, phase: Phase | str, urn: str | None = None
) -> SchoolRecord:
    """Add a school; return it.

    Raises:
        PermissionDeniedError: not an admin. ValidationError: a bad name, phase or URN.
        ConflictError: another school has this URN.
    """
    require(workspace, actor, Permission.MANAGE)
    values = _checked(name, phase, urn)
    school_id = workspace._store.add_school(values["name"], values["phase"], values["urn"])
    log.info("%s added school %s", actor.name, school_id)
    return school_from_row(workspace._store.get_school_row(school_id))


def list_schools(workspace: Workspace, actor: Actor) -> list[SchoolRecord]:
    """The schools this actor may see (every school for an admin), by name, with audit counts."""
    rows = workspace._store.list_school_rows()
    return [school_from_row(row) for row in rows if actor.sees_school(row["id"])]


def update_school(
    workspace: Workspace,
    actor: Actor,
    school_id: str,
    name: str,
    phase: Phase | str,
    urn: str | None = None,
) -> SchoolRecord:
    """Change a school's name, phase or URN.

    Raises:
        PermissionDeniedError: not an admin. NotFoundError: no such school.
    """
    require(workspace, actor, Permission.MANAGE)
    workspace._store.rename_school(school_id, **_checked(name, phase, urn))
    return school_from_row(workspace._store.get_school_row(school_id))


def merge_schools(
    workspace: Workspace, actor: Actor, keep_id: str, merged_ids: Sequence[str]
) -> int:
    """Merge schools into `keep_id`; return how many audits moved.

    Raises:
        PermissionDeniedError: not an admin. NotFoundError: a school is gone.
        ValidationError: no other school chosen.
    """
    require(workspace, actor, Permission.MANAGE)
    moved = workspace._store.merge_schools(keep_id, merged_ids, actor.name)
    log.info("%s merged schools %s into %s", actor.name, list(merged_ids), keep_id)
    return moved


def school_from_row(row: dict[str, Any]) -> SchoolRecord:
    return SchoolRecord(
        id=row["id"],
        name=row["name"],
        phase=row["phase"],
        urn=row["urn"],
        created_at=row["created_at"],
        audit_count=int(row.get("audit_count") or 0),
    )


def _checked(name: str, phase: Phase | str, urn: str | None) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ValidationError("Give the school's name (at most 200 characters).", field="name")
    try:
        phase = Phase(phase)
    except ValueError:
        known = ", ".join(p.value for p in Phase)
        raise ValidationError(f"The phase must be one of {known}.", field="phase") from None
    urn = (urn or "").strip() or None
    if urn is not None and not URN_PATTERN.match(urn):
        raise ValidationError("A DfE URN is six to eight digits.", field="urn")
    return {"name": name, "phase": str(phase), "urn": urn}
