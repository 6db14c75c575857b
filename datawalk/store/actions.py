"""The action plan: actions, each covering one or more findings (the `action_findings` link).

`apply_action_updates` is the workbook round trip's write: every update is checked first and then
written in the same transaction, so a bad row changes nothing.

Every change bumps an action's version. `save_action` (the action plan's form) is optimistic: the
edit names the version it started from, and a save from an older one is refused with who changed
it and when, never written over their change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from datawalk.errors import ConflictError, NotFoundError, ValidationError
from datawalk.models import Action, utc_now

from . import tables
from .action_edits import (
    ActionEdit,
    select_action_finding_ids,
    select_action_values,
    write_action_edits,
)
from .base import StoreBase, bump_audit, require_actor
from .mapping import action_from_row, action_link_rows, action_to_row
from .trail import action_snapshot, record_change, record_changes, stale_change


def select_actions(
    connection: Connection, audit_id: str, action_ids: list[str] | None = None
) -> list[Action]:
    """Return the audit's actions, highest priority first, with their findings, in two queries."""
    a, link = tables.actions, tables.action_findings
    query = (
        select(a)
        .where(a.c.audit_id == audit_id)
        .order_by(a.c.priority.desc(), a.c.created_at, a.c.id)
    )
    if action_ids is not None:
        query = query.where(a.c.id.in_(action_ids))
    rows = connection.execute(query).mappings().all()
    links: dict[str, list[str]] = defaultdict(list)
    link_query = (
        select(link.c.action_id, link.c.finding_id)
        .join(a, a.c.id == link.c.action_id)
        .where(a.c.audit_id == audit_id)
        .order_by(link.c.action_id, link.c.ordinal)
    )
    if action_ids is not None:
        link_query = link_query.where(link.c.action_id.in_(action_ids))
    for action_id, finding_id in connection.execute(link_query):
        links[action_id].append(finding_id)
    return [action_from_row(row, links[row["id"]]) for row in rows]


def check_findings(connection: Connection, audit_id: str, finding_ids: list[str]) -> None:
    """Raise ValidationError unless every one of these findings is in the audit."""
    f = tables.findings
    found = set(
        connection.execute(
            select(f.c.id).where(f.c.audit_id == audit_id, f.c.id.in_(finding_ids))
        ).scalars()
    )
    missing = [finding_id for finding_id in finding_ids if finding_id not in found]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ValidationError(
            "The action covers findings that are not in this audit: "
            f"{', '.join(missing[:5])}{more}.",
            field="finding_ids",
        )


def insert_actions(connection: Connection, actions: list[Action]) -> None:
    if not actions:
        return
    connection.execute(insert(tables.actions), [action_to_row(action) for action in actions])
    links = [row for action in actions for row in action_link_rows(action)]
    if links:
        connection.execute(insert(tables.action_findings), links)


def _write_update(connection: Connection, old: Action, new: Action, actor: str) -> Action:
    """Write `new` over `old` (bumping the version) if nobody changed it meanwhile; return it.

    Raises:
        ConflictError: the stored action is no longer at `old`'s version.
    """
    new = new.model_copy(update={"version": old.version + 1})
    row = action_to_row(new)
    for name in ("id", "audit_id", "created_at"):
        del row[name]
    a = tables.actions
    result = connection.execute(
        update(a).where(a.c.id == new.id, a.c.version == old.version).values(**row)
    )
    if result.rowcount != 1:
        raise ConflictError(stale_change(connection, "action", old.id, old.updated_at))
    if new.finding_ids != old.finding_ids:
        link = tables.action_findings
        connection.execute(delete(link).where(link.c.action_id == new.id))
        connection.execute(insert(link), action_link_rows(new))
    _record(connection, actor, old, new)
    return new


def _write_updates(connection: Connection, changed: list[tuple[Action, Action]]) -> None:
    """Write many edited actions with one executemany UPDATE (and their links, where changed)."""
    if not changed:
        return
    a = tables.actions
    columns = [c.name for c in a.c if c.name not in ("id", "audit_id", "created_at")]
    rows = []
    for _, new in changed:
        row = action_to_row(new)
        rows.append({"b_id": new.id, **{f"b_{name}": row[name] for name in columns}})
    statement = (
        update(a)
        .where(a.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in columns})
    )
    connection.execute(statement, rows)
    relinked = [new for old, new in changed if new.finding_ids != old.finding_ids]
    if relinked:
        link = tables.action_findings
        connection.execute(delete(link).where(link.c.action_id.in_([n.id for n in relinked])))
        connection.execute(insert(link), [r for n in relinked for r in action_link_rows(n)])


