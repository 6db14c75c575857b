"""One error hierarchy for the core; each message is written for the user who must act on it.

The core raises these and never returns error strings. The UI and the CLI translate them in one
place each.
"""

from __future__ import annotations


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


class InterchangeError(DataWalkError):
    """An imported or exported document (JSON or xlsx) is bad, hostile, or from another audit."""


class PrivacyError(DataWalkError):
    """A photo or text failed the privacy intake (not an image, too big, a decompression bomb)."""
