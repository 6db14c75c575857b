"""What changed since last walk, read as each role may (issue 13): the re-walk record is in the
governors edition, so a school viewer reads it too, without its free text; a school lead reads it
whole; another school's is "not found"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datawalk.accounts import users
from datawalk.errors import NotFoundError
from datawalk.models import AuditStatus, RewalkState
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import mark_previous_finding, start_rewalk

SETUP = Actor("Lead Consultant")
NOTE = "Poster moved behind the office door since last walk"  # fictional


@pytest.fixture
def rewalk(store):
    """The sample walk completed and walked again, one carried finding marked with a note; a
    school viewer and a school lead of its school, and a viewer of no school of it."""
    workspace = Workspace(store)
    first = set_status(workspace, SETUP, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(
        workspace, SETUP, first.id, [], walk_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    )
    item = store.rewalk_record(audit.id).items[0]
    mark_previous_finding(
        workspace, SETUP, item.id, RewalkState.RESOLVED, note=NOTE, keep_note=True
    )
    school = store.audit_school_ids()[audit.id]
    operator = Actor.operator("Set-up")
    actors = {}
    for role, schools in (("admin", []), ("school_viewer", [school]), ("school_lead", [school])):
        user = users.create_user(
            workspace, operator, display_name=f"{role} person", email=f"{role}@example.org",
            role=role, password="a long fictional password", totp_required=False,
            school_ids=schools,
        ).user  # fmt: skip
        actors[role] = users.actor_for(user)
    return workspace, audit.id, actors


def test_a_viewer_reads_the_rewalk_record_without_its_free_text(rewalk):
    workspace, audit_id, actors = rewalk
    full = workspace.reads_for(actors["school_lead"]).rewalk_record(audit_id)
    shown = workspace.reads_for(actors["school_viewer"]).rewalk_record(audit_id)
    assert NOTE in [item.note for item in full.items]
    assert [item.id for item in shown.items] == [item.id for item in full.items]
    assert [item.state for item in shown.items] == [item.state for item in full.items]
    for item in shown.items:
        assert item.note == ""
        assert not {"notes", "title", "good_practice_note", "photos"} & set(item.previous)


def test_another_schools_rewalk_record_is_not_found(rewalk, store):
    workspace, audit_id, actors = rewalk
    outsider = Actor.for_user("Other viewer", "u-outsider", actors["school_viewer"].role)
    with pytest.raises(NotFoundError):
        workspace.reads_for(outsider).rewalk_record(audit_id)
