"""Domain models: School → Site → Floor → Location → Finding, plus Audit, Photo, Action and the
audit document used for JSON interchange.

Vocabulary fields (categories, audiences, formats …) hold checklist ids as plain strings; whether an
id exists is checked against the audit's pinned checklist in `datawalk.validation`, because the
vocabulary is data, not code. This module must not import streamlit or touch the database.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    Base64Bytes,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from datawalk.model_base import (
    LONG_TEXT,
    SHORT_TEXT,
    ActionStatus,
    AuditStatus,
    IdSet,
    LongText,
    Model,
    Phase,
    Reach,
    RefId,
    RequiredText,
    ShortText,
    Unit,
    VocabId,
    new_id,
    new_ids,
    sorted_unique,
    utc_now,
)
from datawalk.photo_models import Box, Photo, RedactionRecord

# The base names and the photo models are part of the domain model too.
__all__ = [
    "DOCUMENT_FORMAT",
    "DOCUMENT_SCHEMA_VERSION",
    "LONG_TEXT",
    "SHORT_TEXT",
    "Action",
    "ActionStatus",
    "Audit",
    "AuditDocument",
    "AuditStatus",
    "Box",
    "CarriedAction",
    "Finding",
    "Floor",
    "IdSet",
    "ImportedEvent",
    "Location",
    "LongText",
    "Model",
    "Phase",
    "Photo",
    "PinnedChecklist",
    "PlanImage",
    "Position",
    "Reach",
    "RedactionRecord",
    "RefId",
    "RequiredText",
    "RewalkItem",
    "RewalkRecord",
    "RewalkState",
    "School",
    "ShortText",
    "Site",
    "TrailEvent",
    "UncheckedLocation",
    "Unit",
    "VocabId",
    "new_id",
    "new_ids",
    "utc_now",
]

DOCUMENT_FORMAT = "datawalk-audit"
# 2: `imported_trail`, the history restored backups brought. 3: `needed_reach`, how each
# audience that needs a finding reaches it; older documents have none, and every needer then
# reaches it as before (see `Finding.needed_reach`), so they are read unchanged.
DOCUMENT_SCHEMA_VERSION = 3


class School(Model):
    name: RequiredText
    phase: Phase


class Position(Model):
    """A point on a floor plan, normalised so it survives the plan image being rescaled."""

    x: Unit
    y: Unit


class PlanImage(Model):
    media_type: Annotated[str, StringConstraints(pattern=r"^image/(png|jpeg)$")]
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    data: Base64Bytes


class Floor(Model):
    id: VocabId = Field(default_factory=new_id)
    name: RequiredText
    order: int = 0
    plan: PlanImage | None = None


class Site(Model):
    name: RequiredText
    floors: list[Floor] = Field(default_factory=list)

    @field_validator("floors")
    @classmethod
    def _unique_floor_ids(cls, floors: list[Floor]) -> list[Floor]:
        ids = [floor.id for floor in floors]
        if len(ids) != len(set(ids)):
            raise ValueError("floor ids must be unique within a site")
        return floors


class PinnedChecklist(Model):
    """A full copy of the checklist an audit was made with; later edits never change old audits."""

    id: VocabId
    version: int = Field(ge=1)
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    content: dict[str, Any]


class Audit(Model):
    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    school: School
    site: Site
    walk_at: datetime
    auditor: RequiredText
    accompanied_by: ShortText = ""
    scope_limitations: LongText = ""
    overall_opinion: LongText = ""
    status: AuditStatus = AuditStatus.IN_PROGRESS
    checklist: PinnedChecklist
    legal_hold: bool = False
    completed_at: datetime | None = None
    previous_audit_id: RefId | None = Field(
        default=None, description="The walk this one re-walks; it may no longer be held here."
    )
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    version: int = Field(default=1, ge=1)

    def floor(self, floor_id: str) -> Floor | None:
        return next((floor for floor in self.site.floors if floor.id == floor_id), None)


class Location(Model):
    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    audit_id: RefId
    name: RequiredText
    location_type: VocabId
    floor_id: RefId | None = None
    position: Position | None = None
    nothing_found: bool = False
    prompts_checked: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Finding(Model):
    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    audit_id: RefId
    location_id: RefId
    reference: Annotated[str, StringConstraints(pattern=r"^F-\d{3,}$")] | None = None
    title: ShortText = Field(
        default="", description="Optional free text; lists show the categories when it is empty"
    )
    categories: Annotated[list[VocabId], AfterValidator(sorted_unique), Field(min_length=1)]
    format: VocabId
    identifiability: VocabId
    detail_level: VocabId
    visible_to: IdSet = Field(default_factory=list)
    needed_by: IdSet = Field(default_factory=list)
    reach: Reach = Reach.IMMEDIATELY
    needed_reach: dict[VocabId, Reach] = Field(
        default_factory=dict,
        description=(
            "How an audience in needed_by reaches it, where that differs from the default: a "
            "needer in visible_to reaches it at `reach`, any other needer not at all"
        ),
    )
    controls: IdSet = Field(default_factory=list)
    evidence: VocabId = "observed"
    review_date: date | None = None
    need_override: int | None = Field(default=None, ge=1, le=5)
    good_practice: bool = False
    good_practice_note: LongText = ""
    notes: LongText = ""
    photos: list[Photo] = Field(default_factory=list)
    template_id: VocabId | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    version: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _reach_of_needers_only(self) -> Self:
        strays = sorted(set(self.needed_reach) - set(self.needed_by))
        if strays:
            raise ValueError(
                f"needed_reach names {', '.join(strays)}, not in needed_by: give a reach only "
                "to an audience that needs it"
            )
        return self


class Action(Model):
    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    audit_id: RefId
    finding_ids: Annotated[list[RefId], Field(min_length=1)]
    recommendation: LongText = ""
    owner: ShortText = ""
    due_date: date | None = None
    priority: float = 0.0
    status: ActionStatus = ActionStatus.OPEN
    notes: LongText = ""
    accepted_reason: LongText = ""
    accepted_by: ShortText = ""
    accepted_on: date | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    # The stored version an edit started from; a save from an older one is refused.
    version: int = Field(default=1, ge=1)


class TrailEvent(Model):
    """One create/update/delete in the audit trail. Free-text changes record only the field name."""

    id: str = Field(default_factory=new_id, min_length=1, max_length=64)
    audit_id: RefId
    at: datetime = Field(default_factory=utc_now)
    actor: ShortText = ""
    entity: Annotated[str, StringConstraints(pattern=r"^(audit|location|finding|photo|action)$")]
    entity_id: RefId
    operation: Annotated[str, StringConstraints(pattern=r"^(create|update|delete|download)$")]
    changes: dict[str, Any] = Field(default_factory=dict)


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class ImportedEvent(Model):
    """A trail event that came from a backup file, kept apart from local history and read-only.

    `event` is exactly what the file said (its id, time and actor are the file's claim, not
    something that happened here); the rest says which file (its SHA-256), when and by whom it
    was imported. Kept for accountability: a restored audit keeps its record of kept
    identifiers, risk acceptances and deletions.
    """

    event: TrailEvent
    source_sha256: Sha256
    imported_at: datetime
    imported_by: RequiredText


class RewalkState(StrEnum):
    """What the consultant found this time at something recorded last time."""

    PENDING = "pending"  # not looked at yet
    RESOLVED = "resolved"
    STILL = "still"  # still as it was: copied as a new finding observed today
    CHANGED = "changed"  # copied, then edited in the capture form
    NOT_CHECKED = "not_checked"


class RewalkItem(Model):
    """One finding of the previous walk, carried as a structured copy (no photos, no notes of
    last time); a Resolved one may hold this walk's own evidence photos."""

    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    audit_id: RefId
    location_id: RefId
    ordinal: int = 0
    previous_finding_id: RefId
    previous_reference: ShortText
    previous: dict[str, Any] = Field(description="The finding's structured fields last time")
    state: RewalkState = RewalkState.PENDING
    note: LongText = ""
    new_finding_id: RefId | None = None
    decided_by: ShortText = ""
    decided_at: datetime | None = None
    photos: list[Photo] = Field(
        default_factory=list,
        exclude_if=lambda photos: not photos,
        description=(
            "Resolved: redacted photos of this walk showing it gone or fixed. Filled only in a "
            "document (the walk page reads them apart); left out of the JSON when there are none"
        ),
    )


