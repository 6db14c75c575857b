"""The findings listed under the walk page's form: the newest few, and all of them on request."""

from __future__ import annotations

from datawalk.checklist import checklist_from_pin, finding_from_template
from datawalk.ui.capture import CARDS_SHOWN
from tests.ui.conftest import ACTOR
from tests.ui.walking import TEMPLATE, walk_page


def _edit_buttons(at) -> list[str]:
    return [button.label for button in at.button if button.label.startswith("Edit F-")]


def test_the_newest_few_are_listed_and_show_all_lists_every_finding(open_page, walk) -> None:
    checklist = checklist_from_pin(walk.audit.checklist)
    count = CARDS_SHOWN + 2
    for _ in range(count):
        finding = finding_from_template(checklist, TEMPLATE, walk.audit.id, walk.location.id)
        walk.store.save_finding(finding, ACTOR)
    references = sorted(f.reference for f in walk.store.list_findings(walk.audit.id))

    at = walk_page(open_page, walk)
    newest = _edit_buttons(at)
    assert newest == [f"Edit {reference}" for reference in references[::-1][:CARDS_SHOWN]]

    at.toggle(key="walk_show_all").set_value(True).run()
    assert not at.exception
    assert sorted(_edit_buttons(at)) == sorted(f"Edit {reference}" for reference in references)
