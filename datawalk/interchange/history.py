"""Bounds on the history a backup carries: its `trail` and `imported_trail` events.

A file's events are claims, never local history (the store keeps them apart as imported
history), but they are still stored and shown, so each is bounded: every string in it, its
serialized size, and the number and total size of a file's events. A file over any bound is
refused with one line naming the event, before anything is written or any photo re-redacted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from datawalk.errors import InterchangeError
from datawalk.interchange.decoding import short
from datawalk.models import AuditDocument, TrailEvent

MAX_ID_CHARS = 64  # event and entity ids: what the store's id columns hold
MAX_STRING_CHARS = 1_000  # any string in an event; the trail keeps names and ids, never free text
MAX_EVENT_BYTES = 16_000  # one event as JSON: a few KB, room for an action covering many findings
MAX_EVENTS = 100_000  # trail plus imported history in one file
MAX_HISTORY_BYTES = 50_000_000  # all of a file's events as JSON

HISTORY_SECTIONS = ("trail", "imported_trail")


def file_sha256(data: bytes | str) -> str:
    """The SHA-256 of a backup as it was read (text is hashed as UTF-8): what marks its history."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(raw).hexdigest()


def check_event_count(raw: dict[str, Any]) -> None:
    """Refuse a file with more events than any audit makes, before the schema reads them all."""
    count = sum(len(raw[key]) for key in HISTORY_SECTIONS if isinstance(raw.get(key), list))
    if count > MAX_EVENTS:
        raise InterchangeError(
            f"the file holds {count:,} trail events, over the {MAX_EVENTS:,} limit; refused"
        )


def check_history(doc: AuditDocument) -> None:
    """Refuse the document if any trail event, or its history as a whole, is over its bounds.

    Raises:
        InterchangeError: one line naming the first event over a bound.
    """
    total = 0
    for where, event in _events(doc):
        size = _check_event(where, event)
        total += size
        if total > MAX_HISTORY_BYTES:
            raise InterchangeError(
                f"the file's trail events pass {MAX_HISTORY_BYTES // 1_000_000} MB at {where}; "
                "refused"
            )


def _events(doc: AuditDocument) -> Iterator[tuple[str, TrailEvent]]:
    for index, event in enumerate(doc.trail):
        yield f"trail[{index}] (event {short(event.id)})", event
    for index, item in enumerate(doc.imported_trail):
        where = f"imported_trail[{index}] (event {short(item.event.id)})"
        if item.event.audit_id != doc.audit.id:
            raise InterchangeError(
                f"{where}: audit_id {short(item.event.audit_id)} is not audit.id"
            )
        yield where, item.event


def _check_event(where: str, event: TrailEvent) -> int:
    """Return the event's size as JSON after checking its ids, strings and size."""
    for name in ("id", "audit_id", "entity_id"):
        value = getattr(event, name)
        if len(value) > MAX_ID_CHARS:
            raise InterchangeError(
                f"{where}: {name} is {len(value):,} characters, over the {MAX_ID_CHARS} limit; "
                "refused"
            )
    for path, length in _long_strings(event.changes, "changes"):
        raise InterchangeError(
            f"{where}: {path} is {length:,} characters, over the {MAX_STRING_CHARS:,} limit; "
            "refused"
        )
    size = len(json.dumps(event.model_dump(mode="json"), ensure_ascii=False).encode("utf-8"))
    if size > MAX_EVENT_BYTES:
        raise InterchangeError(
            f"{where} is {size:,} bytes as JSON, over the {MAX_EVENT_BYTES:,} limit; refused"
        )
    return size


def _long_strings(value: Any, path: str) -> Iterator[tuple[str, int]]:
    """Yield (path, length) of every string, keys included, longer than the limit."""
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            yield path, len(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if len(key) > MAX_STRING_CHARS:
                yield f"{path} key {short(key)}", len(key)
            yield from _long_strings(item, f"{path}.{key if len(key) <= 30 else key[:27] + '...'}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _long_strings(item, f"{path}[{index}]")
