"""Photos as evidence that last walk's finding is resolved: gone or fixed, seen this walk.

A picture enters only here, as the bytes the uploader or camera gave, and goes through the one
photo intake (`datawalk.privacy.redact_photo`: validated, upright, downscaled, metadata stripped,
faces filled) inside the use case; no caller can hand in a `Photo` claiming a redaction. It is
stored only once the consultant has checked the redacted preview (their name is its redaction
record's `confirmed_by`), as a finding's photo is saved only when ticked. Covering more of a
stored photo withdraws the tick until a person checks it again; a photo restored from a backup
was redacted again on import and awaits that check too. Each use case is one transaction with
its trail events; marking the finding anything but Resolved removes its photos (`rewalks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from datawalk.errors import NotFoundError, PrivacyError, ValidationError
from datawalk.models import Box, Photo, RewalkItem, RewalkState
from datawalk.photo_checks import confirm_photo, with_new_redaction
from datawalk.privacy import PHOTO_LIMITS, redact_photo
from datawalk.privacy.faces import Progress
from datawalk.privacy.photos import cover_more, make_photo
from datawalk.services.authorization import Permission, by_rewalk_item, guard
from datawalk.services.workspace import Actor, Workspace

MAX_PHOTOS = PHOTO_LIMITS.max_per_finding


def _resolved_item(workspace: Workspace, item_id: str) -> RewalkItem:
    """Raises ValidationError: the item is not marked Resolved (photos prove a resolution)."""
    item = workspace._store.get_rewalk_item(item_id)
    if item.state is not RewalkState.RESOLVED:
        raise ValidationError(
            f"Mark {item.previous_reference} Resolved before adding a photo of it.", field="photos"
        )
    return item


@guard(Permission.WALK, by_rewalk_item())
def add_resolved_photo(
    workspace: Workspace,
    actor: Actor,
    item_id: str,
    data: bytes,
    *,
    checked: bool,
    extra_boxes: Sequence[Box] = (),
    drop_boxes: Sequence[Box] = (),
    progress: Progress | None = None,
) -> Photo:
    """Redact `data` (the picture as it arrived) and store it as evidence that the item is
    resolved; return the photo as stored.

    `extra_boxes` and `drop_boxes` are the consultant's covers and rejected detections on the
    preview (`redact_photo`'s); `checked` says they ticked "I have checked this photo".
    Detection runs again here rather than trusting the preview's boxes.

    Raises:
        PrivacyError: not an acceptable picture, a box off the picture, or not checked.
        ValidationError: the item is not Resolved, or already holds the most photos allowed.
        NotFoundError: the item is gone.
    """
    if not checked:
        raise PrivacyError("Confirm that you have checked this photo before saving it.")
    _resolved_item(workspace, item_id)  # refuse before the seconds the intake takes
    redacted = redact_photo(data, extra_boxes, drop_boxes, progress=progress)
    photo = make_photo(redacted, "", actor.name)
    store = workspace._store
    with store.transaction():
        item = _resolved_item(workspace, item_id)
        if store.rewalk_photo_count(item.id) >= MAX_PHOTOS:
            raise ValidationError(
                f"{item.previous_reference} holds at most {MAX_PHOTOS} photos.", field="photos"
            )
        return store.add_rewalk_photo(item, photo, actor.name)


@guard(Permission.WALK, by_rewalk_item())
def cover_resolved_photo(
    workspace: Workspace, actor: Actor, item_id: str, photo_id: str, boxes: Sequence[Box]
) -> Photo:
    """Fill more of a stored photo (a name or medical detail the redaction missed); the original
    is gone, so boxes can only be added. The tick is withdrawn until a person checks it again.

    Raises:
        PrivacyError: a box lies off the picture.
        NotFoundError: the item or the photo is gone.
    """
    store = workspace._store
    with store.transaction():
        item, photo = _photo_of(workspace, item_id, photo_id)
        covered = cover_more(photo.data, boxes)
        kept = list(photo.redaction.boxes) if photo.redaction else []
        dropped = list(photo.redaction.dropped_boxes) if photo.redaction else []
        new = with_new_redaction(
            photo, covered.data, covered.media_type, covered.width, covered.height,
            [*kept, *covered.boxes], dropped,
        ).model_copy(update={"needs_review": True})  # fmt: skip
        return store.update_rewalk_photo(item, new, actor.name)


@guard(Permission.WALK, by_rewalk_item())
def confirm_resolved_photo(
    workspace: Workspace, actor: Actor, item_id: str, photo_id: str
) -> Photo:
    """Record that `actor` checked a stored photo awaiting review (restored from a backup, or
    covered further since it was checked).

    Raises:
        NotFoundError: the item or the photo is gone.
    """
    store = workspace._store
    with store.transaction():
        item, photo = _photo_of(workspace, item_id, photo_id)
        return store.update_rewalk_photo(item, confirm_photo(photo, actor.name), actor.name)


@guard(Permission.WALK, by_rewalk_item())
def remove_resolved_photo(workspace: Workspace, actor: Actor, item_id: str, photo_id: str) -> Photo:
    """Delete one evidence photo; return it.

    Raises:
        NotFoundError: the item or the photo is gone.
    """
    store = workspace._store
    with store.transaction():
        item = store.get_rewalk_item(item_id)
        return store.delete_rewalk_photo(item, photo_id, actor.name)


def _photo_of(workspace: Workspace, item_id: str, photo_id: str) -> tuple[RewalkItem, Photo]:
    store = workspace._store
    item = store.get_rewalk_item(item_id)
    owner, photo = store.get_rewalk_photo(photo_id)
    if owner != item.id:
        raise NotFoundError("That photo is no longer here: it may have been removed.")
    return item, photo
