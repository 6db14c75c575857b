"""One error hierarchy for the core; each message is written for the user who must act on it.

The core raises these and never returns error strings. The UI and the CLI translate them in one
place each.
"""

from __future__ import annotations

from pydantic import ValidationError as PydanticValidationError


class DataWalkError(Exception):
    """Base for every error a user can cause and fix."""


class ChecklistError(DataWalkError):
    """A checklist file is unreadable or invalid; carries every problem with its file and line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ValidationError(DataWalkError):
    """Input (a form, a finding, an audit) breaks a rule; `field` names where, when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class StoreError(DataWalkError):
    """A storage operation cannot be done as asked (missing row, clash, stale version)."""


class NotFoundError(StoreError):
    """The audit, location, finding or action asked for does not exist."""


class ConflictError(StoreError):
    """The write clashes with existing data (duplicate id, stale version)."""


class DatabaseUnavailableError(StoreError):
    """The database is down, unreachable or too busy just now: nothing was written, nothing lost."""


class PermissionDeniedError(DataWalkError):
    """The actor's role may not do this (in a school of their scope: outside it, an audit is
    simply not found, so ids leak nothing)."""


class InterchangeError(DataWalkError):
    """An imported or exported document (JSON or xlsx) is bad, hostile, or from another audit."""


class PrivacyError(DataWalkError):
    """A photo or text failed the privacy intake (not an image, too big, a decompression bomb)."""


def pydantic_problems(exc: PydanticValidationError, limit: int = 3) -> tuple[str | None, str]:
    """Return the first problem's field path and one line naming the first `limit` problems.

    The one translation of pydantic's errors for people: `field.path: message`, never the input
    echoed back (it may be a pupil's details or megabytes of a file), and the rest counted.
    """
    errors = exc.errors(include_url=False, include_input=False)
    paths = [_path(error["loc"]) for error in errors]
    shown = [f"{path}: {error['msg']}" for path, error in zip(paths, errors, strict=True)]
    extra = len(shown) - limit
    line = "; ".join(shown[:limit]) + (f" (and {extra} more)" if extra > 0 else "")
    return (paths[0] if paths and paths[0] != "(value)" else None), line


def validation_error(exc: PydanticValidationError, prefix: str = "") -> ValidationError:
    """Return the user's ValidationError for a model that refused its values."""
    field, line = pydantic_problems(exc)
    return ValidationError(f"{prefix}{line}", field=field.split(".")[0] if field else None)


def _path(loc: tuple[str | int, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(value)"
