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
