"""Bulk field edits of stored actions (an edited workbook's action plan): read as plain values,
written set-based, one trail event per action.

A workbook may change every action of a 10,000-finding audit, so neither side builds a model per
action: the reads are plain rows, the writes one executemany UPDATE per set of fields edited
together, and the trail one insert. The caller validates the new values against the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, bindparam, select, update

from datawalk.errors import ConflictError, ValidationError

from . import tables
from .base import bump_audit
from .bulk import execute_many
from .trail import record_changes

# The fields of a stored action an edit may write on its own (`apply_action_edits`): never its
# identity, audit, findings or bookkeeping.
EDITABLE_SCALARS = frozenset(
    {
        "recommendation",
        "owner",
        "due_date",
        "priority",
        "status",
        "notes",
        "accepted_reason",
        "accepted_by",
        "accepted_on",
    }
)


class ActionEdit(NamedTuple):
    """New values for some fields of one stored action, checked against what was read.

    `old` and `new` hold the values of `fields`, in that order; `version` is the action's version
    when `old` was read, so a change made since then refuses the whole write instead of being
    overwritten. Plain tuples: thousands of edits cost the garbage collector nothing.
    """

    action_id: str
    version: int
    fields: tuple[str, ...]
    old: tuple[Any, ...]
    new: tuple[Any, ...]


def select_action_values(
    connection: Connection, audit_id: str, fields: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """Return id -> (version, *values of `fields`) for the audit's actions, as stored (a status
    as its text): plain tuples from our own rows, with no model built per action."""
    unknown = set(fields) - EDITABLE_SCALARS
    if unknown:
        raise ValueError(f"not editable action fields: {sorted(unknown)}")
    a = tables.actions
    columns = [a.c.id, a.c.version, *(a.c[name] for name in fields)]
    rows = connection.execute(select(*columns).where(a.c.audit_id == audit_id)).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def select_action_finding_ids(connection: Connection, audit_id: str) -> dict[str, tuple[str, ...]]:
    """Return id -> its findings' ids in the action's order, for the audit's actions: one query
    over the links alone (the caller names findings from its own id -> reference map)."""
    a, link = tables.actions, tables.action_findings
    query = (
        select(link.c.action_id, link.c.ordinal, link.c.finding_id)
        .join(a, a.c.id == link.c.action_id)
        .where(a.c.audit_id == audit_id)
    )
    linked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for action_id, ordinal, finding_id in connection.execute(query).all():
        linked[action_id].append((ordinal, finding_id))
    return {
        action_id: tuple(finding_id for _, finding_id in sorted(links))
        for action_id, links in linked.items()
    }


def write_action_edits(
    connection: Connection, audit_id: str, edits: Sequence[ActionEdit], actor: str
) -> int:
    """Write field edits of the audit's actions with one executemany UPDATE per set of fields
    edited together, and one trail event per action in one insert; return how many.

    Raises:
        ConflictError: an action is not in the audit, or changed since its edit was read.
        ValidationError: a field is not one an edit may write.
    """
    edits = [edit for edit in edits if edit.fields]
    if not edits:
        return 0
    now = bump_audit(connection, audit_id)
    by_fields: dict[tuple[str, ...], list[ActionEdit]] = defaultdict(list)
    for edit in edits:
        if not len(edit.fields) == len(edit.old) == len(edit.new):
            raise ValidationError(f"An edit of action {edit.action_id!r} names other fields.")
        by_fields[edit.fields].append(edit)
    for fields, group in by_fields.items():
        if not EDITABLE_SCALARS.issuperset(fields):
            raise ValidationError(f"An edit of action {group[0].action_id!r} names other fields.")
    for fields, group in by_fields.items():
        if _update_group(connection, audit_id, now, fields, group) != len(group):
            raise ConflictError(
                "An action changed or was deleted since these edits were read; nothing was saved."
            )
    record_changes(
        connection,
        audit_id=audit_id,
        actor=actor,
        entity="action",
        changes=_trail_changes(edits),
    )
    return len(edits)


def _trail_changes(edits: Sequence[ActionEdit]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(action id, old, new) snapshots for the trail, one pair per distinct edit: thousands of
    actions edited alike share theirs, so the trail diffs and encodes each pair once."""
    pairs: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]] = {}
    changes = []
    for edit in edits:
        key = (edit.fields, edit.old, edit.new)
        pair = pairs.get(key)
        if pair is None:
            pair = pairs[key] = (_snapshot(edit.fields, edit.old), _snapshot(edit.fields, edit.new))
        changes.append((edit.action_id, *pair))
    return changes


def _update_group(
    connection: Connection,
    audit_id: str,
    now: datetime,
    fields: tuple[str, ...],
    group: Sequence[ActionEdit],
) -> int:
    """One executemany UPDATE of edits that set the same fields; return how many rows matched
    (an action edited since it was read, or not in the audit, does not)."""
    a = tables.actions
    keys = [f"e_{name}" for name in fields]
    statement = (
        update(a)
        .where(
            a.c.id == bindparam("e_id"),
            a.c.audit_id == bindparam("e_audit_id"),
            a.c.version == bindparam("e_version"),
        )
        .values(
            {
                **{name: bindparam(key) for name, key in zip(fields, keys, strict=True)},
                "updated_at": bindparam("e_updated_at"),
                "version": bindparam("e_next_version"),
            }
        )
    )
    rows = [
        {
            "e_id": edit.action_id,
            "e_version": edit.version,
            "e_next_version": edit.version + 1,
            **dict(zip(keys, map(_column_value, edit.new), strict=True)),
        }
        for edit in group
    ]
    return execute_many(connection, statement, {"e_audit_id": audit_id, "e_updated_at": now}, rows)


def _column_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _snapshot(fields: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    """The trail's view of some fields, as `action_snapshot` gives them for a whole action."""
    return {
        name: value if type(value) is str else to_jsonable_python(value)
        for name, value in zip(fields, values, strict=True)
    }
