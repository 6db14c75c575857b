"""The role matrix at the page level (issue 13): every role against every page, opened by URL on
an audit of its own school and on one of another school.

- Another school's audit (`audit=`), or its location (`location=`) under an own audit, reads
  exactly as a missing one does: never "forbidden", and nothing of that school shows.
- On its own school's audit, a page shows what the role may and hides what it may not: a school
  viewer sees the governors edition only (no photos, no notes, no kept identifiers, no edit
  controls); a school lead updates an action's status, owner, due date and notes and accepts a
  risk, but neither walks nor writes the plan; a consultant walks; only an admin governs.
- The downloads each role is offered, and that what a role is offered it gets, in the trail.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from datawalk.accounts.roles import Role
from datawalk.models import ActionStatus
from datawalk.ui.routes import PAGES
from tests.ui.role_world import make_world

PAGE_PATHS = [route.url_path for route in PAGES]
NOT_ADMIN = [Role.CONSULTANT, Role.SCHOOL_LEAD, Role.SCHOOL_VIEWER]
MISSING_AUDIT, MISSING_LOCATION = "NoSuchAudit00000", "NoSuchPlace00000"
REFUSAL_WORDS = ("forbidden", "not allowed", "may not", "permission", "not one of your")
# Controls that change something: none is ever shown to a school viewer.
EDIT_ELEMENTS = ("button", "text_area", "file_uploader", "date_input", "time_input")


@pytest.fixture
def world(app_db, checklist, monkeypatch):
    world = make_world(app_db, checklist, monkeypatch)
    yield world
    world.workspace.close()


def _texts(at) -> str:
    """Everything the run sent to the browser, as text: every element and block, and the
    cells of every table."""
    parts: list[str] = []

    def visit(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    parts.extend(frame.value.to_csv() for frame in at.dataframe)
    return "\n".join(parts)


def _messages(at) -> list[str]:
    """The page's boxes (warnings, infos, errors), which say what became of the URL's ids."""
    return [box.value for kind in ("warning", "info", "error") for box in at.get(kind)]


def _labels(at, kind: str) -> list[str]:
    return [element.proto.label for element in at.get(kind)]


def _open(open_page, page: str, audit: str, location: str):
    at = open_page(page, audit=audit, location=location)
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


# --- another school's ids read as missing ones ------------------------------------------------


@pytest.mark.parametrize("page", PAGE_PATHS)
@pytest.mark.parametrize("role", NOT_ADMIN, ids=lambda r: r.value)
def test_another_schools_audit_reads_as_a_missing_one(world, open_page, role, page) -> None:
    world.sign_in(role)
    foreign = world.foreign
    at = _open(open_page, page, foreign.audit.id, foreign.location.id)
    missing = _open(open_page, page, MISSING_AUDIT, MISSING_LOCATION)

    text = _texts(at)
    for secret in (foreign.name, foreign.location.name, foreign.note, foreign.identifier):
        assert secret not in text, (role, page, secret)
    assert not any(word in m.lower() for m in _messages(at) for word in REFUSAL_WORDS)
    assert _messages(at) == _messages(missing), (role, page)


@pytest.mark.parametrize("page", ["walk", "findings", "dashboard", "actions"])
@pytest.mark.parametrize("role", NOT_ADMIN, ids=lambda r: r.value)
def test_another_schools_location_under_an_own_audit_is_dropped(
    world, open_page, role, page
) -> None:
    world.sign_in(role)
    at = _open(open_page, page, world.own.audit.id, world.foreign.location.id)
    missing = _open(open_page, page, world.own.audit.id, MISSING_LOCATION)
    text = _texts(at)
    assert world.foreign.location.name not in text and world.foreign.name not in text
    assert not any(word in m.lower() for m in _messages(at) for word in REFUSAL_WORDS)
    assert _messages(at) == _messages(missing)


@pytest.mark.parametrize("page", ["walk", "findings", "actions", "dashboard", "trail"])
def test_an_admin_opens_every_schools_audit(world, open_page, page) -> None:
    world.sign_in(Role.ADMIN)
    at = _open(open_page, page, world.foreign.audit.id, world.foreign.location.id)
    assert world.foreign.name in _texts(at)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("page", ["audits", "portfolio"])
def test_lists_hold_only_the_schools_in_scope(world, open_page, role, page) -> None:
    world.sign_in(role)
    at = _open(open_page, page, world.own.audit.id, world.own.location.id)
    text = _texts(at)
    assert world.own.name in text
    assert (world.foreign.name in text) == (role is Role.ADMIN)
    # Only those who walk are sent to the walk page; the others open the dashboard.
    links = [link.proto for link in at.get("page_link")]
    pages = {link.page for link in links if "audit=" in link.query_string}
    assert ("walk" in pages) == (role in (Role.ADMIN, Role.CONSULTANT)), pages


# --- what each role is shown on its own school's audit ----------------------------------------


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_a_school_viewer_sees_the_governors_edition_only(world, open_page, page) -> None:
    world.sign_in(Role.SCHOOL_VIEWER)
    at = _open(open_page, page, world.own.audit.id, world.own.location.id)
    text = _texts(at)
    own = world.own
    for secret in (own.note, own.identifier, own.action_note):
        assert secret not in text, (page, secret)
    assert "data:image" not in text, page  # no photo, not even a thumbnail
    for kind in EDIT_ELEMENTS:
        assert not at.get(kind), (page, kind, _labels(at, kind))
    assert "Legal hold" not in _labels(at, "toggle"), page
    # Nothing the page reads is refused: it asks only for what the viewer may read.
    assert not any(word in m.lower() for m in _messages(at) for word in REFUSAL_WORDS), page
    downloads = _labels(at, "download_button")
    assert "Download JSON backup" not in downloads, page
    if page == "export":
        edition = at.segmented_control(key="export_edition")
        assert edition.options == ["Governors (no photos, no notes)"]
        assert edition.value == "governors"


def test_a_school_viewer_reads_findings_and_actions_without_notes(world, open_page) -> None:
    world.sign_in(Role.SCHOOL_VIEWER)
    at = _open(open_page, "findings", world.own.audit.id, world.own.location.id)
    table = at.dataframe[0].value
    assert list(table["reference"]) == [world.own.finding.reference]
    assert "notes" not in table.columns
    at = _open(open_page, "actions", world.own.audit.id, world.own.location.id)
    assert any(world.own.action.recommendation in m.value for m in [*at.markdown, *at.text])


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_full_record_is_shown_to_those_who_read_it(world, open_page, role) -> None:
    if role is Role.SCHOOL_VIEWER:
        pytest.skip("the viewer's edition is checked above")
    world.sign_in(role)
    at = _open(open_page, "findings", world.own.audit.id, world.own.location.id)
    assert world.own.note in _texts(at)
    at = _open(open_page, "trail", world.own.audit.id, world.own.location.id)
    assert at.dataframe or at.get("table") or "created" in _texts(at).lower()


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_only_walkers_get_the_walk_page(world, open_page, role) -> None:
    """Consultants walk their assigned schools (another school's is not found, above)."""
    world.sign_in(role)
    at = _open(open_page, "walk", world.own.audit.id, world.own.location.id)
    if role in (Role.ADMIN, Role.CONSULTANT):
        assert at.get("text_area") and at.button  # the capture form, at the URL's location
        assert world.own.location.name in _texts(at)
    else:
        assert not at.get("text_area") and not at.button
        assert any("for its consultant" in m for m in _messages(at))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_audits_page_offers_each_role_its_own_controls(world, open_page, role) -> None:
    world.sign_in(role)
    at = _open(open_page, "audits", world.own.audit.id, world.own.location.id)
    buttons = _labels(at, "button")
    walker = role in (Role.ADMIN, Role.CONSULTANT)
    assert ("Create audit" in buttons) == walker
    assert ("Mark complete" in buttons) == walker
    assert ("Delete audit…" in buttons) == (role is Role.ADMIN)
    assert ("Legal hold" in _labels(at, "toggle")) == (role is Role.ADMIN)
    assert ("JSON backup (.json)" in _labels(at, "file_uploader")) == walker
    assert ("Due for deletion" in _texts(at)) == (role is Role.ADMIN)


def _action_form(at) -> dict[str, object]:
    """The one action's editor, by field label."""
    return {
        "recommendation": next((t for t in at.text_area if t.label == "Recommendation"), None),
        "notes": next((t for t in at.text_area if t.label == "Notes"), None),
        "owner": next((t for t in at.text_input if t.label == "Owner (name or role)"), None),
        "due": next((d for d in at.date_input if d.label == "Due date"), None),
        "save": next((b for b in at.button if b.label == "Save action"), None),
    }


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_action_plan_controls_by_role(world, open_page, role) -> None:
    world.sign_in(role)
    at = _open(open_page, "actions", world.own.audit.id, world.own.location.id)
    form = _action_form(at)
    buttons = _labels(at, "button")
    if role is Role.SCHOOL_VIEWER:
        assert not any(form.values())
        return
    assert all(form.values()), form
    # Writing the plan (recommendation, merging, the opinion) is the consultant's or admin's.
    planner = role in (Role.ADMIN, Role.CONSULTANT)
    assert form["recommendation"].proto.disabled == (not planner)
    assert ("Save overall opinion" in buttons) == planner


def test_a_school_lead_updates_an_action_and_accepts_a_risk(world, open_page) -> None:
    world.sign_in(Role.SCHOOL_LEAD)
    at = _open(open_page, "actions", world.own.audit.id, world.own.location.id)
    form = _action_form(at)
    due = date.today() + timedelta(days=45)
    form["owner"].input("Business manager")
    form["due"].set_value(due)
    form["notes"].input("Quote for a lockable frame asked for")
    at.segmented_control(key=_status_key(at)).set_value(ActionStatus.IN_PROGRESS)
    _action_form(at)["save"].click()
    at.run()
    assert not at.exception
    stored = _stored_action(world)
    assert (stored.owner, stored.due_date, stored.status) == (
        "Business manager",
        due,
        ActionStatus.IN_PROGRESS,
    )
    assert stored.notes == "Quote for a lockable frame asked for"
    assert _last_actor(world, stored.id) == "School lead Person"

    at = _open(open_page, "actions", world.own.audit.id, world.own.location.id)
    at.segmented_control(key=_status_key(at)).set_value(ActionStatus.RISK_ACCEPTED).run()
    at.text_area(key=_key(at, "action_reason_")).input("Poster must stay by the hatch")
    at.text_input(key=_key(at, "action_by_")).input("Head teacher")
    at.date_input(key=_key(at, "action_on_")).set_value(date.today())
    _action_form(at)["save"].click()
    at.run()
    assert not at.exception
    stored = _stored_action(world)
    assert stored.status is ActionStatus.RISK_ACCEPTED
    assert stored.accepted_by == "Head teacher"
    assert _last_actor(world, stored.id) == "School lead Person"


def test_a_consultant_saves_an_action_as_themselves(world, open_page) -> None:
    world.sign_in(Role.CONSULTANT)
    at = _open(open_page, "actions", world.own.audit.id, world.own.location.id)
    _action_form(at)["recommendation"].input("Move the poster behind the servery door")
    _action_form(at)["save"].click()
    at.run()
    assert not at.exception
    assert _stored_action(world).recommendation == "Move the poster behind the servery door"
    assert _last_actor(world, world.own.action.id) == "Consultant Person"


def _key(at, prefix: str) -> str:
    keys = [e.key for kind in ("text_area", "text_input", "date_input") for e in at.get(kind)]
    return next(k for k in keys if k and k.startswith(prefix))


def _status_key(at) -> str:
    return next(e.key for e in at.get("button_group") if (e.key or "").startswith("action_status_"))


def _stored_action(world):
    (action,) = world.workspace.reads.list_actions(world.own.audit.id)
    return action


def _trail(world) -> list:
    """The own audit's trail, read past every role's scope (as the test's own check)."""
    return world.workspace.reads.list_trail(world.own.audit.id)


def _last_actor(world, entity_id: str) -> str:
    return [e for e in _trail(world) if e.entity_id == entity_id][-1].actor


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_export_page_offers_each_role_only_the_editions_it_may(world, open_page, role) -> None:
    world.sign_in(role)
    at = _open(open_page, "export", world.own.audit.id, world.own.location.id)
    downloads = _labels(at, "download_button")
    edition = at.segmented_control(key="export_edition")
    full = role is not Role.SCHOOL_VIEWER
    assert ("Download JSON backup" in downloads) == full
    assert ("Leadership (photos and notes)" in edition.options) == full
    assert "Download PDF report" in downloads and "Download Excel workbook" in downloads
    assert ("Edited workbook (.xlsx)" in _labels(at, "file_uploader")) == full


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_offered_download_is_recorded_in_the_trail(world, open_page, role) -> None:
    """Tapping a download records it as the signed-in user: the service lets each role take
    what the page offers it (a refusal would leave no trail event)."""
    world.sign_in(role)
    at = _open(open_page, "export", world.own.audit.id, world.own.location.id)
    edition = at.segmented_control(key="export_edition").value
    keys = [button.key for button in at.get("download_button")]
    for key in keys:
        at.download_button(key=key).click().run()
        assert not at.exception
    downloads = [e for e in _trail(world) if e.operation == "download"]
    whats = [e.changes["download"] for e in downloads]
    assert len(downloads) == len(keys), whats
    assert {e.actor for e in downloads} == {world.users[role].display_name}
    assert f"PDF report, {edition} edition" in whats
    assert ("JSON backup" in whats) == (role is not Role.SCHOOL_VIEWER)


def test_a_consultant_saves_deletes_and_restores_a_finding_as_themselves(world, open_page):
    """The walk page acts as the signed-in consultant (the no-accounts person is refused)."""
    from tests.ui.walking import SAVE_KEY, TEMPLATE, cap_key

    world.sign_in(Role.CONSULTANT)
    at = _open(open_page, "walk", world.own.audit.id, world.own.location.id)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.button(key=SAVE_KEY).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    reads = world.workspace.reads
    (saved,) = [f for f in reads.list_findings(world.own.audit.id) if f.template_id == TEMPLATE]
    assert _last_actor(world, saved.id) == "Consultant Person"
    at.button(key=f"delete_{saved.id}").click().run()
    at.button(key=f"delete_yes_{saved.id}").click().run()
    assert saved.id not in [f.id for f in reads.list_findings(world.own.audit.id)]
    at.button(key="undo_delete").click().run()
    assert saved.id in [f.id for f in reads.list_findings(world.own.audit.id)]
    assert _last_actor(world, saved.id) == "Consultant Person"
