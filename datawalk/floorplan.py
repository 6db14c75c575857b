"""Floor plans: turning an uploaded image into a safe, size-bounded `PlanImage`, turning a tap on
the plan into a normalised `Position`, and listing the locations that have or still lack a pin
(the pins are drawn by `plan_image.draw_pins`).

Uploads are untrusted bytes from a tablet, so they go through the same hostile-input checks as
photos (`datawalk.privacy.images`): format, bytes, pixels, decompression bombs, metadata
stripped. A plan is a drawing, not a photo of people, so it is not face-redacted. Positions are
normalised 0–1 so they survive the plan being replaced by a rescaled copy. No streamlit, no
database: callers store the results.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from datawalk.errors import PrivacyError, ValidationError
from datawalk.models import Location, PlanImage, Position
from datawalk.privacy.images import MEGABYTE, PhotoLimits, encode_image, load_clean_image

PLAN_LIMITS = PhotoLimits(max_bytes=10 * MEGABYTE, output_long_side=2400)
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
POSITION_DIGITS = 4


def plan_from_upload(data: bytes, limits: PhotoLimits = PLAN_LIMITS) -> PlanImage:
    """Return the uploaded plan as a clean PNG or JPEG, downscaled to `limits.output_long_side`.

    Raises:
        ValidationError: not a PNG or JPEG, too large, damaged, or a decompression bomb
            (field "plan"), with a message saying what to do.
    """
    if not any(data.startswith(signature) for signature in _SIGNATURES):
        raise ValidationError(
            "A floor plan must be a PNG or JPEG image. Export or photograph the plan as one.",
            field="plan",
        )
    try:
        clean = load_clean_image(data, limits)
    except PrivacyError as error:
        message = str(error).replace("Photo", "Floor plan").replace("photo", "floor plan")
        raise ValidationError(message, field="plan") from error
    encoded = encode_image(clean.image, clean.media_type, limits)
    return PlanImage(
        media_type=clean.media_type,
        width=clean.width,
        height=clean.height,
        data=base64.b64encode(encoded),
    )


def plan_data_uri(plan: PlanImage) -> str:
    """Return the plan as a `data:` URI, for drawing it under a chart without a file server."""
    return f"data:{plan.media_type};base64,{base64.b64encode(plan.data).decode('ascii')}"


def position_from_click(click: Mapping[str, Any]) -> Position:
    """Return the normalised position of a tap reported in displayed pixels.

    `click` is what the tap-to-place widget reports: x, y and the width and height the image had
    on screen, so the position is right whatever size the tablet drew the plan at.

    Raises:
        ValidationError: the tap lacks coordinates or the displayed size is not positive.
    """
    try:
        x, y = float(click["x"]), float(click["y"])
        width, height = float(click["width"]), float(click["height"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            "The tap on the plan was not understood.", field="position"
        ) from error
    if width <= 0 or height <= 0:
        raise ValidationError("The plan had no size on screen; tap again.", field="position")
    return Position(x=_unit(x / width), y=_unit(y / height))


def _unit(value: float) -> float:
    return round(min(1.0, max(0.0, value)), POSITION_DIGITS)


def unpinned_locations(
    locations: Iterable[Location], floor_id: str | None = None
) -> list[Location]:
    """Return the locations with no position (on one floor when given), by name."""
    chosen = [
        location
        for location in locations
        if location.position is None and (floor_id is None or location.floor_id == floor_id)
    ]
    return sorted(chosen, key=lambda location: location.name.casefold())


def pinned_locations(locations: Iterable[Location], floor_id: str) -> list[Location]:
    """Return the locations placed on this floor's plan."""
    return [loc for loc in locations if loc.floor_id == floor_id and loc.position is not None]
