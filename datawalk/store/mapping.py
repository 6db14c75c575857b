"""Rows ↔ pydantic models, in one place: the only code that knows how a model is laid out in SQL.

Models go in already validated; rows come back through `model_validate`, so a row that no longer
fits the model fails loudly instead of reaching a page. Byte fields are `Base64Bytes` in the models,
which *decode* their input on validation: raw bytes from the database are therefore base64-encoded
before validation, never passed in as they are.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping

from datawalk.models import (
    Action,
    ActionStatus,
    Audit,
    Finding,
    Location,
    Photo,
    Reach,
    RedactionRecord,
    TrailEvent,
)

from .summaries import AuditSummary, Tombstone

# A result row by column name: SQLAlchemy's RowMapping, or a plain dict.
Row = RowMapping | Mapping[str, Any]

AUDIT_SCALARS = (
    "walk_at",
    "auditor",
    "accompanied_by",
    "scope_limitations",
    "overall_opinion",
    "legal_hold",
    "completed_at",
    "previous_audit_id",
    "created_at",
    "updated_at",
    "version",
)
# Every Finding field that is one column of its row: all but its photos (a table of their own),
# its reach (stored as its value) and the reach per needer (inside the needed_by column, see
# `_needers_to_column`), read off the model so a new field cannot be forgotten.
FINDING_SCALARS = tuple(
    name for name in Finding.model_fields if name not in {"photos", "reach", "needed_reach"}
)
FINDING_JSON_LISTS = ("categories", "visible_to", "needed_by", "controls")
ACTION_SCALARS = (
    "version",
    "id",
    "audit_id",
    "recommendation",
    "owner",
    "due_date",
    "priority",
    "notes",
    "accepted_reason",
    "accepted_by",
    "accepted_on",
    "created_at",
    "updated_at",
)


def reference_number(reference: str) -> int:
    """Return 12 for "F-012": references sort and allocate by their number, not their text."""
    return int(reference.removeprefix("F-"))


def format_reference(number: int) -> str:
    return f"F-{number:03d}"


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data)


# --- audits -----------------------------------------------------------------------------------


def audit_to_row(audit: Audit) -> dict[str, Any]:
    """Return the audits row; floor plan bytes are left out (see `floor_plan_rows`)."""
    site = audit.site.model_dump(mode="json")
    for floor in site["floors"]:
        floor["plan"] = None
    row = {name: getattr(audit, name) for name in AUDIT_SCALARS}
    row.update(
        id=audit.id,
        school=audit.school.model_dump(mode="json"),
        site=site,
        status=audit.status.value,
        checklist_id=audit.checklist.id,
        checklist_version=audit.checklist.version,
        checklist_hash=audit.checklist.content_hash,
        checklist_content=audit.checklist.content,
    )
    return row


def floor_plan_rows(audit: Audit) -> list[dict[str, Any]]:
    return [
        {
            "audit_id": audit.id,
            "floor_id": floor.id,
            "media_type": floor.plan.media_type,
            "width": floor.plan.width,
            "height": floor.plan.height,
            "data": floor.plan.data,
        }
        for floor in audit.site.floors
        if floor.plan is not None
    ]


def plan_from_row(row: Row) -> dict[str, Any]:
    return {
        "media_type": row["media_type"],
        "width": row["width"],
        "height": row["height"],
        "data": _b64(row["data"]),
    }


def audit_from_row(row: Row, plans: Iterable[Row] = ()) -> Audit:
    site = dict(row["site"])
    by_floor = {plan["floor_id"]: plan_from_row(plan) for plan in plans}
    site["floors"] = [
        {**floor, "plan": by_floor.get(floor["id"])} for floor in row["site"].get("floors", [])
    ]
    data = {name: row[name] for name in AUDIT_SCALARS}
    data.update(
        id=row["id"],
        school=row["school"],
        site=site,
        status=row["status"],
        checklist={
            "id": row["checklist_id"],
            "version": row["checklist_version"],
            "content_hash": row["checklist_hash"],
            "content": row["checklist_content"],
        },
    )
    return Audit.model_validate(data)


def summary_from_row(row: Row) -> AuditSummary:
    return AuditSummary(
        id=row["id"],
        school_name=row["school"]["name"],
        site_name=row["site"]["name"],
        walk_at=row["walk_at"],
        status=row["status"],
        finding_count=row["finding_count"],
        updated_at=row["updated_at"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        legal_hold=row["legal_hold"],
        school_id=row.get("school_id"),
    )


def tombstone_from_row(row: Row) -> Tombstone:
    return Tombstone.model_validate({name: row[name] for name in Tombstone.model_fields})


# --- locations --------------------------------------------------------------------------------


def location_to_row(location: Location) -> dict[str, Any]:
    position = location.position
    return {
        "id": location.id,
        "audit_id": location.audit_id,
        "name": location.name,
        "location_type": location.location_type,
        "floor_id": location.floor_id,
        "position_x": None if position is None else position.x,
        "position_y": None if position is None else position.y,
        "nothing_found": location.nothing_found,
        "prompts_checked": list(location.prompts_checked),
        "created_at": location.created_at,
        "updated_at": location.updated_at,
    }


def location_from_row(row: Row) -> Location:
    has_position = row["position_x"] is not None and row["position_y"] is not None
    return Location.model_validate(
        {
            "id": row["id"],
            "audit_id": row["audit_id"],
            "name": row["name"],
            "location_type": row["location_type"],
            "floor_id": row["floor_id"],
            "position": {"x": row["position_x"], "y": row["position_y"]} if has_position else None,
            "nothing_found": row["nothing_found"],
            "prompts_checked": row["prompts_checked"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


# --- findings and photos ----------------------------------------------------------------------


def finding_to_row(finding: Finding) -> dict[str, Any]:
    """Return the findings row; `reference` must already be allocated."""
    if finding.reference is None:
        raise ValueError("a finding needs its reference before it is stored")
    row = {name: getattr(finding, name) for name in FINDING_SCALARS}
    row["reach"] = finding.reach.value
    row["needed_by"] = _needers_to_column(finding)
    row["number"] = reference_number(finding.reference)
    return row


def finding_from_row(row: Row, photos: list[Photo] | None = None) -> Finding:
    data = {name: row[name] for name in FINDING_SCALARS}
    data["reach"] = row["reach"]
    data["needed_by"], data["needed_reach"] = _needers_from_column(row["needed_by"])
    data["photos"] = photos or []
    return Finding.model_validate(data)


def stored_finding(row: Row, photos: list[Photo] | None = None) -> Finding:
    """`finding_from_row` for a row this database wrote, built without validating it again.

    Every stored row was a validated `Finding` when it was written (`finding_to_row` takes
    one), so checking it field by field on every read only costs time: at 10,000 findings,
    more than the query. Only the values pydantic would convert are converted here (the reach
    enums); a test checks that both give equal findings. Anything that writes a finding
    validates it on its own way in (`Model.checked`).
    """
    data = {name: row[name] for name in FINDING_SCALARS}
    data["reach"] = Reach(row["reach"])
    needers, given = _needers_from_column(row["needed_by"])
    data["needed_by"] = needers
    data["needed_reach"] = {audience: Reach(reach) for audience, reach in given.items()}
    data["photos"] = photos or []
    return Finding.stored(data)


def _needers_to_column(finding: Finding) -> list[Any]:
    """The needed_by column: an audience id each, or [id, reach] where a reach was given.

    Rows written before reach per needer hold ids only and read back unchanged (every needer on
    its default reach), so no stored finding needs rewriting.
    """
    given = finding.needed_reach
    return [[a, given[a].value] if a in given else a for a in finding.needed_by]


def _needers_from_column(value: Any) -> tuple[list[str], dict[str, str]]:
    needers: list[str] = []
    given: dict[str, str] = {}
    for entry in value or []:
        if isinstance(entry, list):
            needers.append(entry[0])
            given[entry[0]] = entry[1]
        else:
            needers.append(entry)
    return needers, given


def findings_from_rows(rows: Sequence[Row], photos: Mapping[str, list[Photo]]) -> list[Finding]:
    """Return findings from rows whose JSON list columns may still be JSON text.

    Decoding thousands of tiny JSON arrays one call at a time costs more than the query, so the
    text of all of them is decoded in one `json.loads`; values a driver already decoded are kept.
    """
    records = [dict(row) for row in rows]
    texts = [
        (record, name)
        for record in records
        for name in FINDING_JSON_LISTS
        if isinstance(record[name], str)
    ]
    if texts:
        decoded = json.loads("[" + ",".join(record[name] for record, name in texts) + "]")
        for (record, name), value in zip(texts, decoded, strict=True):
            record[name] = value
    return [stored_finding(record, photos.get(record["id"])) for record in records]


def photo_to_row(photo: Photo, finding_id: str, ordinal: int) -> dict[str, Any]:
    """Return the photos row; a photo without a redaction record is always flagged for review."""
    return {
        "id": photo.id,
        "finding_id": finding_id,
        "ordinal": ordinal,
        "media_type": photo.media_type,
        "width": photo.width,
        "height": photo.height,
        "caption": photo.caption,
        "data": photo.data,
        "created_at": photo.created_at,
        "redaction": None if photo.redaction is None else photo.redaction.model_dump(mode="json"),
        "needs_review": photo.needs_review or photo.redaction is None,
    }


def photo_from_row(row: Row) -> Photo:
    redaction = row["redaction"]
    return Photo.model_validate(
        {
            "id": row["id"],
            "media_type": row["media_type"],
            "width": row["width"],
            "height": row["height"],
            "caption": row["caption"],
            "data": _b64(row["data"]),
            "redaction": None if redaction is None else RedactionRecord.model_validate(redaction),
            "needs_review": row["needs_review"],
            "created_at": row["created_at"],
        }
    )


# --- actions and trail ------------------------------------------------------------------------


def action_to_row(action: Action) -> dict[str, Any]:
    row = {name: getattr(action, name) for name in ACTION_SCALARS}
    row["status"] = action.status.value
    return row


def action_link_rows(action: Action) -> list[dict[str, Any]]:
    return [
        {"action_id": action.id, "finding_id": finding_id, "ordinal": ordinal}
        for ordinal, finding_id in enumerate(action.finding_ids)
    ]


def action_from_row(row: Row, finding_ids: list[str]) -> Action:
    """An action as this database stored it, built without validating it again, as
    `stored_finding` is (a test checks both ways give equal actions): a 10,000-action plan is
    read on every export. Anything that writes an action validates it on its way in."""
    data = {name: row[name] for name in ACTION_SCALARS}
    data.update(status=ActionStatus(row["status"]), finding_ids=finding_ids)
    return Action.stored(data)


def trail_to_row(event: TrailEvent) -> dict[str, Any]:
    return event.model_dump(mode="python")


def trail_from_row(row: Row) -> TrailEvent:
    return TrailEvent.model_validate({name: row[name] for name in TrailEvent.model_fields})
