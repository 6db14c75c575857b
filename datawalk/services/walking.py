"""The small writes of a walk in progress: the capture draft and where the consultant is.

A draft is saved on every change so a tablet that sleeps loses nothing; the last place is kept so
coming back lands where the consultant was. Each is one store transaction of its own. A draft is
one person's on one device (`DraftHolder`): another tablet at the same place neither sees nor
empties it, and the same person on a second device is offered it, never shown it unasked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datawalk.editing import DraftHolder
from datawalk.services.authorization import Permission, by_id, guard
from datawalk.services.workspace import Actor, Workspace


@guard(Permission.WALK, by_id("audit_id"))
def save_draft(
    workspace: Workspace,
    actor: Actor,
    audit_id: str,
    location_id: str | None,
    payload: dict[str, Any],
    photos: Mapping[str, bytes] | None = None,
    *,
    holder: DraftHolder,
) -> None:
    """Keep `holder`'s finding being captured at (audit, location), replacing their earlier one.

    `photos` are the bytes the payload's photos name by SHA-256 (`drafts.draft_photo_blobs`):
    each is stored once, so a tap writes only the small payload.

    Raises:
        NotFoundError: the audit is gone.
        ValidationError: the draft is too large or not serialisable.
    """
    workspace._store.save_draft(audit_id, location_id, payload, photos, holder=holder)


@guard(Permission.WALK, by_id("audit_id"))
def clear_draft(
    workspace: Workspace,
    actor: Actor,
    audit_id: str,
    location_id: str | None,
    *,
    holder: DraftHolder,
) -> None:
    """Forget `holder`'s draft at (audit, location); a missing draft is not an error."""
    workspace._store.clear_draft(audit_id, location_id, holder=holder)


@guard(Permission.WALK, by_id("audit_id"))
def take_draft(
    workspace: Workspace,
    actor: Actor,
    audit_id: str,
    location_id: str | None,
    *,
    holder: DraftHolder,
    device: str,
) -> dict[str, Any] | None:
    """Bring the person's draft at this place over from their other `device` (it moves: one
    draft, on one device), replacing the one on this device; return it, or None when the other
    device saved or cleared it meanwhile."""
    return workspace._store.take_draft(audit_id, location_id, holder=holder, device=device)


def remember_place(workspace: Workspace, user: str, audit_id: str, location_id: str | None) -> None:
    """Keep where `user` is on the walk, so a reload or a restart brings them back there."""
    workspace._store.remember_place(user, audit_id, location_id)
