"""Every export in the trail: who took which audit out, in which format and edition, to which
file, and when; one transaction, and nothing recorded for a refused export."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datawalk.accounts.roles import Role
from datawalk.checklist import pin_checklist
from datawalk.errors import NotFoundError, PermissionDeniedError, ValidationError
from datawalk.services import Actor, Workspace, exports

ACTOR = Actor("Test Consultant")


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def audit(store, make_audit, checklist):
    return store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)


@pytest.mark.parametrize(
    ("fmt", "edition", "what"),
    [
        ("xlsx", "governors", "Excel workbook, governors edition"),
        ("xlsx", "leadership", "Excel workbook, leadership edition"),
        ("pdf", "governors", "PDF report, governors edition"),
        ("json", None, "JSON backup"),
        ("csv", None, "CSV table"),
    ],
)
def test_an_export_is_recorded_with_who_what_which_file_and_when(
    workspace, audit, fmt, edition, what
):
    before = datetime.now(UTC)
    version = workspace.reads.audit_version(audit.id)
    event = exports.record_export(workspace, ACTOR, audit.id, fmt, "walk.file", edition)
    stored = workspace.reads.list_trail(audit.id)[-1]
    assert stored == event
    assert (event.actor, event.audit_id, event.operation) == (ACTOR.name, audit.id, "download")
    assert event.changes == {"download": what, "file": "walk.file"}
    assert event.at >= before.replace(microsecond=0)
    # The trail page reads once per audit version, so an export must show there at once.
    assert workspace.reads.audit_version(audit.id) > version


@pytest.mark.parametrize(("fmt", "edition"), [("docx", None), ("xlsx", "staff")])
def test_an_unknown_format_or_edition_is_refused_and_not_recorded(workspace, audit, fmt, edition):
    count = len(workspace.reads.list_trail(audit.id))
    with pytest.raises(ValidationError):
        exports.record_export(workspace, ACTOR, audit.id, fmt, "walk.file", edition)
    assert len(workspace.reads.list_trail(audit.id)) == count


def test_an_export_of_a_missing_audit_is_not_found(workspace):
    with pytest.raises(NotFoundError):
        exports.record_export(workspace, ACTOR, "no-such-audit", "json", "walk.json")


def _viewer(workspace, audit_id: str, school_id: str | None = None) -> Actor:
    school = school_id or workspace._store.audit_school_id(audit_id)
    return Actor.for_user("A. Governor", "viewer-1", Role.SCHOOL_VIEWER, frozenset({school}))


def test_a_school_viewer_may_take_the_governors_edition_only(workspace, audit):
    viewer = _viewer(workspace, audit.id)
    event = exports.record_export(workspace, viewer, audit.id, "pdf", "r.pdf", "governors")
    assert event.actor == "A. Governor"
    count = len(workspace.reads.list_trail(audit.id))
    for fmt, edition in [("pdf", "leadership"), ("xlsx", "leadership"), ("json", None)]:
        with pytest.raises(PermissionDeniedError):
            exports.record_export(workspace, viewer, audit.id, fmt, "f", edition)
    assert len(workspace.reads.list_trail(audit.id)) == count


def test_another_schools_audit_is_not_found_and_not_recorded(workspace, audit):
    stranger = _viewer(workspace, audit.id, school_id="another-school")
    count = len(workspace.reads.list_trail(audit.id))
    with pytest.raises(NotFoundError):
        exports.record_export(workspace, stranger, audit.id, "pdf", "r.pdf", "governors")
    assert len(workspace.reads.list_trail(audit.id)) == count
