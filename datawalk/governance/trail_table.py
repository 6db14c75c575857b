"""The audit trail as a table people can read: when, who, what, and which fields changed how.

The store records each write as field → {old, new} (free text only as {changed: true}); this
module turns that into one row per event, names each entity by what a consultant knows it by
(a finding's reference, a location's name), and filters by entity and operation. Values are
plain strings for a data grid, never HTML.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd

from datawalk.models import TrailEvent

ENTITY_NAMES = {
    "audit": "Audit",
    "location": "Location",
    "finding": "Finding",
    "photo": "Photo",
    "action": "Action",
}
OPERATION_NAMES = {"create": "Created", "update": "Updated", "delete": "Deleted"}
TRAIL_COLUMNS = ("When", "Who", "Entity", "Reference", "Operation", "Changes")
VALUE_MAX = 60
_ABSENT = object()


def trail_table(
    events: Iterable[TrailEvent],
    entities: Collection[str] = (),
    operations: Collection[str] = (),
) -> pd.DataFrame:
    """Return the events as rows (newest first), keeping only the given entity and operation ids
    (an empty filter keeps all)."""
    events = list(events)
    labels = _labels(events)
    rows = [
        {
            "When": event.at,
            "Who": event.actor,
            "Entity": ENTITY_NAMES.get(event.entity, event.entity),
            "Reference": labels.get(event.entity_id, event.entity_id),
            "Operation": OPERATION_NAMES.get(event.operation, event.operation),
            "Changes": describe_changes(event.changes),
        }
        for event in reversed(events)
        if (not entities or event.entity in entities)
        and (not operations or event.operation in operations)
    ]
    return pd.DataFrame(rows, columns=list(TRAIL_COLUMNS))


def describe_changes(changes: dict[str, Any]) -> str:
    """Return "field: old → new; …"; free text reads "changed", never its words."""
    return "; ".join(
        f"{name.replace('_', ' ')}: {_describe(change)}" for name, change in changes.items()
    )


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


def _labels(events: list[TrailEvent]) -> dict[str, str]:
    """Name each entity by its latest known reference or name; a photo or action by the findings
    it belongs to. Deleted entities keep the name they had."""
    references: dict[str, str] = {}
    for event in events:
        for field in ("reference", "name"):
            known = _latest(event.changes.get(field))
            if isinstance(known, str) and known:
                references[event.entity_id] = known
        if event.entity == "audit":
            school = _latest(event.changes.get("school"))
            if isinstance(school, dict) and school.get("name"):
                references[event.entity_id] = str(school["name"])
    labels = dict(references)
    for event in events:
        owner = _latest(event.changes.get("finding_id"))
        if event.entity == "photo" and isinstance(owner, str):
            labels[event.entity_id] = f"photo of {references.get(owner, owner)}"
        owners = _latest(event.changes.get("finding_ids"))
        if event.entity == "action" and isinstance(owners, list):
            named = ", ".join(references.get(str(f), str(f)) for f in owners)
            labels[event.entity_id] = f"action for {named}"
    return labels


def _latest(change: Any) -> Any:
    if not isinstance(change, dict):
        return None
    return change.get("new") if change.get("new") is not None else change.get("old")
