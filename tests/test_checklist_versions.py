"""The one "newer checklist version only" rule: a lower version is older whatever its content,
the same version is the same copy only with the same content, and a higher version is newer;
the library and the rescore both refuse an older copy through it."""

from __future__ import annotations

import pytest

from datawalk.checklist.versions import VersionStep, version_step
from datawalk.models import PinnedChecklist


def _copy(pin: PinnedChecklist, version: int, mark: str) -> PinnedChecklist:
    return pin.model_copy(update={"version": version, "content_hash": mark * 64})


@pytest.mark.parametrize(
    ("version", "mark", "step"),
    [
        (4, "a", VersionStep.OLDER),
        (4, "b", VersionStep.OLDER),
        (5, "a", VersionStep.SAME),
        (5, "b", VersionStep.EDITED),
        (6, "a", VersionStep.NEWER),
        (6, "b", VersionStep.NEWER),
    ],
)
def test_a_copy_stands_by_version_then_content(pinned_checklist, version, mark, step):
    current = _copy(pinned_checklist, 5, "a")
    assert version_step(current, _copy(pinned_checklist, version, mark)) is step


def test_copies_of_different_checklists_are_not_compared(pinned_checklist):
    other = pinned_checklist.model_copy(update={"id": "another_list"})
    with pytest.raises(ValueError, match="another_list"):
        version_step(pinned_checklist, other)
