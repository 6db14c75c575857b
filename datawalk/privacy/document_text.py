"""Every free-text field of an audit document, scanned for pupil identifiers before an import.

A backup or an edited workbook is untrusted whatever it claims: text typed elsewhere never passed
the walk page's scan. Each field is addressed the way the walk page records a kept identifier in
the trail (entity, entity id, field; a photo caption is `caption_<photo id>` on its finding), so a
backup's own record of identifiers kept on purpose can be honoured field by field. Pure core: no
streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from datawalk.models import AuditDocument, RewalkItem, RewalkRecord, TrailEvent
from datawalk.privacy.identifiers import redact_text, scan_text
from datawalk.privacy.text_checks import KEPT_IDENTIFIERS, describe_kinds, identifier_kinds

AUDIT_FIELDS = {"scope_limitations": "Scope and limitations", "overall_opinion": "Overall opinion"}
FINDING_FIELDS = {"title": "title", "notes": "notes", "good_practice_note": "good-practice note"}
ACTION_FIELDS = {
    "recommendation": "recommendation",
    "notes": "notes",
    "accepted_reason": "accepted reason",
}
# A re-walk's own text: the note on a resolved finding and its carried reference; a carried
# action's recommendation and accepted-risk reason. A carried finding's structured copy
# (`previous`) is scanned string by string under `previous_<key>`: a file may put anything there.
REWALK_ITEM_FIELDS = {"note": "note on what was fixed", "previous_reference": "carried reference"}
CARRIED_ACTION_FIELDS = {
    "recommendation": "carried recommendation",
    "accepted_reason": "carried accepted reason",
}
PREVIOUS_PREFIX = "previous_"


@dataclass(frozen=True)
class TextSpot:
    """One free-text value in a document, where it is, and how a person would name it."""

    entity: str
    entity_id: str
    field: str
    label: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.entity}:{self.entity_id}:{self.field}"


@dataclass(frozen=True)
class FlaggedText:
    """A field that may hold a pupil identifier, with the kinds found (never shown elsewhere)."""

    spot: TextSpot
    kinds: list[str]

    @property
    def key(self) -> str:
        return self.spot.key

    def describe(self) -> str:
        return f"{self.spot.label}: {describe_kinds(self.kinds)}"


def document_text(document: AuditDocument) -> Iterator[TextSpot]:
    """Yield every free-text field a person typed, in the order a reader meets them."""
    audit = document.audit
    for field, label in AUDIT_FIELDS.items():
        yield TextSpot("audit", audit.id, field, label, getattr(audit, field))
    for location in document.locations:
        yield TextSpot("location", location.id, "name", "Location name", location.name)
    for finding in document.findings:
        ref = finding.reference or "A finding"
        for field, label in FINDING_FIELDS.items():
            yield TextSpot("finding", finding.id, field, f"{ref} {label}", getattr(finding, field))
        for number, photo in enumerate(finding.photos, start=1):
            label = f"{ref} photo {number} caption"
            yield TextSpot("finding", finding.id, f"caption_{photo.id}", label, photo.caption)
    for number, action in enumerate(document.actions, start=1):
        for field, label in ACTION_FIELDS.items():
            label = f"Action {number} {label}"
            yield TextSpot("action", action.id, field, label, getattr(action, field))
    if document.rewalk is not None:
        yield from rewalk_text(document.rewalk)


def rewalk_text(record: RewalkRecord) -> Iterator[TextSpot]:
    """Yield every free-text field a re-walk adds: item notes and references, every string of a
    carried finding's copy, its evidence photos' captions, and carried actions' recommendations
    and accepted-risk reasons."""
    for number, item in enumerate(record.items, start=1):
        name = f"Last walk's finding {number}"
        for field, label in REWALK_ITEM_FIELDS.items():
            text = getattr(item, field)
            yield TextSpot("finding", item.id, field, f"{name} {label}", text)
        for key, value in item.previous.items():
            text = "\n".join(_strings(value))
            label = f"{name} carried {key.replace('_', ' ')}"
            yield TextSpot("finding", item.id, f"{PREVIOUS_PREFIX}{key}", label, text)
        for position, photo in enumerate(item.photos, start=1):
            label = f"{name} photo {position} caption"
            yield TextSpot("finding", item.id, f"caption_{photo.id}", label, photo.caption)
    for number, action in enumerate(record.carried_actions, start=1):
        for field, label in CARRIED_ACTION_FIELDS.items():
            label = f"Carried action {number} {label}"
            yield TextSpot("action", action.id, field, label, getattr(action, field))


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys of objects included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def flag_spots(spots: Iterable[TextSpot], walk_date: date | None = None) -> list[FlaggedText]:
    """Return the spots that may hold a pupil identifier, each with the kinds found."""
    flagged = []
    for spot in spots:
        kinds = identifier_kinds(spot.text, walk_date)
        if kinds:
            flagged.append(FlaggedText(spot, kinds))
    return flagged


def flagged_text(document: AuditDocument) -> list[FlaggedText]:
    """Return every field of the document that may hold a pupil identifier."""
    return flag_spots(document_text(document), document.audit.walk_at.date())


def kept_on_record(trail: Iterable[TrailEvent]) -> set[str]:
    """Return the keys of fields the trail records as saved with an identifier on purpose."""
    keys: set[str] = set()
    for event in trail:
        kept = event.changes.get(KEPT_IDENTIFIERS)
        fields = kept.get("new") if isinstance(kept, dict) else None
        if isinstance(fields, dict):
            keys.update(f"{event.entity}:{event.entity_id}:{field}" for field in fields)
    return keys


def replace_identifiers(
    document: AuditDocument, keys: Collection[str], walk_date: date | None = None
) -> AuditDocument:
    """Return the document with every identifier in the chosen fields replaced by [pupil]."""
    if not keys:
        return document
    when = walk_date or document.audit.walk_at.date()

    def clean(entity: str, entity_id: str, field: str, text: str) -> str:
        if f"{entity}:{entity_id}:{field}" not in keys:
            return text
        return redact_text(text, scan_text(text, walk_date=when))

    audit = document.audit
    audit = audit.model_copy(
        update={f: clean("audit", audit.id, f, getattr(audit, f)) for f in AUDIT_FIELDS}
    )
    locations = [
        x.model_copy(update={"name": clean("location", x.id, "name", x.name)})
        for x in document.locations
    ]
    findings = [
        f.model_copy(
            update={
                **{k: clean("finding", f.id, k, getattr(f, k)) for k in FINDING_FIELDS},
                "photos": [
                    p.model_copy(
                        update={"caption": clean("finding", f.id, f"caption_{p.id}", p.caption)}
                    )
                    for p in f.photos
                ],
            }
        )
        for f in document.findings
    ]
    actions = [
        a.model_copy(update={k: clean("action", a.id, k, getattr(a, k)) for k in ACTION_FIELDS})
        for a in document.actions
    ]
    rewalk = document.rewalk and _cleaned_rewalk(document.rewalk, clean)
    return document.model_copy(
        update={
            "audit": audit,
            "locations": locations,
            "findings": findings,
            "actions": actions,
            "rewalk": rewalk,
        }
    )


Cleaner = Callable[[str, str, str, str], str]


def _cleaned_rewalk(record: RewalkRecord, clean: Cleaner) -> RewalkRecord:
    """Return the re-walk record with the chosen fields cleaned, as `document_text` names them."""
    items = [_cleaned_item(item, clean) for item in record.items]
    actions = [
        a.model_copy(
            update={k: clean("action", a.id, k, getattr(a, k)) for k in CARRIED_ACTION_FIELDS}
        )
        for a in record.carried_actions
    ]
    return record.model_copy(update={"items": items, "carried_actions": actions})


def _cleaned_item(item: RewalkItem, clean: Cleaner) -> RewalkItem:
    update: dict[str, Any] = {
        k: clean("finding", item.id, k, getattr(item, k)) for k in REWALK_ITEM_FIELDS
    }
    update["previous"] = {
        key: _map_strings(value, partial(clean, "finding", item.id, PREVIOUS_PREFIX + key))
        for key, value in item.previous.items()
    }
    update["photos"] = [
        p.model_copy(update={"caption": clean("finding", item.id, f"caption_{p.id}", p.caption)})
        for p in item.photos
    ]
    return item.model_copy(update=update)


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """Return the JSON value with `change` applied to every string in it, keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {change(k): _map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    return value


def kept_by_entity(flagged: Iterable[FlaggedText]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """Group kept fields as the trail records them: {(entity, id): {field: kinds}}."""
    grouped: dict[tuple[str, str], dict[str, list[str]]] = {}
    for item in flagged:
        spot = item.spot
        grouped.setdefault((spot.entity, spot.entity_id), {})[spot.field] = list(item.kinds)
    return grouped
