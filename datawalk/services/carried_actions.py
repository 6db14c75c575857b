"""Carried-over actions of a re-walk: closed when the finding they cover is resolved (recording
the date and who checked), and a carried accepted risk accepted again by the school at this walk.
Each use case is one transaction with its trail events.
"""

from __future__ import annotations

from datetime import date

from datawalk.errors import NotFoundError
from datawalk.models import ActionStatus, CarriedAction, RewalkItem
from datawalk.services.authorization import Permission, by_id, guard
from datawalk.services.workspace import Actor, Workspace, checked


def _closed(action: CarriedAction, actor: Actor, today: date) -> CarriedAction:
    """The carried action as done, checked today by `actor`: nothing left to accept again."""
    closed = action.model_copy(
        update={
            "status": ActionStatus.DONE,
            "checked_on": today,
            "checked_by": actor.name,
            "accept_again": False,
        }
    )
    return checked(closed)


def _close_carried(workspace: Workspace, actor: Actor, item: RewalkItem, today: date) -> None:
    """Close every carried action covering a resolved item (inside the caller's transaction)."""
    store = workspace._store
    for action in store.rewalk_record(item.audit_id).carried_actions:
        covers = item.previous_finding_id in action.previous_finding_ids
        if covers and action.status not in (ActionStatus.DONE,):
            store.update_carried_action(action, _closed(action, actor, today), actor.name)


@guard(Permission.WALK, by_id("audit_id"))
def close_carried_action(
    workspace: Workspace, actor: Actor, audit_id: str, action_id: str, today: date
) -> CarriedAction:
    """Close one carried-over action: done, checked today by `actor`.

    Raises:
        NotFoundError: no carried action of this audit has that id.
    """
    store = workspace._store
    with store.transaction():
        action = _carried(workspace, audit_id, action_id)
        return store.update_carried_action(action, _closed(action, actor, today), actor.name)


@guard(Permission.ACCEPT_RISK, by_id("audit_id"), school_decides=True)
def accept_risk_again(
    workspace: Workspace, actor: Actor, audit_id: str, action_id: str, today: date
) -> CarriedAction:
    """Record that the school accepted a carried-over risk again at this walk."""
    store = workspace._store
    with store.transaction():
        action = _carried(workspace, audit_id, action_id)
        again = action.model_copy(
            update={"accept_again": False, "accepted_on": today, "accepted_by": actor.name}
        )
        return store.update_carried_action(action, checked(again), actor.name)


def _carried(workspace: Workspace, audit_id: str, action_id: str) -> CarriedAction:
    for action in workspace._store.rewalk_record(audit_id).carried_actions:
        if action.id == action_id:
            return action
    raise NotFoundError("That carried-over action is no longer here.")
