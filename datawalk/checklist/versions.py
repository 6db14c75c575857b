"""The one "newer checklist version only" rule: how a copy of a checklist stands against the copy
already in use (installed in the library, or pinned by an audit).

A lower version is never taken, by the library or by a rescore: checklists only move forward.
The same version with the same content is nothing to do. The same version with other content is
an edit someone forgot to version: the library refuses it (the author must bump the version),
while an audit pinned to the old content may still be rescored with the library's copy. Callers
word the refusal for their page; the comparison lives here only. No streamlit.
"""

from __future__ import annotations

from enum import StrEnum

from datawalk.models import PinnedChecklist


class VersionStep(StrEnum):
    """Where a candidate copy stands against the current one (same checklist id)."""

    OLDER = "older"  # a lower version: never taken
    SAME = "same"  # the same version and content: nothing to do
    EDITED = "edited"  # the same version with other content
    NEWER = "newer"  # a higher version


def version_step(current: PinnedChecklist, candidate: PinnedChecklist) -> VersionStep:
    """Return where `candidate` stands against `current`, by version, then content hash.

    Raises:
        ValueError: the two are copies of different checklists; callers refuse that first.
    """
    if candidate.id != current.id:
        raise ValueError(f"{candidate.id!r} is not a copy of checklist {current.id!r}")
    if candidate.version < current.version:
        return VersionStep.OLDER
    if candidate.version > current.version:
        return VersionStep.NEWER
    if candidate.content_hash == current.content_hash:
        return VersionStep.SAME
    return VersionStep.EDITED
