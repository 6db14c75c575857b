"""JSON interchange of one audit: the format of backups, of `sample_data/` and of `score` input.

`dump_document` writes an `AuditDocument` as deterministic JSON (photos base64, fixed key order) so
the same audit always gives the same bytes, whatever database it came from. `parse_document` is
the single door for untrusted documents: size before anything else, then encoding, nesting, the
format marker and schema version (`decoding`), the pydantic schema, then links between records,
picture bytes, the pinned checklist's vocabulary and photo redaction (`checks`). Each refusal is
one `InterchangeError` line a user can act on. Scores are never trusted from a file.

This package must not touch the database or import streamlit; the store imports documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pydantic

from datawalk.checklist import checklist_from_pin
from datawalk.errors import InterchangeError
from datawalk.interchange.checks import (
    PhotoProgress,
    check_pinned_checklist,
    image_problems,
    raise_problems,
    reference_problems,
    reintake_photos,
)
from datawalk.interchange.decoding import (
    SUPPORTED_SCHEMA_VERSIONS,
    check_header,
    decode_document,
    summarise,
    too_big,
)
from datawalk.interchange.history import check_event_count, check_history, file_sha256
from datawalk.models import AuditDocument
from datawalk.scoring import score_findings
from datawalk.vocabulary import Checklist

DEFAULT_MAX_BYTES = 200_000_000  # 200 MB: far above any real walk, photos included
MAX_DEPTH = 64

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "SUPPORTED_SCHEMA_VERSIONS",
    "Backup",
    "attach_scores",
    "document_json_schema",
    "dump_document",
    "parse_backup",
    "parse_document",
    "read_backup",
    "read_document",
]


@dataclass(frozen=True)
class Backup:
    """A parsed document and the SHA-256 of the bytes it came from, which marks the history
    it brings in (its trail is kept as imported history under this digest, never as local)."""

    document: AuditDocument
    sha256: str


def dump_document(doc: AuditDocument) -> str:
    """Return the document as indented JSON with a stable key order, non-ASCII kept as typed.

    Top-level keys keep the model's order (format marker first); keys below are sorted, because
    free-form dicts (the pinned checklist, trail changes) would otherwise depend on how a database
    returned them, and a backup of an unchanged audit must not change.
    """
    data = doc.model_dump(mode="json")
    ordered = {key: _sort_keys(value) for key, value in data.items()}
    return json.dumps(ordered, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def parse_document(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    rescore: bool = True,
    progress: PhotoProgress | None = None,
) -> AuditDocument:
    """Return the validated audit document held in `data`, with scores recomputed (see
    `parse_backup`, which also gives the file's SHA-256)."""
    return parse_backup(
        data, max_bytes=max_bytes, max_depth=max_depth, rescore=rescore, progress=progress
    ).document


def parse_backup(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    rescore: bool = True,
    progress: PhotoProgress | None = None,
) -> Backup:
    """Return the validated audit document held in `data`, with scores recomputed, and the
    SHA-256 of `data`.

    Trail events are bounded per event and per file (`history`) before any photo is touched.

    Every photo goes through the privacy intake again and is flagged for review, whatever
    redaction record the file claims; `progress` hears of each one, since each takes seconds.

    Raises:
        InterchangeError: one line saying what is wrong and where, for any bad, truncated,
            hostile or oversized input.
    """
    raw = decode_document(data, max_bytes=max_bytes, max_depth=max_depth)
    check_header(raw)
    check_event_count(raw)
    try:
        doc = AuditDocument.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise InterchangeError(f"not a valid audit document: {summarise(exc)}") from None
    check_history(doc)
    raise_problems("inconsistent audit document", reference_problems(doc))
    raise_problems("holds a file that is not the picture it claims", image_problems(doc))
    checklist = check_pinned_checklist(doc)
    doc = reintake_photos(doc, progress).model_copy(update={"scores": []})
    return Backup(attach_scores(doc, checklist) if rescore else doc, file_sha256(data))


def read_document(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> AuditDocument:
    """Return the audit document in the file at `path` (see `read_backup`)."""
    return read_backup(path, max_bytes=max_bytes).document


def read_backup(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Backup:
    """Return the audit document in the file at `path` and the file's SHA-256, refusing
    oversized files before reading.

    Raises:
        InterchangeError: the file is missing, unreadable, too big or not a valid document.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InterchangeError(too_big(path.name, size, max_bytes))
        with path.open("rb") as handle:
            # Read one byte past the limit: a file growing while we read is still refused.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InterchangeError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return parse_backup(data, max_bytes=max_bytes)
    except InterchangeError as exc:
        raise InterchangeError(f"{path.name}: {exc}") from None


def document_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the audit document (what `python -m datawalk schema` prints)."""
    return AuditDocument.model_json_schema()


def attach_scores(
    doc: AuditDocument, checklist: Checklist | None = None, *, today: date | None = None
) -> AuditDocument:
    """Return a copy of `doc` whose `scores` are freshly computed from its findings.

    The audit's pinned checklist is used unless another is given, so an old audit is scored by the
    rules it was made under. Review dates are judged on the walk date unless `today` is given: a
    finding records what the walk saw, and an export must not change with the calendar. A
    checklist without a scoring section gives no scores.
    """
    if checklist is None:
        checklist = checklist_from_pin(doc.audit.checklist)
    if checklist.scoring is None:
        return doc.model_copy(update={"scores": []})
    places = {location.id: location.location_type for location in doc.locations}
    day = today or doc.audit.walk_at.date()
    scored = score_findings(doc.findings, checklist, today=day, places=places)
    return doc.model_copy(update={"scores": [item.model_dump(mode="json") for item in scored]})


def _sort_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sort_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sort_keys(item) for item in value]
    return value
