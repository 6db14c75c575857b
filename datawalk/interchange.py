"""JSON interchange of one audit: the format of backups, of `sample_data/` and of `score` input.

`dump_document` writes an `AuditDocument` as deterministic JSON (photos base64, fixed key order) so
the same audit always gives the same bytes, whatever database it came from. `parse_document` is
the single door for untrusted documents: it checks size before reading, then encoding, nesting,
the format marker and schema version, the pydantic schema, references between records and the
vocabulary of the pinned checklist, and raises `InterchangeError` with one line a user can act
on. Scores are never trusted from a file: they are recomputed from the findings.

This module must not touch the database or import streamlit; the store imports documents.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pydantic

from datawalk.checklist import checklist_from_pin
from datawalk.errors import ChecklistError, InterchangeError, PrivacyError, ValidationError
from datawalk.models import (
    DOCUMENT_FORMAT,
    DOCUMENT_SCHEMA_VERSION,
    AuditDocument,
)
from datawalk.validation import validate_finding, validate_location
from datawalk.vocabulary import Checklist

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_DEPTH = 64
SUPPORTED_SCHEMA_VERSIONS = frozenset({DOCUMENT_SCHEMA_VERSION})
_REPORTED_PROBLEMS = 3

# A JSON string, unrolled so the regex engine runs the common case without backtracking.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
# An escape counts only after an even number of backslashes; `\\u0000` is the text "\u0000".
_ESCAPE_START = r"(?<!\\)(?:\\\\)*\\u"
_NUL_ESCAPE = re.compile(_ESCAPE_START + "0000")
_SURROGATE_ESCAPE = re.compile(
    _ESCAPE_START + r"(?:([dD][89abAB][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?"
    r"|[dD][c-fC-F][0-9a-fA-F]{2}())"
)


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
) -> AuditDocument:
    """Return the validated audit document held in `data`, with scores recomputed.

    Raises:
        InterchangeError: one line saying what is wrong and where, for any bad, truncated,
            hostile or oversized input.
    """
    raw = _decoded_document(data, max_bytes=max_bytes, max_depth=max_depth)
    _check_header(raw)
    try:
        doc = AuditDocument.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise InterchangeError(f"not a valid audit document: {_summarise(exc)}") from None
    _raise_problems("inconsistent audit document", _reference_problems(doc))
    _raise_problems("holds a file that is not the picture it claims", _image_problems(doc))
    checklist = _check_pinned_checklist(doc)
    doc = _redacted(doc).model_copy(update={"scores": []})
    return attach_scores(doc, checklist) if rescore else doc


def read_document(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> AuditDocument:
    """Return the audit document in the file at `path`, refusing oversized files before reading.

    Raises:
        InterchangeError: the file is missing, unreadable, too big or not a valid document.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InterchangeError(_too_big(path.name, size, max_bytes))
        with path.open("rb") as handle:
            # Read one byte past the limit: a file growing while we read is still refused.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InterchangeError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return parse_document(data, max_bytes=max_bytes)
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
    finding records what the walk saw, and an export must not change with the calendar.
    Until the scoring module is installed, scores are left empty.
    """
    score_findings = _optional("datawalk.scoring", "score_findings")
    if score_findings is None:
        return doc.model_copy(update={"scores": []})
    if checklist is None:
        checklist = checklist_from_pin(doc.audit.checklist)
    if checklist.scoring is None:
        return doc.model_copy(update={"scores": []})
    scored = score_findings(doc.findings, checklist, today=today or doc.audit.walk_at.date())
    return doc.model_copy(update={"scores": [_as_json(item) for item in scored]})


# --- decoding -------------------------------------------------------------------------------


def _decoded_document(data: bytes | str, *, max_bytes: int, max_depth: int) -> dict[str, Any]:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InterchangeError(_too_big("the document", size, max_bytes))
    if size == 0:
        raise InterchangeError("the file is empty, not an audit document")
    text = _as_text(data)
    _check_depth(text, max_depth)
    _check_escapes(text)
    try:
        raw = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise InterchangeError(_json_problem(exc, text)) from None
    except RecursionError:
        raise InterchangeError(f"nested deeper than {max_depth} levels; refused") from None
    except ValueError:  # Python refuses integers with thousands of digits
        raise InterchangeError(
            "the document holds a number with too many digits; refused"
        ) from None
    if not isinstance(raw, dict):
        raise InterchangeError("not an audit document: expected a JSON object at the top level")
    return raw


def _as_text(data: bytes | str) -> str:
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise InterchangeError(
                "the text holds characters UTF-8 cannot encode; refused"
            ) from None
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InterchangeError(
            f"not UTF-8 text (bad byte at offset {exc.start}); is this a JSON backup?"
        ) from None


def _check_depth(text: str, limit: int) -> None:
    """Refuse hostile nesting before json.loads recurses into it."""
    depth = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                raise InterchangeError(f"nested deeper than {limit} levels; refused")
        else:
            depth -= 1


def _check_escapes(text: str) -> None:
    """Refuse escapes no database or UTF-8 file can hold: NUL and unpaired surrogates."""
    if _NUL_ESCAPE.search(text):
        raise InterchangeError("the document contains a NUL character (\\u0000); refused")
    for match in _SURROGATE_ESCAPE.finditer(text):
        high, low = match.group(1), match.group(2)
        if high is None or low is None:
            raise InterchangeError("the document contains an unpaired surrogate escape; refused")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse duplicate keys: JSON parsers disagree on which one wins, so a file could mislead."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InterchangeError(f"duplicate key {key!r} in a JSON object; refused")
        result[key] = value
    return result


def _no_constants(name: str) -> None:
    raise InterchangeError(f"{name} is not valid JSON; refused")


def _json_problem(exc: json.JSONDecodeError, text: str) -> str:
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return f"the JSON ends too early (line {exc.lineno}); the file looks truncated"
    return f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"


def _too_big(name: str, size: int, limit: int) -> str:
    return f"{name} is {_megabytes(size)}, over the {_megabytes(limit)} limit; refused"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size} bytes"


# --- header and schema ----------------------------------------------------------------------


def _check_header(raw: dict[str, Any]) -> None:
    marker = raw.get("format")
    if marker != DOCUMENT_FORMAT:
        found = "no format marker" if marker is None else f"format {_short(marker)}"
        raise InterchangeError(
            f"not a DataWalk audit document ({found}; expected format {DOCUMENT_FORMAT!r})"
        )
    version = raw.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InterchangeError("the document has no whole-number schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        newest = max(SUPPORTED_SCHEMA_VERSIONS)
        hint = "; update DataWalk to read it" if version > newest else ""
        raise InterchangeError(
            f"unsupported schema_version {version}: this DataWalk reads version {newest}{hint}"
        )


def _summarise(exc: pydantic.ValidationError) -> str:
    """The first few pydantic errors as `json.path: message`, never echoing the input."""
    errors = exc.errors(include_url=False, include_input=False)
    shown = [f"{_json_path(error['loc'])}: {error['msg']}" for error in errors[:_REPORTED_PROBLEMS]]
    return _join(shown, len(errors))


def _json_path(loc: Iterable[str | int]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- references -----------------------------------------------------------------------------


def _reference_problems(doc: AuditDocument) -> Iterator[str]:
    """Yield every broken link between records; the schema alone cannot see these."""
    audit_id = doc.audit.id
    floor_ids = {floor.id for floor in doc.audit.site.floors}
    location_ids = {location.id for location in doc.locations}
    finding_ids = {finding.id for finding in doc.findings}
    yield from _duplicates("locations", [item.id for item in doc.locations], "id")
    yield from _duplicates("findings", [item.id for item in doc.findings], "id")
    yield from _duplicates("actions", [item.id for item in doc.actions], "id")
    yield from _duplicates("trail", [item.id for item in doc.trail], "id")
    photo_ids = [photo.id for finding in doc.findings for photo in finding.photos]
    yield from _duplicates("photos", photo_ids, "id")
    references = [item.reference for item in doc.findings if item.reference]
    yield from _duplicates("findings", references, "reference")
    for section, records in (
        ("locations", doc.locations),
        ("findings", doc.findings),
        ("actions", doc.actions),
        ("trail", doc.trail),
    ):
        for index, record in enumerate(records):
            if record.audit_id != audit_id:
                yield f"{section}[{index}].audit_id {_short(record.audit_id)} is not audit.id"
    for index, location in enumerate(doc.locations):
        if location.floor_id is not None and location.floor_id not in floor_ids:
            floor = _short(location.floor_id)
            yield f"locations[{index}].floor_id {floor} is not a floor of the site"
    for index, finding in enumerate(doc.findings):
        if finding.location_id not in location_ids:
            yield f"findings[{index}].location_id {_short(finding.location_id)} is not a location"
    for index, action in enumerate(doc.actions):
        for position, finding_id in enumerate(action.finding_ids):
            if finding_id not in finding_ids:
                where = f"actions[{index}].finding_ids[{position}]"
                yield f"{where} {_short(finding_id)} is not a finding"


def _duplicates(section: str, values: list[str], field: str) -> Iterator[str]:
    for value, count in Counter(values).items():
        if count > 1:
            yield f"{section}: {field} {_short(value)} appears {count} times"


def _raise_problems(prefix: str, problems: Iterable[str]) -> None:
    found = list(problems)
    if found:
        raise InterchangeError(f"{prefix}: {_join(found[:_REPORTED_PROBLEMS], len(found))}")


def _join(shown: list[str], total: int) -> str:
    extra = total - len(shown)
    return "; ".join(shown) + (f" (and {extra} more)" if extra > 0 else "")


# --- pictures -------------------------------------------------------------------------------

_SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


def _image_problems(doc: AuditDocument) -> Iterator[str]:
    """Yield pictures whose bytes do not start as their media type says (base64 of anything)."""
    for index, floor in enumerate(doc.audit.site.floors):
        if floor.plan and not floor.plan.data.startswith(_SIGNATURES[floor.plan.media_type]):
            yield f"audit.site.floors[{index}].plan.data is not a {floor.plan.media_type} image"
    for index, finding in enumerate(doc.findings):
        for position, photo in enumerate(finding.photos):
            if not photo.data.startswith(_SIGNATURES[photo.media_type]):
                where = f"findings[{index}].photos[{position}].data"
                yield f"{where} is not a {photo.media_type} image"


def _redacted(doc: AuditDocument) -> AuditDocument:
    """Send photos that never went through the intake (no redaction record) through it now.

    A DataWalk backup's photos carry their record and come back byte for byte; a photo from
    elsewhere is redacted and flagged for review, so no import path stores an unredacted face.
    """
    if all(photo.redaction for finding in doc.findings for photo in finding.photos):
        return doc
    # Imported here, not at the top: the intake loads OpenCV, which most commands never need.
    from datawalk.privacy import ensure_redacted

    findings = []
    for index, finding in enumerate(doc.findings):
        photos = []
        for position, photo in enumerate(finding.photos):
            try:
                photos.append(ensure_redacted(photo))
            except PrivacyError as exc:
                raise InterchangeError(f"findings[{index}].photos[{position}]: {exc}") from None
        findings.append(finding.model_copy(update={"photos": photos}))
    return doc.model_copy(update={"findings": findings})


# --- the pinned checklist -------------------------------------------------------------------


def _check_pinned_checklist(doc: AuditDocument) -> Checklist:
    """Return the audit's pinned checklist after checking it is intact and that every vocabulary
    id in the walk exists in it; an old audit is judged by the checklist it was made with."""
    try:
        checklist = checklist_from_pin(doc.audit.checklist)
    except ChecklistError as exc:
        raise InterchangeError(
            f"the audit's checklist copy is unusable: {exc.problems[0]}"
        ) from None
    problems: list[str] = []
    for section, records, validate in (
        ("locations", doc.locations, validate_location),
        ("findings", doc.findings, validate_finding),
    ):
        for index, record in enumerate(records):
            try:
                validate(record, checklist)
            except ValidationError as exc:
                where = f"{section}[{index}]" + (f".{exc.field}" if exc.field else "")
                problems.append(f"{where}: {exc}")
    _raise_problems("does not match its checklist", problems)
    return checklist


# --- helpers --------------------------------------------------------------------------------


def _optional(module_name: str, attribute: str) -> Any:
    """Return a function from a sibling module that may not be installed yet, else None."""
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    return getattr(module, attribute, None)


def _as_json(item: Any) -> dict[str, Any]:
    if isinstance(item, pydantic.BaseModel):
        return item.model_dump(mode="json")
    return json.loads(json.dumps(item, default=str))


def _sort_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sort_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sort_keys(item) for item in value]
    return value
