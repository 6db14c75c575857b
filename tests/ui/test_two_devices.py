"""Two tablets on one location in AppTest: each keeps its own draft, the same person's draft on
their other device is offered (open it or keep it), an edit link never loads another tablet's
unsaved notes, and a save from an out-of-date edit is refused with who changed it and when.

Each AppTest session plays one tablet: the device its `datawalk_device` cookie would name is
set on `state.device` before each of its runs (AppTest sends no cookies)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from datawalk.editing import DraftHolder, other_device_message, stale_message
from datawalk.ui import state
from datawalk.ui.capture import SAVE_KEY
from datawalk.ui.capture_others import KEEP_ELSEWHERE_KEY, OPEN_ELSEWHERE_KEY, THEIR_VERSION_KEY
from tests.ui.conftest import ACTOR
from tests.ui.walking import TEMPLATE, cap_key, errors_of, walk_page

TABLET_A = "tablet-a-0000001"
TABLET_B = "tablet-b-0000002"


class Tablets:
    """Runs each AppTest session as the tablet it stands for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.device = TABLET_A
        monkeypatch.setattr(state, "device", lambda: self.device)

    def on(self, device: str) -> Tablets:
        self.device = device
        return self


@pytest.fixture
def tablets(monkeypatch) -> Tablets:
    return Tablets(monkeypatch)


def notes(at: AppTest) -> str:
    return at.text_area(key=cap_key(at, "notes")).value


def type_notes(at: AppTest, text: str) -> AppTest:
    return at.text_area(key=cap_key(at, "notes")).input(text).run()


def test_each_tablet_keeps_its_own_draft_and_a_save_on_one_leaves_the_other(
    open_page, walk, tablets
) -> None:
    a = walk_page(open_page, walk)
    a.pills(key=cap_key(a, "template_id")).set_value(TEMPLATE).run()
    type_notes(a, "Half typed on tablet A")

    tablets.on(TABLET_B)
    b = walk_page(open_page, walk)
    assert notes(b) == ""  # A's unsaved work is not shown on B
    b.pills(key=cap_key(b, "template_id")).set_value(TEMPLATE).run()
    type_notes(b, "Saved from tablet B")
    b.button(key=SAVE_KEY).click().run()
    (saved,) = walk.store.list_findings(walk.audit.id)
    assert saved.notes == "Saved from tablet B"

    # B's save emptied B's form only: A's draft is still A's, on reload too.
    tablets.on(TABLET_A)
    stored = walk.store.load_draft(
        walk.audit.id, walk.location.id, holder=DraftHolder(ACTOR, TABLET_A)
    )
    assert stored["notes"] == "Half typed on tablet A"
    a = walk_page(open_page, walk)
    assert notes(a) == "Half typed on tablet A"


def test_a_draft_on_the_other_device_is_offered_then_opened(open_page, walk, tablets) -> None:
    a = walk_page(open_page, walk)
    type_notes(a, "Started on the iPad")
    (draft,) = walk.store.drafts_elsewhere(
        walk.audit.id, walk.location.id, holder=DraftHolder(ACTOR, TABLET_B)
    )

    tablets.on(TABLET_B)
    b = walk_page(open_page, walk)
    assert notes(b) == ""  # offered, never loaded unasked
    assert other_device_message(draft.updated_at) in [str(w.value) for w in b.warning]
    b.button(key=OPEN_ELSEWHERE_KEY).click().run()

    assert notes(b) == "Started on the iPad"
    assert not [w for w in b.warning if "other device" in str(w.value)]
    # The draft moved: one draft, on the device it is now open on.
    here = walk.store.load_draft(
        walk.audit.id, walk.location.id, holder=DraftHolder(ACTOR, TABLET_B)
    )
    there = walk.store.load_draft(
        walk.audit.id, walk.location.id, holder=DraftHolder(ACTOR, TABLET_A)
    )
    assert (here["notes"], there) == ("Started on the iPad", None)


def test_keep_it_leaves_the_other_devices_draft_where_it_is(open_page, walk, tablets) -> None:
    a = walk_page(open_page, walk)
    type_notes(a, "Started on the iPad")

    tablets.on(TABLET_B)
    b = walk_page(open_page, walk)
    type_notes(b, "Something else here")
    # This form holds work of its own: opening the other draft waits until it is saved or cleared.
    assert b.button(key=OPEN_ELSEWHERE_KEY).disabled
    b.button(key=KEEP_ELSEWHERE_KEY).click().run()

    assert not [w for w in b.warning if "other device" in str(w.value)]
    assert notes(b) == "Something else here"
    there = walk.store.load_draft(
        walk.audit.id, walk.location.id, holder=DraftHolder(ACTOR, TABLET_A)
    )
    assert there["notes"] == "Started on the iPad"


def test_opening_a_finding_another_tablet_is_editing_shows_only_what_is_saved(
    open_page, walk, tablets
) -> None:
    a = walk_page(open_page, walk)
    a.pills(key=cap_key(a, "template_id")).set_value(TEMPLATE).run()
    type_notes(a, "Saved text")
    a.button(key=SAVE_KEY).click().run()
    (finding,) = walk.store.list_findings(walk.audit.id)
    a = walk_page(open_page, walk, finding=finding.id)
    type_notes(a, "A's unsaved change")

    tablets.on(TABLET_B)
    b = walk_page(open_page, walk, finding=finding.id)
    assert notes(b) == "Saved text"
    b.button(key=SAVE_KEY).click().run()
    assert walk.store.get_finding(finding.id).notes == "Saved text"  # nothing of A's published


def test_a_stale_edit_is_refused_with_who_and_when_and_their_version_opens(
    open_page, walk, tablets
) -> None:
    a = walk_page(open_page, walk)
    a.pills(key=cap_key(a, "template_id")).set_value(TEMPLATE).run()
    type_notes(a, "First words")
    a.button(key=SAVE_KEY).click().run()
    (finding,) = walk.store.list_findings(walk.audit.id)
    a = walk_page(open_page, walk, finding=finding.id)
    type_notes(a, "A's change")

    tablets.on(TABLET_B)
    b = walk_page(open_page, walk, finding=finding.id)
    type_notes(b, "B's change")
    b.button(key=SAVE_KEY).click().run()
    changed = walk.store.list_trail(walk.audit.id)[-1]

    tablets.on(TABLET_A)
    a.button(key=SAVE_KEY).click().run()
    assert stale_message(changed.actor, changed.at) in errors_of(a)
    assert walk.store.get_finding(finding.id).notes == "B's change"  # never written over
    assert notes(a) == "A's change"  # and A's words are still on screen to apply again

    a.button(key=THEIR_VERSION_KEY).click().run()
    assert notes(a) == "B's change"
    type_notes(a, "B's change, and A's")
    a.button(key=SAVE_KEY).click().run()
    assert walk.store.get_finding(finding.id).notes == "B's change, and A's"


def test_a_finding_deleted_meanwhile_keeps_the_form_and_offers_no_version(
    open_page, walk, tablets
) -> None:
    a = walk_page(open_page, walk)
    a.pills(key=cap_key(a, "template_id")).set_value(TEMPLATE).run()
    a.button(key=SAVE_KEY).click().run()
    (finding,) = walk.store.list_findings(walk.audit.id)
    a = walk_page(open_page, walk, finding=finding.id)
    type_notes(a, "A's change")
    walk.store.delete_finding(finding.id, "B. Colleague")

    a.button(key=SAVE_KEY).click().run()
    assert "was deleted after you opened it" in errors_of(a)
    assert not [b for b in a.button if b.key == THEIR_VERSION_KEY]
    assert notes(a) == "A's change"
