"""The places on a walk: add, rename, move, tick prompts, mark nothing found, delete.

Each is checked against the audit's pinned checklist and written with its trail event and any
identifiers the consultant chose to keep in the name, in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from datawalk.checklist import checklist_of_stored_pin
from datawalk.errors import ValidationError
from datawalk.models import Audit, Location
from datawalk.privacy.text_checks import TextField, check_free_text
from datawalk.services.authorization import Permission, by_location, guard, of
from datawalk.services.workspace import Actor, Workspace, checked
from datawalk.validation import validate_location


@guard(Permission.WALK, of("location"))
def add_location(
    workspace: Workspace, actor: Actor, location: Location, *, keep: Collection[str] = ()
) -> Location:
    """Add a location to its audit; return it as stored.

    `keep` holds "name" when the consultant chose to keep a possible pupil identifier in the
    name; it is recorded, by kind, in the same transaction.

    Raises:
        ValidationError: its type is not in the audit's checklist, its floor not on the site, or
            its name holds a possible pupil identifier not kept (field "name").
        NotFoundError: the audit is gone.
    """
    store = workspace._store
    with store.transaction():
        audit = store.get_audit_rules(location.audit_id)
        validate_location(location, checklist_of_stored_pin(audit.checklist))
        kept = _check_name(audit, location.name, keep)
        added = store.add_location(location, actor.name)
        _record_kept(workspace, actor, added, kept)
    return added


@guard(Permission.WALK, by_location())
def rename_location(
    workspace: Workspace,
    actor: Actor,
    location_id: str,
    name: str,
    *,
    keep: Collection[str] = (),
) -> Location:
    """Give a location a new name (`keep` as for `add_location`).

    Raises:
        ValidationError: the name is empty, too long, or holds a possible identifier not kept.
    """
    if not name.strip():
        raise ValidationError("The location name cannot be empty.", field="name")
    store = workspace._store
    with store.transaction():
        location = store.get_location(location_id)
        kept = _check_name(store.get_audit_rules(location.audit_id), name, keep)
        renamed = store.update_location(
            checked(location.model_copy(update={"name": name.strip()})), actor.name
        )
        _record_kept(workspace, actor, renamed, kept)
    return renamed


@guard(Permission.WALK, by_location())
def move_location(
    workspace: Workspace, actor: Actor, location_id: str, floor_id: str | None
) -> Location:
    """Move a location to another floor of its site; its pin is cleared, as the plan differs.

    Raises:
        ValidationError: the floor is not one of the site's.
    """
    store = workspace._store
    with store.transaction():
        location = store.get_location(location_id)
        if location.floor_id == floor_id:
            return location
        moved = checked(location.model_copy(update={"floor_id": floor_id, "position": None}))
        return store.update_location(moved, actor.name)


@guard(Permission.WALK, by_location())
def set_prompts_checked(
    workspace: Workspace, actor: Actor, location_id: str, checked: Sequence[str]
) -> Location:
    """Save which "what to look for" prompts are ticked at this location."""
    return workspace._store.update_location_prompts(location_id, list(checked), actor.name)


@guard(Permission.WALK, by_location())
def set_nothing_found(
    workspace: Workspace, actor: Actor, location_id: str, nothing_found: bool
) -> Location:
    """Record that the location was visited and nothing was found (or undo that)."""
    return workspace._store.set_location_nothing_found(location_id, nothing_found, actor.name)


@guard(Permission.WALK, by_location())
def delete_location(workspace: Workspace, actor: Actor, location_id: str) -> Location:
    """Delete an empty location and its draft.

    Raises:
        ConflictError: findings are recorded there; the message says to delete or move them.
    """
    return workspace._store.delete_location(location_id, actor.name)


def _check_name(audit: Audit, name: str, keep: Collection[str]) -> dict[str, list[str]]:
    field = TextField("name", "Location name", name)
    return check_free_text([field], audit.walk_at.date(), keep)


def _record_kept(
    workspace: Workspace,
    actor: Actor,
    location: Location,
    kept: Mapping[str, list[str]] | None,
) -> None:
    if kept:
        workspace._store.record_kept_identifiers(
            location.audit_id, actor.name, entity="location", entity_id=location.id, kept=dict(kept)
        )
