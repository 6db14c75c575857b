"""Turning untrusted bytes into a JSON object safely, before pydantic sees it.

Each check refuses one kind of bad or hostile input with one line a user can act on: oversized
data (before decoding), bytes that are not UTF-8, nesting deep enough to exhaust the parser's
stack, escapes no database can store (NUL, lone surrogates), duplicate keys (parsers disagree on
which wins), NaN and Infinity, truncated JSON, then the format marker and schema version.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pydantic

from datawalk.errors import InterchangeError, pydantic_problems
from datawalk.models import DOCUMENT_FORMAT, DOCUMENT_SCHEMA_VERSION

# 1: before `imported_trail`; such backups still restore (their trail becomes imported history).
# 2: before `needed_reach`; every needer then takes its default reach, which is how version 2
# scored, so such documents are read as they are.
SUPPORTED_SCHEMA_VERSIONS = frozenset({1, 2, DOCUMENT_SCHEMA_VERSION})
REPORTED_PROBLEMS = 3

# A JSON string, unrolled so the regex engine runs the common case without backtracking.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Every byte but the brackets. Multi-byte UTF-8 characters use bytes >= 0x80 only, so deleting
# these bytes can never leave half a character that looks like a bracket.
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_ONE_KIND_OF_BRACKET = bytes.maketrans(b"{}", b"[]")
# An escape counts only after an even number of backslashes; `\\u0000` is the text "\u0000".
_ESCAPE_START = r"(?<!\\)(?:\\\\)*\\u"
_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F]")
_NUL_ESCAPE = re.compile(_ESCAPE_START + "0000")
_SURROGATE_ESCAPE = re.compile(
    _ESCAPE_START + r"(?:([dD][89abAB][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?"
    r"|[dD][c-fC-F][0-9a-fA-F]{2}())"
)


def decode_document(data: bytes | str, *, max_bytes: int, max_depth: int) -> dict[str, Any]:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InterchangeError(too_big("the document", size, max_bytes))
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
    """Refuse hostile nesting before json.loads recurses into it.

    Each pass deletes every innermost pair of brackets, so the number of passes that still find
    one is the nesting depth. Every step runs in C: a flat file of millions of brackets costs one
    pass, a deep one at most `limit` passes.
    """
    outside_strings = _JSON_STRING.sub("", text).encode("utf-8")
    brackets = outside_strings.translate(_ONE_KIND_OF_BRACKET, _NOT_BRACKETS)
    for _ in range(limit):
        reduced = brackets.replace(b"[]", b"")
        if len(reduced) == len(brackets):
            return
        brackets = reduced
    if b"[]" in brackets:
        raise InterchangeError(f"nested deeper than {limit} levels; refused")


def _check_escapes(text: str) -> None:
    """Refuse escapes no database or UTF-8 file can hold: NUL and unpaired surrogates."""
    if "\\u0000" not in text and not _SURROGATE_HINT.search(text):
        return  # the common case, found by fast substring searches
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


def too_big(name: str, size: int, limit: int) -> str:
    return f"{name} is {_megabytes(size)}, over the {_megabytes(limit)} limit; refused"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size} bytes"


# --- header and schema ----------------------------------------------------------------------


def check_header(raw: dict[str, Any]) -> None:
    marker = raw.get("format")
    if marker != DOCUMENT_FORMAT:
        found = "no format marker" if marker is None else f"format {short(marker)}"
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


def summarise(exc: pydantic.ValidationError) -> str:
    """The first few pydantic errors as `json.path: message`, never echoing the input."""
    return pydantic_problems(exc, REPORTED_PROBLEMS)[1]


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def join(shown: list[str], total: int) -> str:
    """Join the problems shown, saying how many more there were."""
    extra = total - len(shown)
    return "; ".join(shown) + (f" (and {extra} more)" if extra > 0 else "")
