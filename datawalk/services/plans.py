"""Floor plans: upload, replace or remove one floor's plan, and place a location on it.

An upload goes through the photo intake for plans (`floorplan.plan_from_upload`: PNG or JPEG
only, size-bounded, metadata stripped) before anything is stored. A location's place is kept
normalised (0–1), so replacing a plan with a rescaled one keeps every pin where it was.
"""

from __future__ import annotations

from datawalk.errors import ValidationError
from datawalk.floorplan import plan_from_upload
from datawalk.models import Audit, Location, Position
from datawalk.services.authorization import Permission, by_id, by_location, guard
from datawalk.services.workspace import Actor, Workspace


@guard(Permission.WALK, by_id("audit_id"))
def upload_plan(
    workspace: Workspace, actor: Actor, audit_id: str, floor_id: str, data: bytes
) -> Audit:
    """Set or replace one floor's plan from uploaded bytes; return the audit.

    Raises:
        ValidationError: not a PNG or JPEG, too large or damaged (field "plan").
        NotFoundError: the audit is gone, or has no such floor.
    """
    plan = plan_from_upload(data)
    return workspace._store.set_floor_plan(audit_id, floor_id, plan, actor.name)


@guard(Permission.WALK, by_id("audit_id"))
def remove_plan(workspace: Workspace, actor: Actor, audit_id: str, floor_id: str) -> Audit:
    """Remove one floor's plan; its locations keep their places for the next plan."""
    return workspace._store.set_floor_plan(audit_id, floor_id, None, actor.name)


@guard(Permission.WALK, by_location())
def place_location(
    workspace: Workspace, actor: Actor, location_id: str, position: Position | None
) -> Location:
    """Put (or move) a location on its floor's plan, or take its pin off (None).

    Raises:
        ValidationError: the location is on no floor, or its floor has no plan to place it on.
        NotFoundError: the location is gone.
    """
    store = workspace._store
    with store.transaction():
        location = store.get_location(location_id)
        if position is not None:
            _require_plan(store.get_audit(location.audit_id), location)
        return store.set_location_position(location_id, position, actor.name)


def _require_plan(audit: Audit, location: Location) -> None:
    floor = audit.floor(location.floor_id) if location.floor_id else None
    if floor is None or floor.plan is None:
        raise ValidationError(
            f"{location.name} cannot be placed: its floor has no plan. Add one in Settings.",
            field="position",
        )
