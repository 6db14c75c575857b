"""A re-walk in AppTest: start it from a completed audit's card, then mark last walk's findings
on the walk page in one tap each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from datawalk.models import ActionStatus, Audit, AuditStatus, RewalkState
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.rewalks import start_rewalk
from datawalk.store import Store
from datawalk.ui.capture import SAVE_KEY
from datawalk.ui.capture_clear import DISCARD_KEY

ACTOR = Actor("A. Consultant")


@dataclass
class Rewalk:
    store: Store
    first: Audit
    audit: Audit


@pytest.fixture
def completed(app_db) -> Iterator[tuple[Store, Audit]]:
    store = Store.open(app_db)
    first = set_status(Workspace(store), ACTOR, load_sample(store), AuditStatus.COMPLETE)
    yield store, first
    store.close()


@pytest.fixture
def rewalk(completed) -> Rewalk:
    store, first = completed
    return Rewalk(store, first, start_rewalk(Workspace(store), ACTOR, first.id, []))


def _busiest(rewalk: Rewalk):
    """The location with the most findings last time, and its carried items."""
    items = rewalk.store.rewalk_record(rewalk.audit.id).items
    location_id = max({i.location_id for i in items}, key=[i.location_id for i in items].count)
    return location_id, [i for i in items if i.location_id == location_id]


def test_a_completed_audit_starts_its_next_walk_from_its_card(open_page, completed) -> None:
    store, first = completed
    at = open_page("audits")
    at.button(key=f"rewalk_{first.id}").click().run()

    assert not at.exception
    [new] = [s for s in store.list_audits() if s.id != first.id]
    assert store.get_audit(new.id).previous_audit_id == first.id
    assert at.query_params["audit"] == new.id


def test_each_previous_finding_is_marked_in_one_tap(open_page, rewalk) -> None:
    location_id, (still, changed, resolved, *_) = _busiest(rewalk)
    at = open_page("walk", audit=rewalk.audit.id, location=location_id)
    assert at.expander(key="last_walk")

    at.button(key=f"rw_still_{still.id}").click().run()
    at.button(key=f"rw_changed_{changed.id}").click().run()
    at.button(key=SAVE_KEY).click().run()

    items = {i.id: i for i in rewalk.store.rewalk_record(rewalk.audit.id).items}
    assert items[still.id].state is RewalkState.STILL
    assert items[changed.id].state is RewalkState.CHANGED
    copies = rewalk.store.list_findings(rewalk.audit.id, location_id)
    assert {f.id for f in copies} == {
        items[still.id].new_finding_id,
        items[changed.id].new_finding_id,
    }

    at.button(key=f"rw_resolved_{resolved.id}").click().run()
    assert not at.exception
    assert rewalk.store.rewalk_record(rewalk.audit.id).items[resolved.ordinal].state is (
        RewalkState.RESOLVED
    )


def _item(rewalk: Rewalk, item_id: str):
    return next(i for i in rewalk.store.rewalk_record(rewalk.audit.id).items if i.id == item_id)


def test_changed_opens_the_form_prefilled_and_saves_nothing_until_saved(open_page, rewalk):
    location_id, (item, *_) = _busiest(rewalk)
    at = open_page("walk", audit=rewalk.audit.id, location=location_id)
    version = rewalk.store.get_audit(rewalk.audit.id).version

    at.button(key=f"rw_changed_{item.id}").click().run()

    assert not at.exception
    assert rewalk.store.list_findings(rewalk.audit.id, location_id) == []
    assert _item(rewalk, item.id).state is RewalkState.PENDING
    assert rewalk.store.get_audit(rewalk.audit.id).version == version
    draft = at.session_state["cap_draft"]
    assert draft.rewalk_item_id == item.id and draft.finding_id is None
    assert any("recorded when you save" in c.value for c in at.caption)
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert any("Changed since last walk" in h and "New finding" not in h for h in headings)
    assert draft.categories == item.previous["categories"]
    assert draft.format == item.previous["format"]

    at.button(key=SAVE_KEY).click().run()

    assert not at.exception
    [saved] = rewalk.store.list_findings(rewalk.audit.id, location_id)
    marked = _item(rewalk, item.id)
    assert marked.state is RewalkState.CHANGED and marked.new_finding_id == saved.id
    assert saved.categories == item.previous["categories"] and saved.notes == ""


def test_cancelling_a_changed_edit_leaves_the_finding_waiting(open_page, rewalk):
    location_id, (item, *_) = _busiest(rewalk)
    at = open_page("walk", audit=rewalk.audit.id, location=location_id)

    at.button(key=f"rw_changed_{item.id}").click().run()
    at.button(key=DISCARD_KEY).click().run()

    assert not at.exception
    assert rewalk.store.list_findings(rewalk.audit.id, location_id) == []
    assert _item(rewalk, item.id).state is RewalkState.PENDING
    assert at.session_state["cap_draft"].is_empty()
    assert not any("recorded when you save" in c.value for c in at.caption)


def test_changed_after_still_edits_its_copy_and_cancelling_keeps_it_still(open_page, rewalk):
    location_id, (item, *_) = _busiest(rewalk)
    at = open_page("walk", audit=rewalk.audit.id, location=location_id)
    at.button(key=f"rw_still_{item.id}").click().run()
    copy_id = _item(rewalk, item.id).new_finding_id

    at.button(key=f"rw_changed_{item.id}").click().run()
    assert at.session_state["cap_draft"].finding_id == copy_id
    at.button(key=DISCARD_KEY).click().run()
    assert _item(rewalk, item.id).state is RewalkState.STILL

    at.button(key=f"rw_changed_{item.id}").click().run()
    at.button(key=SAVE_KEY).click().run()
    assert not at.exception
    marked = _item(rewalk, item.id)
    assert marked.state is RewalkState.CHANGED and marked.new_finding_id == copy_id
    assert [f.id for f in rewalk.store.list_findings(rewalk.audit.id, location_id)] == [copy_id]


def test_changed_never_replaces_unsaved_work_on_the_form(open_page, rewalk):
    location_id, (first, second, *_) = _busiest(rewalk)
    at = open_page("walk", audit=rewalk.audit.id, location=location_id)
    at.button(key=f"rw_changed_{first.id}").click().run()

    at.button(key=f"rw_changed_{second.id}").click().run()

    assert not at.exception
    assert at.session_state["cap_draft"].rewalk_item_id == first.id
    assert any("not saved yet" in w.value for w in at.warning)


def test_resolving_offers_to_close_the_carried_action(open_page, rewalk) -> None:
    record = rewalk.store.rewalk_record(rewalk.audit.id)
    action = next(a for a in record.carried_actions if a.status == ActionStatus.OPEN)
    item = next(i for i in record.items if i.previous_finding_id in action.previous_finding_ids)
    at = open_page("walk", audit=rewalk.audit.id, location=item.location_id)
    at.button(key=f"rw_resolved_{item.id}").click().run()

    at.button(key=f"rw_close_{action.id}").click().run()

    assert not at.exception
    closed = next(
        a for a in rewalk.store.rewalk_record(rewalk.audit.id).carried_actions if a.id == action.id
    )
    assert closed.status == ActionStatus.DONE and closed.checked_by == ACTOR.name


def test_a_whole_location_is_marked_not_checked(open_page, rewalk) -> None:
    location_id, _ = _busiest(rewalk)
    at = open_page("walk", audit=rewalk.audit.id, location=location_id)
    at.toggle(key=f"rw_unchecked_{location_id}").set_value(True).run()

    assert not at.exception
    record = rewalk.store.rewalk_record(rewalk.audit.id)
    assert [u.location_id for u in record.unchecked_locations] == [location_id]
    assert {i.state for i in record.items if i.location_id == location_id} == {
        RewalkState.NOT_CHECKED
    }
