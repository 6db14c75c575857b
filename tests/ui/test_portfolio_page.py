"""The Portfolio page in AppTest (issue 17): three fictional schools, each card with its overdue
count, a link to its latest audit, levels as labelled badges; filters, sorting and due soon."""

from __future__ import annotations

from datetime import date

import pytest

from datawalk.store import Store
from tests.portfolio_schools import make_three_schools


@pytest.fixture
def schools(app_db, checklist):
    store = Store.open(app_db)
    try:
        yield make_three_schools(store, checklist, date.today())
    finally:
        store.close()


def _cards(at) -> dict[str, object]:
    """The school cards in their order, by the school name on their link."""
    cards = {}
    for block in at.main.children.values():
        if "-school_" in getattr(block.proto, "id", ""):
            label = block.get("page_link")[0].proto.label
            cards[label.replace("\\", "").strip("*")] = block
    return cards


def test_lists_three_schools_with_their_overdue_counts(open_page, schools) -> None:
    at = open_page("portfolio")
    assert not at.exception
    cards = _cards(at)
    assert sorted(cards) == sorted(schools)
    today = date.today()
    for name, school in schools.items():
        card = cards[name]
        counts = [m.value for m in card.markdown if "open action" in m.value]
        overdue = school.overdue(today)
        shown = f"**{overdue} overdue**" if overdue else "0 overdue"
        assert len(counts) == 1 and shown in counts[0], (name, counts)
        # Each side's level is a badge that carries its name, never colour alone.
        badges = [m.value for m in card.markdown if "badge[" in m.value]
        assert badges and "Worst open privacy" in badges[0] and "safeguarding" in badges[0]
        link = card.get("page_link")[0].proto
        assert f"audit={school.latest.id}" in link.query_string
        assert link.page.endswith(("walk", "dashboard"))


def test_filters_and_sorting(open_page, schools) -> None:
    at = open_page("portfolio")
    today = date.today()
    at.pills(key="portfolio_filters").set_value(["overdue"]).run()
    with_overdue = [name for name, school in schools.items() if school.overdue(today)]
    assert sorted(_cards(at)) == sorted(with_overdue)

    at.pills(key="portfolio_filters").set_value([]).run()
    at.segmented_control(key="portfolio_sort").set_value("overdue").run()
    order = list(_cards(at))
    expected = sorted(schools, key=lambda n: (-schools[n].overdue(today), n.casefold()))
    assert order == expected

    at.text_input(key="portfolio_search").set_value("cedar").run()
    assert list(_cards(at)) == ["Cedar Lane Infants (fictional)"]


def test_due_soon_and_the_calendar_downloads(open_page, schools) -> None:
    at = open_page("portfolio")
    due = at.expander[0]
    assert due.label.startswith("Due soon (")
    lines = [m.value for m in due.markdown]
    assert any("Action due" in line and "Birchwood" in line for line in lines)
    assert any("Review date" in line for line in lines)
    assert any("Walk due" in line and "Cedar" in line for line in lines)
    buttons = at.get("download_button")
    # One for every school and one for all of them.
    assert len(buttons) == len(schools) + 1


def test_an_empty_database_says_how_to_start(open_page, app_db) -> None:
    Store.open(app_db).close()  # made before the app opens it, so no sample is loaded
    at = open_page("portfolio")
    assert not at.exception
    assert any("No audits yet" in info.value for info in at.info)


def test_a_signed_in_consultant_sees_only_the_schools_in_their_scope(
    app_db, schools, open_page, monkeypatch
) -> None:
    from datawalk.accounts import sessions, users
    from datawalk.services import Actor, Workspace
    from datawalk.ui import session_gate
    from datawalk.ui.server import context as context_module
    from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE, sign

    secret, device = "portfolio test secret", "tablet-portfolio-device-01"
    monkeypatch.setenv("DATAWALK_SESSION_SECRET", secret)
    monkeypatch.setattr(context_module, "_CURRENT", [])
    store = Store.open(app_db)
    try:
        workspace = Workspace(store)
        school_of = {s.school_name: s.school_id for s in workspace.reads.list_audits()}
        scope = ["Birchwood Academy (fictional)", "Cedar Lane Infants (fictional)"]
        users.create_user(
            workspace,
            Actor.operator("Set-up"),
            display_name="Ada Admin",
            email="ada@example.org",
            role="admin",
            password="another long fictional password",
        )
        user = users.create_user(
            workspace,
            Actor.operator("Set-up"),
            display_name="Dee Consultant",
            email="dee@example.org",
            role="consultant",
            password="a long fictional password",
            school_ids=[school_of[name] for name in scope],
        ).user
        token = sessions.create_session(workspace, user.id, device).token
    finally:
        store.close()
    cookies = {SESSION_COOKIE: sign(token, secret.encode()), DEVICE_COOKIE: device}
    monkeypatch.setattr(session_gate, "request_cookies", lambda: dict(cookies))

    at = open_page("portfolio")
    assert not at.exception
    assert sorted(_cards(at)) == scope
    assert len(at.get("download_button")) == len(scope) + 1
