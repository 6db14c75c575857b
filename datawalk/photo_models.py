"""A stored photo and its redaction record: the boxes filled (detected or drawn), those dropped,
and who checked it. `datawalk.models` re-exports these; no streamlit, no database here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Base64Bytes, Field, StringConstraints

from datawalk.model_base import Model, ShortText, new_id, utc_now


class Box(Model):
    """A redaction rectangle in pixels of the stored (already downscaled) image."""

    x: int = Field(ge=0)
    y: int = Field(ge=0)
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    source: Annotated[str, StringConstraints(pattern=r"^(detected|manual)$")] = "detected"


class RedactionRecord(Model):
    pipeline_version: ShortText
    boxes: list[Box] = Field(default_factory=list)
    dropped_boxes: list[Box] = Field(default_factory=list)
    confirmed_by: ShortText = ""
    confirmed_at: datetime | None = None


class Photo(Model):
    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    media_type: Annotated[str, StringConstraints(pattern=r"^image/(png|jpeg)$")]
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    caption: ShortText = ""
    data: Base64Bytes
    redaction: RedactionRecord | None = None
    needs_review: bool = False
    created_at: datetime = Field(default_factory=utc_now)

    @property
    def awaiting_review(self) -> bool:
        """True until a person here has checked the redaction: such a photo is never exported,
        since detectors miss small and turned faces and a file's own record proves nothing."""
        return self.needs_review or self.redaction is None
