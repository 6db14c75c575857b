"""Uploads: the capped file uploader, and the one upload → preview → apply panel that every file
which changes DataWalk goes through (an edited workbook, a backup to restore, a checklist).

The panel refuses a file of the wrong type or over its limit with one clear error before
reading it, builds the preview once per file (and scope, e.g. the open audit), lets the caller
draw it, and offers the apply button only when the caller says there is something to apply.
Apply calls the service; its success is flashed after a rerun, with the uploader emptied (its
key carries a round number bumped after each apply), and a refusal says nothing was changed.
`datawalk.ui.widgets` re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from datawalk.errors import DataWalkError, ValidationError
from datawalk.ui import errors, state

P = TypeVar("P")
MEGABYTE = 1_000_000


def upload_limit_mb(max_bytes: int, megabyte: int = MEGABYTE) -> int:
    """Return the intake's byte limit in whole MB, as one number for the uploader's own cap and
    its text, so the widget, the page and the intake that checks the file never disagree."""
    return max(1, round(max_bytes / megabyte))


def limited_uploader(
    label: str, *, max_bytes: int, megabyte: int = MEGABYTE, help: str = "", **kwargs: Any
) -> Any:
    """`st.file_uploader` capped at what the intake for its kind of file accepts (`max_bytes`,
    from the core module that checks that kind), with the limit in its help text."""
    limit = upload_limit_mb(max_bytes, megabyte)
    text = f"{help} Up to {limit} MB per file.".strip()
    return st.file_uploader(label, max_upload_size=limit, help=text, **kwargs)


@dataclass(frozen=True)
class Upload:
    """The uploader of a panel. `key` names its widgets and state (`{key}_upload_{round}`);
    `scope` is what a preview belongs to besides the file (e.g. the open audit's id)."""

    key: str
    label: str
    types: Sequence[str]
    max_bytes: int
    help: str = ""
    megabyte: int = MEGABYTE
    scope: str = ""


@dataclass(frozen=True)
class Apply:
    """The apply button under a preview: `run` calls the service and returns the message to
    show once it has worked; a `DataWalkError` from it is shown and changes nothing."""

    label: str
    key: str
    run: Callable[[], str]
    icon: str | None = None


def shown_name(filename: str) -> str:
    """The uploaded file's name fit to quote: no folders, no control characters, not too long."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return (name[:79] + "…" if len(name) > 80 else name) or "The file"


def refuse(error: DataWalkError) -> None:
    """The default refusal: the error as plain text, and that nothing was changed."""
    errors.show_error(error)
    st.info("Nothing was changed.")


def check_upload(upload: Upload, file: UploadedFile) -> None:
    """Refuse a file of another type or over the limit before anything reads it.

    Raises:
        ValidationError: the file's extension is not one of `upload.types`, or it is too large.
    """
    name = shown_name(file.name)
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in {t.lower().lstrip(".") for t in upload.types}:
        kinds = " or ".join(f".{t}" for t in upload.types)
        raise ValidationError(f"{name} is not a {kinds} file.", field="upload")
    if file.size > upload.max_bytes:
        limit = upload_limit_mb(upload.max_bytes, upload.megabyte)
        size = file.size / upload.megabyte
        raise ValidationError(
            f"{name} is {size:.1f} MB; files here may be up to {limit} MB.", field="upload"
        )


def upload_preview_apply(
    upload: Upload,
    preview: Callable[[UploadedFile], P],
    show: Callable[[P], Apply | None],
    on_refusal: Callable[[DataWalkError], None] = refuse,
) -> None:
    """Draw the uploader; for a file, its preview (built by `preview` once per file and scope,
    drawn by `show`) and the apply button `show` returns, if any.

    `preview` raises `DataWalkError` to refuse the file; `on_refusal` draws any refusal.
    """
    round_key, pending_key = f"_{upload.key}_upload_round", f"_{upload.key}_pending"
    upload_round = st.session_state.get(round_key, 0)
    file = limited_uploader(
        upload.label,
        max_bytes=upload.max_bytes,
        megabyte=upload.megabyte,
        help=upload.help,
        type=list(upload.types),
        key=f"{upload.key}_upload_{upload_round}",
    )
    if file is None:
        st.session_state.pop(pending_key, None)
        return
    token = (file.file_id, upload.scope)
    pending = st.session_state.get(pending_key)
    if pending is None or pending[0] != token:
        st.session_state.pop(pending_key, None)
        try:
            check_upload(upload, file)
            pending = (token, preview(file))
        except DataWalkError as error:
            on_refusal(error)
            return
        st.session_state[pending_key] = pending
    offer = show(pending[1])
    if offer is None or not st.button(offer.label, key=offer.key, type="primary", icon=offer.icon):
        return
    try:
        message = offer.run()
    except DataWalkError as error:
        on_refusal(error)
        return
    st.session_state.pop(pending_key, None)
    st.session_state[round_key] = upload_round + 1
    state.flash(message)
    st.rerun()
