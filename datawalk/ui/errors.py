"""The one place where the UI turns a `DataWalkError` into a message on screen.

The core raises; pages and callbacks catch `DataWalkError` through `user_errors()` (drawn now) or
`record_error()` (kept for the next run, for callbacks, which cannot draw in place). A
`ValidationError` with a `field` is shown at that field by `field_error()`. Any other exception
is a bug and is left to surface.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from datawalk.errors import ChecklistError, DataWalkError, ValidationError
from datawalk.ui.text import escape_message

_ERRORS_KEY = "_datawalk_errors"
GENERAL = "_general"


def message_for(exc: DataWalkError) -> str:
    """Return the user-facing text of `exc` (its message is written for the user already)."""
    if isinstance(exc, ChecklistError):
        return "The checklist has problems:\n" + "\n".join(f"- {p}" for p in exc.problems)
    return str(exc) or exc.__class__.__name__


def _draw(message: str) -> None:
    """Messages quote user text (names, file names): escaped, so none is read as Markdown."""
    st.error(escape_message(message), icon=":material/error:")


def show_error(exc: DataWalkError) -> None:
    """Draw `exc` as an error box, as plain text."""
    _draw(message_for(exc))


@contextmanager
def user_errors() -> Iterator[None]:
    """Show any DataWalkError raised inside the block where the block is; let others surface."""
    try:
        yield
    except DataWalkError as exc:
        show_error(exc)


def _scope(scope: str) -> dict[str, str]:
    return st.session_state.setdefault(_ERRORS_KEY, {}).setdefault(scope, {})


def record_error(scope: str, exc: DataWalkError) -> None:
    """Keep `exc` to show at its field (or above the scope's buttons) on the next draw."""
    field = exc.field if isinstance(exc, ValidationError) and exc.field else GENERAL
    _scope(scope)[field] = message_for(exc)


def clear_errors(scope: str, field: str | None = None) -> None:
    """Forget the scope's errors, or only those at `field` (after the user changed it)."""
    errors = _scope(scope)
    if field is None:
        errors.clear()
    else:
        errors.pop(field, None)
        errors.pop(GENERAL, None)


def field_error(scope: str, field: str) -> None:
    """Draw the error recorded at `field`, if any, right where this is called."""
    message = _scope(scope).get(field)
    if message:
        _draw(message)


def general_errors(scope: str, shown_fields: set[str]) -> None:
    """Draw errors not tied to a field that the page shows (so none is ever silently dropped)."""
    for field, message in _scope(scope).items():
        if field == GENERAL or field not in shown_fields:
            _draw(message)