class CarriedAction(Model):
    """An action still open (or a risk accepted) at the previous walk, linked to its origin."""

    id: str = Field(default_factory=new_id, min_length=8, max_length=64)
    audit_id: RefId
    origin_action_id: RefId
    origin_audit_id: RefId
    previous_finding_ids: list[RefId] = Field(default_factory=list)
    recommendation: LongText = ""
    owner: ShortText = ""
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    accepted_reason: LongText = ""
    accepted_by: ShortText = ""
    accepted_on: date | None = None
    accept_again: bool = False
    checked_on: date | None = None
    checked_by: ShortText = ""


class UncheckedLocation(Model):
    """A whole location not checked this time (a locked room): listed in scope and limitations."""

    location_id: RefId
    marked_by: ShortText
    marked_at: datetime = Field(default_factory=utc_now)


class RewalkRecord(Model):
    """What a re-walk holds beyond an ordinary audit, for the JSON document."""

    items: list[RewalkItem] = Field(default_factory=list)
    carried_actions: list[CarriedAction] = Field(default_factory=list)
    unchecked_locations: list[UncheckedLocation] = Field(default_factory=list)


class AuditDocument(Model):
    """The JSON interchange form of one audit: backups, the sample walk and `score` input."""

    format: Annotated[str, StringConstraints(pattern=f"^{DOCUMENT_FORMAT}$")] = DOCUMENT_FORMAT
    schema_version: int = DOCUMENT_SCHEMA_VERSION
    audit: Audit
    locations: list[Location] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    trail: list[TrailEvent] = Field(
        default_factory=list, description="Local history: what happened in the exporting database."
    )
    imported_trail: list[ImportedEvent] = Field(
        default_factory=list,
        description="History that earlier restores brought in, with where it came from.",
    )
    scores: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Scores, reasons and recommendations at export time; recomputed on import.",
    )
    rewalk: RewalkRecord | None = Field(
        default=None, description="A re-walk's states, carried actions and unchecked locations."
    )
