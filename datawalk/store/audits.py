"""Audits: create, read, list, update (status, legal hold, floor plans) and the version counter.

Floor plans are kept out of the audits row (their bytes would be rewritten on every version bump)
in `floor_plans`, and put back into `audit.site.floors` on read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from datawalk.checklist.versions import VersionStep, version_step
from datawalk.errors import ConflictError, NotFoundError, ValidationError
from datawalk.models import Audit, AuditStatus, PinnedChecklist, PlanImage, utc_now

from . import tables
from .base import StoreBase, bump_audit, require_actor, require_audit_row
from .mapping import audit_from_row, audit_to_row, floor_plan_rows, summary_from_row
from .schools import school_id_for
from .summaries import AuditSummary
from .trail import audit_snapshot, record, record_change

UPDATABLE_FIELDS = frozenset(
    {
        "school",
        "site",
        "walk_at",
        "auditor",
        "accompanied_by",
        "scope_limitations",
        "overall_opinion",
        "status",
        "legal_hold",
        "completed_at",
    }
)
_SUMMARY_COLUMNS = (
    "id", "school", "site", "walk_at", "status", "updated_at", "created_at", "completed_at",
    "legal_hold", "school_id",
)  # fmt: skip
_CLOSED = (AuditStatus.COMPLETE, AuditStatus.ARCHIVED)
_PINNED_CONTENT: dict[str, dict[str, Any]] = {}  # content hash -> decoded content
_PINNED_CONTENT_SIZE = 16
_PIN_COLUMNS = ("checklist_id", "checklist_version", "checklist_hash", "checklist_content")


def select_audit(connection: Connection, audit_id: str, with_plans: bool = True) -> Audit:
    """Return the full audit with its floor plans (unless not wanted), or raise NotFoundError."""
    row = dict(require_audit_row(connection, audit_id))
    row["checklist_content"] = _pinned_content(connection, audit_id, row["checklist_hash"])
    if not with_plans:
        return audit_from_row(row)
    plans = connection.execute(
        select(tables.floor_plans).where(tables.floor_plans.c.audit_id == audit_id)
    ).mappings()
    return audit_from_row(row, plans)


def _pinned_content(connection: Connection, audit_id: str, content_hash: str) -> dict[str, Any]:
    """The pinned checklist's content, decoded once per content hash.

    Every save and every rerun after one reads its audit, and decoding the pinned copy was most
    of that read. A pin is hashed and checked when it is written and never changes afterwards
    (`checklist_of_stored_pin` trusts a stored hash the same way), so its hash names its content.
    """
    cached = _PINNED_CONTENT.get(content_hash)
    if cached is not None:
        return cached
    column = tables.audits.c.checklist_content
    found = connection.scalar(select(column).where(tables.audits.c.id == audit_id))
    if found is None:
        raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
    content: dict[str, Any] = found
    if len(_PINNED_CONTENT) >= _PINNED_CONTENT_SIZE:
        _PINNED_CONTENT.pop(next(iter(_PINNED_CONTENT)), None)
    _PINNED_CONTENT[content_hash] = content
    return content


def insert_audit(connection: Connection, audit: Audit, last_reference: int = 0) -> None:
    """Insert the audit row and its floor plans (no trail: the caller decides what to record)."""
    exists = connection.scalar(select(tables.audits.c.id).where(tables.audits.c.id == audit.id))
    if exists is not None:
        raise ConflictError(
            f"An audit with id {audit.id!r} already exists; nothing was saved. "
            "Delete it first, or import the file into another database."
        )
    school_id = school_id_for(connection, audit.school, getattr(audit, "previous_audit_id", None))
    row = audit_to_row(audit) | {"last_reference": last_reference, "school_id": school_id}
    connection.execute(insert(tables.audits), [row])
    plans = floor_plan_rows(audit)
    if plans:
        connection.execute(insert(tables.floor_plans), plans)


def with_status_dates(audit: Audit, explicit_completed_at: bool = False) -> Audit:
    """Return the audit with completed_at consistent with its status.

    Retention counts from completion, so closing an audit stamps the time and reopening it clears
    the stamp, unless the caller set completed_at explicitly.
    """
    if explicit_completed_at:
        return audit
    if audit.status in _CLOSED and audit.completed_at is None:
        return audit.model_copy(update={"completed_at": utc_now()})
    if audit.status is AuditStatus.IN_PROGRESS and audit.completed_at is not None:
        return audit.model_copy(update={"completed_at": None})
    return audit


def _check_floors_in_use(connection: Connection, old: Audit, new: Audit) -> None:
    removed = {f.id for f in old.site.floors} - {f.id for f in new.site.floors}
    if not removed:
        return
    in_use = connection.execute(
        select(tables.locations.c.name).where(
            tables.locations.c.audit_id == old.id, tables.locations.c.floor_id.in_(removed)
        )
    ).scalars()
    names = sorted(in_use)
    if names:
        raise ValidationError(
            f"Cannot remove a floor that still has locations ({', '.join(names[:5])}). "
            "Move or delete those locations first.",
            field="site",
        )


def _sync_floor_plans(connection: Connection, old: Audit, new: Audit) -> None:
    """Rewrite only the plans that changed, so a text edit never rewrites image bytes."""
    old_plans = {floor.id: floor.plan for floor in old.site.floors}
    for floor in new.site.floors:
        if old_plans.get(floor.id) == floor.plan:
            continue
        _replace_plan(connection, new.id, floor.id, floor.plan)
    for floor_id in old_plans.keys() - {floor.id for floor in new.site.floors}:
        _replace_plan(connection, new.id, floor_id, None)


def _replace_plan(
    connection: Connection, audit_id: str, floor_id: str, plan: PlanImage | None
) -> None:
    table = tables.floor_plans
    connection.execute(
        delete(table).where(table.c.audit_id == audit_id, table.c.floor_id == floor_id)
    )
    if plan is not None:
        connection.execute(
            insert(table),
            [
                {
                    "audit_id": audit_id,
                    "floor_id": floor_id,
                    "media_type": plan.media_type,
                    "width": plan.width,
                    "height": plan.height,
                    "data": plan.data,
                }
            ],
        )


def _plan_summary(plan: PlanImage | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {"media_type": plan.media_type, "width": plan.width, "height": plan.height,
            "size": len(plan.data)}  # fmt: skip


def _check_repin(old: PinnedChecklist, new: PinnedChecklist) -> None:
    if new.id != old.id:
        raise ValidationError(
            f"This audit was made with checklist {old.id!r}; {new.id!r} cannot rescore it.",
            field="checklist",
        )
    if version_step(old, new) is VersionStep.OLDER:
        raise ValidationError(
            f"Checklist version {new.version} is older than version {old.version}, which this "
            "audit is pinned to; an audit is never rescored with an older checklist.",
            field="checklist",
        )


class AuditsMixin(StoreBase):
    def create_audit(self, audit: Audit, actor: str) -> Audit:
        """Store a new audit at version 1 and return it as stored.

        Raises:
            ConflictError: an audit with this id exists.
        """
        require_actor(actor)
        now = utc_now()
        audit = with_status_dates(
            audit.model_copy(update={"version": 1, "created_at": now, "updated_at": now}),
            explicit_completed_at=audit.completed_at is not None,
        )
        with self._write() as connection:
            insert_audit(connection, audit)
            record_change(
                connection,
                audit_id=audit.id,
                actor=actor,
                entity="audit",
                entity_id=audit.id,
                old=None,
                new=audit_snapshot(audit),
            )
            return select_audit(connection, audit.id)

    def get_audit(self, audit_id: str) -> Audit:
        """Return the audit with its pinned checklist and floor plans.

        Raises:
            NotFoundError: no audit has this id.
        """
        with self._read() as connection:
            return select_audit(connection, audit_id)

    def get_audit_rules(self, audit_id: str) -> Audit:
        """Return the audit without its floor plans: enough to validate and score a finding.

        A save needs the pinned checklist and the walk date, not a megabyte of plan images.

        Raises:
            NotFoundError: no audit has this id.
        """
        with self._read() as connection:
            return select_audit(connection, audit_id, with_plans=False)

    def list_audits(self) -> list[AuditSummary]:
        """Return every audit, most recently changed first, with its number of findings."""
        a, f = tables.audits, tables.findings
        counts = select(f.c.audit_id, func.count().label("n")).group_by(f.c.audit_id).subquery()
        query = (
            select(
                *(a.c[name] for name in _SUMMARY_COLUMNS),
                func.coalesce(counts.c.n, 0).label("finding_count"),
            )
            .outerjoin(counts, counts.c.audit_id == a.c.id)
            .order_by(a.c.updated_at.desc(), a.c.id)
        )
        with self._read() as connection:
            return [summary_from_row(row) for row in connection.execute(query).mappings()]

    def update_audit(self, audit_id: str, actor: str, **fields: Any) -> Audit:
        """Change the given audit fields (validated by the Audit model) and return the audit.

        Setting `site` replaces the floors wholesale, plans included. The pinned checklist, ids and
        timestamps cannot be changed here.

        Raises:
            ValidationError: an unknown or read-only field, a bad value, or a floor still in use.
            NotFoundError: no audit has this id.
        """
        require_actor(actor)
        unknown = sorted(set(fields) - UPDATABLE_FIELDS)
        if unknown:
            raise ValidationError(
                f"These audit fields cannot be changed: {', '.join(unknown)}.", field=unknown[0]
            )
        with self._write() as connection:
            old = select_audit(connection, audit_id)
            try:
                new = Audit.model_validate(old.model_dump() | fields)
            except ValueError as error:
                raise ValidationError(f"The audit change is not valid: {error}") from error
            new = with_status_dates(new, explicit_completed_at="completed_at" in fields)
            if new == old:
                return old
            _check_floors_in_use(connection, old, new)
            _sync_floor_plans(connection, old, new)
            return _write_audit_change(connection, actor, old, new, UPDATABLE_FIELDS)

    def set_audit_status(self, audit_id: str, status: AuditStatus | str, actor: str) -> Audit:
        """Set in progress / complete / archived; closing stamps completed_at, reopening clears it.

        Raises:
            ValidationError: not a known status.
            NotFoundError: no audit has this id.
        """
        return self.update_audit(audit_id, actor, status=status)

    def set_legal_hold(self, audit_id: str, hold: bool, actor: str) -> Audit:
        """Put the audit on legal hold (deletion is refused) or release it."""
        return self.update_audit(audit_id, actor, legal_hold=hold)

    def repin_checklist(self, audit_id: str, pin: PinnedChecklist, actor: str) -> Audit:
        """Pin another copy of the audit's checklist (same id, never a lower version): the one
        explicit rescore step, recorded in the trail. `update_audit` never changes the pin.

        Raises:
            ValidationError: another checklist id, or a lower version than the one pinned.
            NotFoundError: no audit has this id.
        """
        require_actor(actor)
        with self._write() as connection:
            old = select_audit(connection, audit_id)
            _check_repin(old.checklist, pin)
            if pin.content_hash == old.checklist.content_hash:
                return old
            new = old.model_copy(update={"checklist": pin})
            return _write_audit_change(connection, actor, old, new, _PIN_COLUMNS)

    def set_floor_plan(
        self, audit_id: str, floor_id: str, plan: PlanImage | None, actor: str
    ) -> Audit:
        """Set or remove (None) one floor's plan image and return the audit.

        Raises:
            NotFoundError: no such audit, or the audit has no floor with this id.
        """
        require_actor(actor)
        with self._write() as connection:
            audit = select_audit(connection, audit_id)
            floor = audit.floor(floor_id)
            if floor is None:
                raise NotFoundError(f"The audit has no floor with id {floor_id!r}.")
            if floor.plan != plan:
                _replace_plan(connection, audit_id, floor_id, plan)
                bump_audit(connection, audit_id)
                record(
                    connection,
                    audit_id=audit_id,
                    actor=actor,
                    entity="audit",
                    entity_id=audit_id,
                    operation="update",
                    changes={
                        "floor_plan": {
                            "floor_id": floor_id,
                            "old": _plan_summary(floor.plan),
                            "new": _plan_summary(plan),
                        }
                    },
                )
            return select_audit(connection, audit_id)

    def last_open_audit_id(self) -> str | None:
        """Return the id of the in-progress audit changed most recently, or None."""
        a = tables.audits
        query = (
            select(a.c.id)
            .where(a.c.status == AuditStatus.IN_PROGRESS.value)
            .order_by(a.c.updated_at.desc(), a.c.id)
            .limit(1)
        )
        with self._read() as connection:
            return connection.scalar(query)

    def audit_version(self, audit_id: str) -> int:
        """Return the audit's version, bumped by every write to it or its children (a cache key).

        Raises:
            NotFoundError: no audit has this id.
        """
        with self._read() as connection:
            version = connection.scalar(
                select(tables.audits.c.version).where(tables.audits.c.id == audit_id)
            )
        if version is None:
            raise NotFoundError(f"No audit with id {audit_id!r}: it may have been deleted.")
        return version


def _write_audit_change(
    connection: Connection, actor: str, old: Audit, new: Audit, columns: Iterable[str]
) -> Audit:
    """Write `columns` of `new`, bump the version and record old → new in the trail."""
    row = audit_to_row(new)
    bump_audit(connection, new.id, **{name: row[name] for name in columns})
    record_change(
        connection,
        audit_id=new.id,
        actor=actor,
        entity="audit",
        entity_id=new.id,
        old=audit_snapshot(old),
        new=audit_snapshot(new),
    )
    return select_audit(connection, new.id)
