"""Settings → Schools in AppTest: an admin (here the no-accounts local person) sees every school
and merges two spellings of one, moving its audits; a signed-in consultant sees only their own
school, there and on the Audits page, and cannot merge."""

from __future__ import annotations

import pytest

from datawalk.accounts import sessions, users
from datawalk.models import School
from datawalk.services import Actor, Workspace
from datawalk.ui import session_gate
from datawalk.ui.server import context as context_module
from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE, sign

SECRET = "schools section test secret"
TYPO = "Larkspr Primary (fictional)"
OTHER = "Juniper Academy (fictional)"


def _second_audit(walk, name: str):
    audit = walk.audit.model_copy(
        update={"id": f"audit-{len(name)}-x1", "school": School(name=name, phase="primary")}
    )
    return walk.store.create_audit(audit, "Set-up")


def _school_table(at):
    frames = [frame.value for frame in at.dataframe]
    (table,) = [
        frame for frame in frames if "Audits" in frame.columns and "School" in frame.columns
    ]
    return table


def test_an_admin_merges_two_spellings_of_one_school(walk, open_page):
    typo = _second_audit(walk, TYPO)
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    table = _school_table(at)
    assert sorted(table["School"]) == sorted([walk.audit.school.name, TYPO])
    ids = walk.store.audit_school_ids()
    keep, gone = ids[walk.audit.id], ids[typo.id]
    at.selectbox(key="keep").set_value(keep)
    at.multiselect(key="merged").set_value([gone])
    [button] = [b for b in at.button if b.label == "Merge schools"]
    button.click().run()
    assert not at.exception
    assert walk.store.audit_school_ids()[typo.id] == keep
    assert list(_school_table(at)["School"]) == [walk.audit.school.name]
    assert any("1 audit(s) moved" in s.value for s in at.success)


@pytest.fixture
def consultant_signed_in(walk, monkeypatch):
    """A consultant of the walk's school is signed in (an admin exists too)."""
    monkeypatch.setenv("DATAWALK_SESSION_SECRET", SECRET)
    monkeypatch.setattr(context_module, "_CURRENT", [])
    workspace = Workspace(walk.store)
    operator = Actor.operator("Set-up")
    users.create_user(
        workspace, operator, display_name="Ann Admin", email="ann@example.org", role="admin"
    )
    own_school = walk.store.audit_school_ids()[walk.audit.id]
    user = users.create_user(
        workspace,
        operator,
        display_name="Cy Consultant",
        email="cy@example.org",
        role="consultant",
        school_ids=[own_school],
    ).user
    token = sessions.create_session(workspace, user.id, "tablet-device-0001").token
    cookies = {SESSION_COOKIE: sign(token, SECRET.encode()), DEVICE_COOKIE: "tablet-device-0001"}
    monkeypatch.setattr(session_gate, "request_cookies", lambda: dict(cookies))
    return user


def test_a_consultant_sees_only_their_own_school(walk, open_page, consultant_signed_in):
    other = _second_audit(walk, OTHER)
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    assert list(_school_table(at)["School"]) == [walk.audit.school.name]
    assert not [b for b in at.button if b.label == "Merge schools"]
    audits_page = open_page("audits")
    assert not audits_page.exception
    shown = " ".join(str(element.value) for element in audits_page.markdown)
    assert "Larkspur Primary" in shown and "Juniper" not in shown  # Markdown escapes ( )
    foreign = open_page("findings", audit=other.id)
    assert not foreign.exception
    page_text = " ".join(str(element.value) for element in foreign.markdown)
    assert "Juniper" not in page_text
