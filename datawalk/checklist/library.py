"""Adding a checklist to the library directory: the only code that writes into `checklists/`.

A library only moves forward. An upload is validated by the real loader (size cap, binary check,
no anchors or aliases, safe YAML, pydantic, cross-checks), then compared with what the directory
already holds under the same id: an older version is refused, the same version with other
content is refused (the author must bump the version), identical content changes nothing. A new
file is named from the checklist's own id and version, never from the uploaded name, and appears
whole or not at all (temporary file, fsync, `os.replace`). Nothing is executed or unpickled.

Audits are never touched: each keeps the copy it pinned until it is explicitly rescored.
This module must not import streamlit.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from datawalk.checklist import (
    CHECKLISTS_DIR,
    available_checklists,
    load_checklist,
    load_checklist_text,
    pin_checklist,
)
from datawalk.checklist.reading import decode
from datawalk.checklist.versions import VersionStep, version_step
from datawalk.errors import ChecklistError
from datawalk.vocabulary import Checklist

# Vocabulary ids are already `[a-z0-9_]`; checked again here because this name reaches the disk.
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}-v[0-9]{1,9}\.yaml$")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_SOURCE_CHARS = 80


@dataclass(frozen=True)
class Installation:
    """What adding an uploaded checklist would do, worked out before anything is written.

    `path` is the library file that holds (or will hold) it; `installed_version` the highest
    version of the same id already in the library, if any; `unchanged` says the identical
    checklist is already there, so adding it writes nothing.
    """

    checklist: Checklist
    content_hash: str
    path: Path
    installed_version: int | None
    unchanged: bool


def source_name(filename: str) -> str:
    """Return the uploaded name made safe to quote in messages: last path part, printable, short.

    It is only ever shown; the library file is named from the checklist id.
    """
    name = _UNPRINTABLE.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(name) > MAX_SOURCE_CHARS:
        name = name[: MAX_SOURCE_CHARS - 1] + "…"
    return name or "uploaded checklist"


def read_upload(data: bytes, filename: str) -> str:
    """Return the text of uploaded checklist bytes.

    Raises:
        ChecklistError: the file is too big, binary or not UTF-8 (`file:line: message`).
    """
    return decode(data, source_name(filename))


def plan_install(text: str, filename: str, directory: Path = CHECKLISTS_DIR) -> Installation:
    """Return what installing `text` into `directory` would do, writing nothing.

    Raises:
        ChecklistError: the checklist is invalid (every problem as `file:line: message`), older
            than the installed version, a changed copy of an installed version, or the library
            directory itself is broken.
    """
    source = source_name(filename)
    checklist = load_checklist_text(text, source)
    new = pin_checklist(checklist)
    installed = [pin_checklist(c) for c in _installed(Path(directory)) if c.id == checklist.id]
    path = Path(directory) / _file_name(checklist)
    label = f"{checklist.id} v{checklist.version}"
    for copy in installed:
        step = version_step(copy, new)
        if step is VersionStep.SAME:
            return Installation(checklist, new.content_hash, path, checklist.version, True)
        if step is VersionStep.EDITED:
            raise ChecklistError(
                [
                    f"{source}: {label} is already installed with different content "
                    f"(content {copy.content_hash[:12]}, upload {new.content_hash[:12]}); "
                    "bump the version to add this one"
                ]
            )
    newest = max(installed, key=lambda copy: copy.version, default=None)
    if newest is not None and version_step(newest, new) is VersionStep.OLDER:
        raise ChecklistError(
            [
                f"{source}: {label} is older than the installed v{newest.version}; "
                "the library only takes newer versions"
            ]
        )
    if path.exists():
        raise ChecklistError(
            [f"{source}: the library file {path.name} already holds another checklist; rename it"]
        )
    newest_version = newest.version if newest else None
    return Installation(checklist, new.content_hash, path, newest_version, unchanged=False)


def install_checklist(text: str, filename: str, directory: Path = CHECKLISTS_DIR) -> Checklist:
    """Validate `text` and add it to the library in `directory`; return the checklist.

    Identical content already installed is a no-op. The file is named `<id>-v<version>.yaml`.

    Raises:
        ChecklistError: as `plan_install`, or the directory cannot be written.
    """
    plan = plan_install(text, filename, directory)
    if not plan.unchanged:
        _write_atomically(plan, text)
    return plan.checklist


def _installed(directory: Path) -> list[Checklist]:
    """The library's checklists; a broken library refuses installs until it is mended."""
    if not directory.exists():
        return []
    try:
        return available_checklists(directory)
    except ChecklistError as exc:
        raise ChecklistError(
            [f"{directory}: the installed library has problems; fix them first", *exc.problems]
        ) from None


def _file_name(checklist: Checklist) -> str:
    name = f"{checklist.id}-v{checklist.version}.yaml"
    if not _SAFE_NAME.fullmatch(name):  # the model's id pattern makes this unreachable
        raise ChecklistError([f"{checklist.id!r}: id cannot name a library file"])
    return name


def _write_atomically(plan: Installation, text: str) -> None:
    """Write beside the target under a name the library never reads (`.tmp`), check it loads
    to the same content, then rename over: a reader sees no file or the whole file."""
    directory = plan.path.parent
    temporary: Path | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{plan.path.stem}.", suffix=".tmp", dir=directory)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # library files are shared configuration, not personal data
        if pin_checklist(load_checklist(temporary)).content_hash != plan.content_hash:
            raise ChecklistError([f"{plan.path.name}: the written file differs; nothing added"])
        if plan.path.exists():
            raise ChecklistError([f"{plan.path.name}: added meanwhile by someone else"])
        os.replace(temporary, plan.path)
        temporary = None
    except (OSError, UnicodeEncodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise ChecklistError([f"{directory}: cannot add the checklist ({why})"]) from exc
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