def _record(connection: Connection, actor: str, old: Action | None, new: Action | None) -> None:
    action = new if new is not None else old
    assert action is not None
    record_change(
        connection,
        audit_id=action.audit_id,
        actor=actor,
        entity="action",
        entity_id=action.id,
        old=None if old is None else action_snapshot(old),
        new=None if new is None else action_snapshot(new),
    )


def unlink_finding(connection: Connection, audit_id: str, finding_id: str, actor: str) -> None:
    """Take a finding out of the actions covering it; delete actions left covering nothing."""
    link = tables.action_findings
    action_ids = list(
        connection.execute(
            select(link.c.action_id).where(link.c.finding_id == finding_id)
        ).scalars()
    )
    if not action_ids:
        return
    for old in select_actions(connection, audit_id, action_ids):
        remaining = [fid for fid in old.finding_ids if fid != finding_id]
        if remaining:
            new = old.model_copy(update={"finding_ids": remaining, "updated_at": utc_now()})
            _write_update(connection, old, new, actor)
        else:
            connection.execute(delete(tables.actions).where(tables.actions.c.id == old.id))
            _record(connection, actor, old, None)


class ActionsMixin(StoreBase):
    def list_actions(self, audit_id: str) -> list[Action]:
        """Return the audit's actions, highest priority first."""
        with self._read() as connection:
            return select_actions(connection, audit_id)

    def action_values(self, audit_id: str, fields: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """Return id -> (version, *values of `fields`) of the audit's actions, as stored and
        without building an action each: what a bulk edit compares and checks against."""
        with self._read() as connection:
            return select_action_values(connection, audit_id, fields)

    def action_finding_ids(self, audit_id: str) -> dict[str, tuple[str, ...]]:
        """Return id -> its findings' ids, in order, of the audit's actions: what an import
        preview names each changed action by, without reading any finding or action whole."""
        with self._read() as connection:
            return select_action_finding_ids(connection, audit_id)

    def get_actions(self, audit_id: str, action_ids: list[str]) -> list[Action]:
        """Return these actions of the audit (others are left out), highest priority first."""
        if not action_ids:
            return []
        with self._read() as connection:
            return select_actions(connection, audit_id, action_ids)

    def apply_action_edits(self, audit_id: str, edits: Sequence[ActionEdit], actor: str) -> int:
        """Write field edits of the audit's actions, all or nothing, in a fixed number of
        statements; return how many actions changed (each recorded as one trail event).

        The values must already be validated (the caller's model); each edit's `version` must
        still be stored, so nobody's change since the read is overwritten.

        Raises:
            ConflictError: an action changed or vanished since its edit was read.
            NotFoundError: the audit does not exist.
        """
        require_actor(actor)
        with self._write() as connection:
            return write_action_edits(connection, audit_id, edits, actor)

    def list_actions_covering(self, audit_id: str, finding_ids: list[str]) -> list[Action]:
        """Return the audit's actions that cover any of these findings, highest priority first.

        Saving one finding asks this, so its cost must not grow with the size of the plan.
        """
        link = tables.action_findings
        with self._read() as connection:
            action_ids = list(
                connection.execute(
                    select(link.c.action_id).where(link.c.finding_id.in_(finding_ids)).distinct()
                ).scalars()
            )
            return select_actions(connection, audit_id, action_ids) if action_ids else []

    def save_action(self, action: Action, actor: str) -> Action:
        """Insert the action, or update it if its id is stored; return it as stored.

        An update must start from the stored version (`action.version`); it is bumped.

        Raises:
            ConflictError: someone changed the action since this edit started from it.
            NotFoundError: the audit does not exist.
            ValidationError: it covers findings of another audit or unknown ones, or would move
                to another audit.
        """
        require_actor(actor)
        with self._write() as connection:
            check_findings(connection, action.audit_id, action.finding_ids)
            now = bump_audit(connection, action.audit_id)
            stored = connection.scalar(
                select(tables.actions.c.id).where(tables.actions.c.id == action.id)
            )
            # A new action (a save's default one) skips reading a whole action back.
            existing = select_actions(connection, action.audit_id, [action.id]) if stored else []
            if existing:
                if action.version != existing[0].version:
                    raise ConflictError(
                        stale_change(connection, "action", action.id, existing[0].updated_at)
                    )
                new = action.model_copy(
                    update={"created_at": existing[0].created_at, "updated_at": now}
                )
                return _write_update(connection, existing[0], new, actor)
            self._refuse_foreign_id(connection, action)
            new = action.model_copy(update={"created_at": now, "updated_at": now, "version": 1})
            insert_actions(connection, [new])
            _record(connection, actor, None, new)
            return new

    def add_actions(self, audit_id: str, actions: list[Action], actor: str) -> list[Action]:
        """Insert many new actions of one audit in one transaction and a fixed number of
        statements (the action sync of a large audit); return them as stored.

        Raises:
            NotFoundError: the audit does not exist.
            ValidationError: an action belongs to another audit, covers findings that are not
                in this one, or reuses a stored action's id.
        """
        require_actor(actor)
        if not actions:
            return []
        with self._write() as connection:
            if any(action.audit_id != audit_id for action in actions):
                raise ValidationError("An action belongs to another audit.", field="audit_id")
            covered = sorted({fid for action in actions for fid in action.finding_ids})
            check_findings(connection, audit_id, covered)
            ids = [action.id for action in actions]
            taken = connection.scalar(
                select(tables.actions.c.id).where(tables.actions.c.id.in_(ids))
            )
            if taken is not None:
                raise ValidationError(f"An action with id {taken!r} is already stored.", field="id")
            now = bump_audit(connection, audit_id)
            new = [
                a.model_copy(update={"created_at": now, "updated_at": now, "version": 1})
                for a in actions
            ]
            insert_actions(connection, new)
            record_changes(
                connection,
                audit_id=audit_id,
                actor=actor,
                entity="action",
                changes=[(a.id, None, action_snapshot(a)) for a in new],
            )
            return new

    def delete_action(self, action_id: str, actor: str) -> Action:
        """Delete the action (its findings stay) and return it.

        Raises:
            NotFoundError: no action has this id.
        """
        require_actor(actor)
        with self._write() as connection:
            audit_id = connection.scalar(
                select(tables.actions.c.audit_id).where(tables.actions.c.id == action_id)
            )
            if audit_id is None:
                raise NotFoundError(f"No action with id {action_id!r}: it may have been deleted.")
            (action,) = select_actions(connection, audit_id, [action_id])
            connection.execute(delete(tables.actions).where(tables.actions.c.id == action_id))
            bump_audit(connection, audit_id)
            _record(connection, actor, action, None)
            return action

    def apply_action_updates(
        self, audit_id: str, updates: list[Action], actor: str
    ) -> list[Action]:
        """Apply edited actions of one audit, all or nothing; return them as stored.

        Only actions whose fields differ are written and recorded in the trail (one event each).
        The statements are set-based, so their number does not grow with the number of actions.

        Raises:
            NotFoundError: the audit or one of the actions does not exist (nothing is changed).
            ValidationError: an action belongs to another audit or covers unknown findings.
        """
        require_actor(actor)
        with self._write() as connection:
            stored = {a.id: a for a in select_actions(connection, audit_id)}
            for action in updates:
                if action.audit_id != audit_id:
                    raise ValidationError(
                        f"Action {action.id!r} belongs to another audit.", field="audit_id"
                    )
                if action.id not in stored:
                    raise NotFoundError(
                        f"No action with id {action.id!r} in this audit: nothing was changed."
                    )
            covered = sorted({fid for action in updates for fid in action.finding_ids})
            check_findings(connection, audit_id, covered)
            now = bump_audit(connection, audit_id)
            result, changed = [], []
            for action in updates:
                old = stored[action.id]
                new = action.model_copy(
                    update={"created_at": old.created_at, "version": old.version}
                )
                if new.model_copy(update={"updated_at": old.updated_at}) != old:
                    new = new.model_copy(update={"updated_at": now, "version": old.version + 1})
                    changed.append((old, new))
                    stored[action.id] = new
                else:
                    new = old
                result.append(new)
            _write_updates(connection, changed)
            record_changes(
                connection,
                audit_id=audit_id,
                actor=actor,
                entity="action",
                changes=[
                    (new.id, action_snapshot(old), action_snapshot(new)) for old, new in changed
                ],
            )
            return result

    @staticmethod
    def _refuse_foreign_id(connection: Connection, action: Action) -> None:
        owner = connection.scalar(
            select(tables.actions.c.audit_id).where(tables.actions.c.id == action.id)
        )
        if owner is not None:
            raise ValidationError("An action cannot move to another audit.", field="audit_id")
