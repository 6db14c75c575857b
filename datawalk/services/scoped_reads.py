"""The reads an actor may make (`Workspace.reads_for(actor)`): the same methods as `Reads`, checked
against the actor's role and school scope.

- An audit, location, finding or carried-over finding of a school outside the scope is "not
  found", in the very words of a missing one, so an id from another school tells nothing.
- Lists (audits, walk summaries) hold only what is in scope; the last place and the last audit
  in progress are only ever one of the actor's own.
- A school viewer reads what the governors edition shows: findings without notes, titles or
  photos, actions without notes, no trail, no photos, no drafts.
- A read that no rule below covers is refused to everyone but an admin, so a new read method
  is closed until someone says here how it is scoped (a test checks every READ_METHODS entry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datawalk.accounts.roles import Permission, Role, allows
from datawalk.errors import NotFoundError, PermissionDeniedError
from datawalk.models import Action, AuditDocument, Finding, RewalkRecord
from datawalk.services.authorization import require_audit, require_signed_in
from datawalk.services.workspace import READ_METHODS, Actor, Reads, Workspace

GOVERNORS = Permission.READ_GOVERNORS
FULL = Permission.READ

# Reads of one audit, named by their first argument (or `audit_id=`), and what each needs.
AUDIT_READS: dict[str, Permission] = {
    "audit_version": GOVERNORS,
    "export_document": GOVERNORS,
    "finding_stamps": GOVERNORS,
    "findings_by_ids": GOVERNORS,
    "findings_for_scoring": GOVERNORS,
    "get_audit": GOVERNORS,
    "get_audit_rules": GOVERNORS,
    "list_actions": GOVERNORS,
    "list_findings": GOVERNORS,
    "list_locations": GOVERNORS,
    "newest_findings": GOVERNORS,
    "list_trail": FULL,
    "list_imported_trail": FULL,
    "photo_counts": FULL,
    "rewalk_photos": FULL,
    # What changed since last walk is in the governors edition too; its free text is not.
    "rewalk_record": GOVERNORS,
    "load_draft": Permission.WALK,
    "drafts_elsewhere": Permission.WALK,
    "has_drafts": Permission.WALK,
}
# Reads of one record, whose audit is known once it is read, and what the record is called in
# the store's own "not found" message (a foreign one gets exactly that message).
RECORD_READS: dict[str, tuple[Permission, str]] = {
    "get_location": (GOVERNORS, "location"),
    "get_finding": (GOVERNORS, "finding"),
    "get_rewalk_item": (FULL, "carried finding"),
}
# Reads that take no audit and are filtered (or harmless) instead.
OTHER_READS = frozenset(
    {
        "database_location",
        "list_audits",
        "list_tombstones",
        "last_open_audit_id",
        "last_place",
        "list_walk_summaries",
        "list_photos",
    }
)


class ScopedReads(Reads):
    """`Reads` for one actor: see the module docstring."""

    def __init__(self, workspace: Workspace, actor: Actor) -> None:
        super().__init__(workspace._store)
        self._workspace = workspace
        self._actor = actor

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in READ_METHODS:
            raise AttributeError(f"{name} is not a read; changes go through datawalk.services")
        method = getattr(self._store, name)
        actor = self._actor

        def read(*args: Any, **kwargs: Any) -> Any:
            require_signed_in(self._workspace, actor)
            if actor.role is Role.ADMIN:
                return method(*args, **kwargs)
            return self._scoped(name, method, args, kwargs)

        return read

    # --- the rules ---------------------------------------------------------------------------

    def _scoped(self, name: str, method: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        if name in AUDIT_READS:
            audit_id = kwargs["audit_id"] if "audit_id" in kwargs else args[0]
            self._require(AUDIT_READS[name], audit_id)
            return self._for_role(method(*args, **kwargs))
        if name in RECORD_READS:
            permission, kind = RECORD_READS[name]
            record = method(*args, **kwargs)
            self._require_record(permission, record.audit_id, kind, args[0] if args else "")
            return self._for_role(record)
        if name in OTHER_READS:
            return getattr(self, f"_{name}")(method, *args, **kwargs)
        raise PermissionDeniedError(f"Reading {name} is not open to a {self._role_label}.")

    def _require(self, permission: Permission, audit_id: str) -> None:
        require_audit(self._workspace, self._actor, permission, audit_id)

    def _require_record(self, permission: Permission, audit_id: str, kind: str, key: str) -> None:
        """As `_require`, but a foreign record is "not found" by its own id, as a missing one."""
        if not self._visible(audit_id):
            raise NotFoundError(f"No {kind} with id {key!r}: it may have been deleted.")
        self._require(permission, audit_id)

    @property
    def _role_label(self) -> str:
        return self._actor.role.label.lower()

    @property
    def _governors_only(self) -> bool:
        return not allows(self._actor.role, FULL)

    def _visible(self, audit_id: str) -> bool:
        try:
            return self._actor.sees_school(self._store.audit_school_id(audit_id))
        except NotFoundError:
            return False

    def _for_role(self, value: Any) -> Any:
        """What a school viewer may see of a read's result: the governors edition's content."""
        if not self._governors_only:
            return value
        return _governors(value)

    def _database_location(self, method: Callable[..., Any]) -> str:
        return method()

    def _list_audits(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> list[Any]:
        return [s for s in method(*args, **kwargs) if self._actor.sees_school(s.school_id)]

    def _list_tombstones(self, method: Callable[..., Any]) -> list[Any]:
        return []  # what was deleted, of every school: an admin's record

    def _last_open_audit_id(self, method: Callable[..., Any]) -> str | None:
        audit_id = method()
        if audit_id is not None and self._visible(audit_id):
            return audit_id
        return next(
            (s.id for s in self._list_audits(self._store.list_audits) if s.status == "in_progress"),
            None,
        )

    def _last_place(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        place = method(*args, **kwargs)
        return place if place is not None and self._visible(place.audit_id) else None

    def _list_walk_summaries(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return [s for s in method(*args, **kwargs) if self._visible(s.audit_id)]

    def _list_photos(self, method: Callable[..., Any], finding_id: str) -> Any:
        audit_id = self._store.get_finding(finding_id).audit_id
        self._require_record(FULL, audit_id, "finding", finding_id)
        return method(finding_id)


# A finding's fields the governors edition leaves out (last walk's copy carries them too).
_FREE_TEXT = frozenset({"notes", "good_practice_note", "title", "photos"})


def _governors(value: Any) -> Any:
    if isinstance(value, list):
        return [_governors(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_governors(item) for item in value)
    if isinstance(value, Finding):
        return value.model_copy(
            update={"notes": "", "good_practice_note": "", "title": "", "photos": []}
        )
    if isinstance(value, Action):
        return value.model_copy(update={"notes": ""})
    if isinstance(value, RewalkRecord):
        return value.model_copy(
            update={
                "items": [
                    item.model_copy(
                        update={
                            "note": "",
                            "photos": [],
                            "previous": {
                                k: v for k, v in item.previous.items() if k not in _FREE_TEXT
                            },
                        }
                    )
                    for item in value.items
                ]
            }
        )
    if isinstance(value, AuditDocument):
        return value.model_copy(
            update={
                "findings": _governors(value.findings),
                "actions": _governors(value.actions),
                "rewalk": _governors(value.rewalk),
                "trail": [],
                "imported_trail": [],
            }
        )
    return value
