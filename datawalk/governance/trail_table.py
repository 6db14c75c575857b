"""The audit trail as a table people can read: when, who, what, and which fields changed how.

The store records each write as field → {old, new} (free text only as {changed: true}); this
module turns that into one row per event, names each entity by what a consultant knows it by
(a finding's reference, a location's name), and filters by entity and operation. Values are
plain strings for a data grid, never HTML.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from datawalk.models import Action, Audit, Finding, ImportedEvent, Location, TrailEvent

ENTITY_NAMES = {
    "audit": "Audit",
    "location": "Location",
    "finding": "Finding",
    "photo": "Photo",
    "action": "Action",
}
OPERATION_NAMES = {
    "create": "Created",
    "update": "Updated",
    "delete": "Deleted",
    "download": "Downloaded",
}
TRAIL_COLUMNS = ("When", "Who", "Entity", "Reference", "Operation", "Changes")
IMPORTED_COLUMNS = ("Backup", *TRAIL_COLUMNS)
SHORT_DIGEST = 12  # hex digits of a backup's SHA-256 shown to people
VALUE_MAX = 60
_ABSENT = object()
# Fields whose values are internal ids, with the kind of thing they point at and what to call them.
_ID_FIELDS = {
    "location_id": ("location", "location"),
    "floor_id": ("floor", "floor"),
    "finding_id": ("finding", "finding"),
    "finding_ids": ("finding", "findings"),
}


@dataclass(frozen=True)
class TrailNames:
    """What the audit holds now, by id, so the trail names things as a consultant knows them
    (F-012, "Servery") rather than by the internal ids the store records."""

    audit: str = ""
    findings: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, str] = field(default_factory=dict)
    floors: Mapping[str, str] = field(default_factory=dict)
    actions: Mapping[str, Sequence[str]] = field(default_factory=dict)


def trail_names(
    audit: Audit,
    locations: Iterable[Location],
    findings: Iterable[Finding],
    actions: Iterable[Action],
) -> TrailNames:
    """Return the names of the audit's current floors, locations, findings and actions."""
    return TrailNames(
        audit=audit.school.name,
        findings={f.id: f.reference or "finding without a reference" for f in findings},
        locations={location.id: location.name for location in locations},
        floors={floor.id: floor.name for floor in audit.site.floors},
        actions={action.id: tuple(action.finding_ids) for action in actions},
    )


def trail_table(
    events: Iterable[TrailEvent],
    entities: Collection[str] = (),
    operations: Collection[str] = (),
    names: TrailNames | None = None,
) -> pd.DataFrame:
    """Return the events as rows (newest first), keeping only the given entity and operation ids
    (an empty filter keeps all). Ids are named from `names`, else from the trail itself."""
    events = list(events)
    namer = _Namer(events, names)
    rows = [
        _row(event, namer)
        for event in reversed(events)
        if (not entities or event.entity in entities)
        and (not operations or event.operation in operations)
    ]
    return pd.DataFrame(rows, columns=list(TRAIL_COLUMNS))


def imported_table(
    imported: Iterable[ImportedEvent],
    entities: Collection[str] = (),
    operations: Collection[str] = (),
    names: TrailNames | None = None,
) -> pd.DataFrame:
    """Return imported history as rows like `trail_table`'s (newest first), each led by the
    short digest of the backup it came from: what a file claimed, never local history."""
    imported = list(imported)
    namer = _Namer([item.event for item in imported], names)
    rows = [
        {"Backup": item.source_sha256[:SHORT_DIGEST]} | _row(item.event, namer)
        for item in reversed(imported)
        if (not entities or item.event.entity in entities)
        and (not operations or item.event.operation in operations)
    ]
    return pd.DataFrame(rows, columns=list(IMPORTED_COLUMNS))


def imported_sources(imported: Iterable[ImportedEvent]) -> list[str]:
    """One line per restore that brought history in: which file, when, by whom, how many events."""
    counts: dict[tuple[str, Any, str], int] = {}
    for item in imported:
        key = (item.source_sha256, item.imported_at, item.imported_by)
        counts[key] = counts.get(key, 0) + 1
    return [
        f"Backup {digest[:SHORT_DIGEST]}, imported {at:%d %b %Y %H:%M} UTC by {who}: "
        f"{count} event{'s' if count != 1 else ''}"
        for (digest, at, who), count in counts.items()
    ]


def _row(event: TrailEvent, namer: _Namer) -> dict[str, Any]:
    return {
        "When": event.at,
        "Who": event.actor,
        "Entity": ENTITY_NAMES.get(event.entity, event.entity),
        "Reference": namer.entity(event.entity, event.entity_id),
        "Operation": OPERATION_NAMES.get(event.operation, event.operation),
        "Changes": describe_changes(event.changes, namer),
    }


def describe_changes(changes: dict[str, Any], namer: _Namer | None = None) -> str:
    """Return "field: old → new; …"; free text reads "changed", never its words. With a namer,
    ids read as references and names ("findings: F-001, F-004")."""
    parts = []
    for name, change in changes.items():
        label = name.replace("_", " ")
        if namer is not None and name in _ID_FIELDS:
            kind, label = _ID_FIELDS[name]
            change = _map_values(change, lambda value, kind=kind: namer.ids(kind, value))
        elif name == "site":
            change = _map_values(change, _without_floor_ids)
        parts.append(f"{label}: {_describe(change)}")
    return "; ".join(parts)


class _Namer:
    """Names ids: what the audit holds now first, then the name the trail last recorded (a
    deleted thing keeps it, marked deleted), else "deleted <kind>"."""

    def __init__(self, events: list[TrailEvent], names: TrailNames | None) -> None:
        # Without names nothing is known to be deleted: the trail's own names, else the id.
        self.current = names is not None
        self.names = names or TrailNames()
        self.recorded: dict[str, str] = {}
        self.owners: dict[str, Any] = {}
        for event in events:
            self._learn(event)

    def _learn(self, event: TrailEvent) -> None:
        for key in ("reference", "name"):
            known = _latest(event.changes.get(key))
            if isinstance(known, str) and known:
                self.recorded[event.entity_id] = known
        site = _latest(event.changes.get("site"))
        for floor in site.get("floors", []) if isinstance(site, dict) else []:
            if isinstance(floor, dict) and floor.get("id") and floor.get("name"):
                self.recorded[str(floor["id"])] = str(floor["name"])
        school = _latest(event.changes.get("school"))
        if event.entity == "audit" and isinstance(school, dict) and school.get("name"):
            self.recorded[event.entity_id] = str(school["name"])
        # A photo belongs to one finding, an action covers a list of them.
        owner_field = {"photo": "finding_id", "action": "finding_ids"}.get(event.entity)
        owner = _latest(event.changes.get(owner_field)) if owner_field else None
        if owner:
            self.owners[event.entity_id] = owner

    def one(self, kind: str, entity_id: str) -> str:
        """The name of one floor, location or finding."""
        current = {
            "finding": self.names.findings,
            "location": self.names.locations,
            "floor": self.names.floors,
        }.get(kind, {})
        if entity_id in current:
            return current[entity_id]
        if not self.current:
            return self.recorded.get(entity_id, entity_id)
        if entity_id in self.recorded:
            return f"{self.recorded[entity_id]} (deleted)"
        return f"deleted {kind}"

    def ids(self, kind: str, value: Any) -> Any:
        """Name an id field's value: one id or a list of them."""
        if isinstance(value, list):
            return [self.one(kind, str(item)) for item in value]
        return self.one(kind, value) if isinstance(value, str) and value else value

    def entity(self, entity: str, entity_id: str) -> str:
        """The Reference column: what the event changed."""
        if entity == "audit":
            return self.names.audit or self.recorded.get(entity_id, entity_id)
        if entity in ("finding", "location"):
            return self.one(entity, entity_id)
        if entity == "photo":
            owner = self.owners.get(entity_id)
            return f"photo of {self.one('finding', owner)}" if owner else "photo"
        if entity == "action":
            owners = self.names.actions.get(entity_id) or self.owners.get(entity_id)
            if not owners:
                return "deleted action" if self.current else entity_id
            gone = self.current and entity_id not in self.names.actions
            named = ", ".join(self.one("finding", str(f)) for f in owners)
            return f"{'deleted ' if gone else ''}action for {named}"
        return entity


def _map_values(change: Any, convert: Any) -> Any:
    """Apply `convert` to a change's old and new values (or to a bare value)."""
    if isinstance(change, dict) and ("old" in change or "new" in change):
        return {
            key: convert(value) if key in ("old", "new") else value for key, value in change.items()
        }
    return convert(change)


def _without_floor_ids(site: Any) -> Any:
    """A site snapshot without its floors' internal ids (their names say which floor)."""
    if not isinstance(site, dict) or not isinstance(site.get("floors"), list):
        return site
    floors = [
        {k: v for k, v in floor.items() if k != "id"} if isinstance(floor, dict) else floor
        for floor in site["floors"]
    ]
    return site | {"floors": floors}


def _describe(change: Any) -> str:
    if not isinstance(change, dict):
        return _value(change)
    if change.get("changed") is True:
        return "changed"
    old, new = change.get("old", _ABSENT), change.get("new", _ABSENT)
    context = {k: v for k, v in change.items() if k not in ("old", "new")}
    where = f"({_value(context)}) " if context else ""
    if old is _ABSENT and new is _ABSENT:
        return _value(change)
    if old is _ABSENT:
        return where + _value(new)
    if new is _ABSENT:
        return f"{where}{_value(old)} → removed"
    return f"{where}{_value(old)} → {_value(new)}"


def _value(value: Any) -> str:
    if value is None or value == [] or value == {}:
        text = "none"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = ", ".join(_value(item) for item in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def _latest(change: Any) -> Any:
    if not isinstance(change, dict):
        return None
    return change.get("new") if change.get("new") is not None else change.get("old")
