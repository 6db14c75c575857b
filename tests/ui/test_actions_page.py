"""The action plan page in AppTest: default actions appear once, sorted by priority; filters;
editing an action (risk accepted refused without its reason); merging; the overall opinion."""

from __future__ import annotations

import re
from datetime import date

import pytest

from datawalk.models import ActionStatus
from datawalk.privacy.text_checks import KEPT_IDENTIFIERS
from datawalk.samples import load_sample
from datawalk.store import Store


@pytest.fixture
def sample_id(app_db) -> str:
    store = Store.open(app_db)
    try:
        return load_sample(store)
    finally:
        store.close()


def _actions(url: str, audit_id: str):
    store = Store.open(url)
    try:
        return store.list_actions(audit_id)
    finally:
        store.close()


RANKED = re.compile(r"^(?:OVERDUE · |NO LONGER NEEDED · )*(?:(\d+) of (\d+)|No action) · ")


def _action_labels(at) -> list[str]:
    """The action expanders' labels: each starts with its rank ("3 of 26") or "No action"."""
    return [expander.label for expander in at.expander if RANKED.match(expander.label)]


def _suffix(action) -> str:
    return f"{action.id}_{action.updated_at.timestamp():.0f}"


def test_page_adds_default_actions_once_sorted_by_rank(open_page, app_db, sample_id):
    at = open_page("actions", audit=sample_id)
    assert not at.exception
    actions = _actions(app_db, sample_id)
    covered = [fid for action in actions for fid in action.finding_ids]
    assert len(covered) == len(set(covered)) and len(actions) > 5
    labels = _action_labels(at)
    assert len(labels) == len(actions)
    # An action takes its most urgent finding's rank; a merged action covers several ranks.
    ranks = [RANKED.match(label).groups() for label in labels]
    numbers = [int(rank) for rank, _ in ranks]
    assert numbers[0] == 1 and numbers == sorted(set(numbers))
    assert {int(total) for _, total in ranks} == {len(covered)}
    # The raw priority is only on hover: never in a label or a caption's text.
    by_rank = sorted(actions, key=lambda action: -action.priority)
    assert all(f"{by_rank[0].priority:.1f}" not in label for label in labels)
    assert any(f"{by_rank[0].priority:.1f}" in str(caption.help) for caption in at.caption)
    at.run()
    assert len(_actions(app_db, sample_id)) == len(actions)


def test_filters_by_status_and_overdue(open_page, sample_id):
    at = open_page("actions", audit=sample_id)
    total = len(_action_labels(at))
    at.pills(key="actions_filter_status").set_value([ActionStatus.DONE]).run()
    done = _action_labels(at)
    assert 0 < len(done) < total
    assert all(label.endswith("· Done") for label in done)
    at.pills(key="actions_filter_status").set_value([]).run()
    at.toggle(key="actions_filter_overdue").set_value(True).run()
    assert all("OVERDUE" in label for label in _action_labels(at))


def test_risk_accepted_needs_a_reason_then_saves(open_page, app_db, sample_id):
    at = open_page("actions", audit=sample_id)
    action = next(a for a in _actions(app_db, sample_id) if a.status == ActionStatus.OPEN)
    suffix = _suffix(action)
    at.segmented_control(key=f"action_status_{suffix}").set_value(ActionStatus.RISK_ACCEPTED)
    at.run()
    at.text_input(key=f"action_by_{suffix}").input("Chair of governors")
    at.date_input(key=f"action_on_{suffix}").set_value(date(2025, 4, 1))
    at.button(key=f"action_save_{suffix}").click().run()
    assert any("needs the reason" in str(error.value) for error in at.error)
    stored = next(a for a in _actions(app_db, sample_id) if a.id == action.id)
    assert stored.status == ActionStatus.OPEN

    at.text_area(key=f"action_reason_{suffix}").input("Kitchen refit in April moves it anyway")
    at.text_input(key=f"action_by_{suffix}").input("Chair of governors")
    at.date_input(key=f"action_on_{suffix}").set_value(date(2025, 4, 1))
    at.button(key=f"action_save_{suffix}").click().run()
    assert not at.exception
    stored = next(a for a in _actions(app_db, sample_id) if a.id == action.id)
    assert stored.status == ActionStatus.RISK_ACCEPTED
    assert stored.accepted_by == "Chair of governors"


def _keys(at) -> set[str]:
    """Every widget key on the page, to tell what is shown."""
    widgets = [*at.text_area, *at.text_input, *at.date_input, *at.checkbox]
    return {widget.key for widget in widgets if widget.key}


def _acceptance_hints(at) -> int:
    return sum("Risk accepted needs all three" in str(c.value) for c in at.caption)


def test_acceptance_fields_show_only_for_risk_accepted(open_page, app_db, sample_id):
    at = open_page("actions", audit=sample_id)
    action = next(a for a in _actions(app_db, sample_id) if a.status == ActionStatus.OPEN)
    suffix = _suffix(action)
    acceptance = {f"action_reason_{suffix}", f"action_by_{suffix}", f"action_on_{suffix}"}
    assert f"action_notes_{suffix}" in _keys(at)
    assert not acceptance & _keys(at)
    hints = _acceptance_hints(at)

    at.segmented_control(key=f"action_status_{suffix}").set_value(ActionStatus.RISK_ACCEPTED)
    at.run()
    assert acceptance <= _keys(at)
    assert _acceptance_hints(at) == hints + 1

    at.segmented_control(key=f"action_status_{suffix}").set_value(ActionStatus.IN_PROGRESS)
    at.run()
    assert not acceptance & _keys(at)


def test_save_anyway_shows_only_when_the_text_is_flagged(open_page, app_db, sample_id):
    at = open_page("actions", audit=sample_id)
    action = next(a for a in _actions(app_db, sample_id) if a.status == ActionStatus.OPEN)
    suffix = _suffix(action)
    assert not any(key.startswith("action_keep_") for key in _keys(at))

    at.text_area(key=f"action_notes_{suffix}").input("Move the list to the staff room").run()
    assert f"action_keep_{suffix}" not in _keys(at)

    at.text_area(key=f"action_notes_{suffix}").input("Ask jo.bloggs@example.com first").run()
    assert f"action_keep_{suffix}" in _keys(at)
    others = {key for key in _keys(at) if key.startswith("action_keep_")}
    assert others == {f"action_keep_{suffix}"}

    at.text_area(key=f"action_notes_{suffix}").input("Ask the office first").run()
    assert f"action_keep_{suffix}" not in _keys(at)


def test_merge_two_actions(open_page, app_db, sample_id):
    at = open_page("actions", audit=sample_id)
    first, second = _actions(app_db, sample_id)[-2:]
    at.multiselect(key="merge_choice").set_value([first.id, second.id]).run()
    at.button(key="merge_actions").click().run()
    assert not at.exception
    actions = _actions(app_db, sample_id)
    survivors = [a for a in actions if set(a.finding_ids) & set(first.finding_ids)]
    assert len(survivors) == 1
    assert set(survivors[0].finding_ids) == set(first.finding_ids) | set(second.finding_ids)
    # Shown once, with every covered finding's reference under its title.
    refs = [_reference(app_db, fid) for fid in survivors[0].finding_ids]
    captions = [str(c.value).replace("\\", "") for c in at.caption]  # Markdown-escaped
    shown = [caption for caption in captions if all(ref in caption for ref in refs)]
    assert len(shown) == 1 and len(_action_labels(at)) == len(actions)
    assert all(ref in str(at.success[0].value) for ref in refs)


def _reference(app_db: str, finding_id: str) -> str:
    store = Store.open(app_db)
    try:
        return store.get_finding(finding_id).reference
    finally:
        store.close()


def test_overall_opinion_is_saved(open_page, app_db, sample_id):
    at = open_page("actions", audit=sample_id)
    opinion = next(t for t in at.text_area if t.label == "Overall opinion")
    opinion.input("Good culture; fix the two life-threatening gaps first.")
    at.button(key="save_opinion").click().run()
    store = Store.open(app_db)
    try:
        assert store.get_audit(sample_id).overall_opinion.startswith("Good culture")
    finally:
        store.close()


def test_an_overall_opinion_with_a_pupil_identifier_needs_a_logged_confirmation(
    open_page, app_db, sample_id
):
    at = open_page("actions", audit=sample_id)
    text = "Fine overall; the list for jo.bloggs@example.com was left out"
    next(t for t in at.text_area if t.label == "Overall opinion").input(text)
    at.button(key="save_opinion").click().run()

    assert any("Overall opinion may contain" in str(e.value) for e in at.error)
    at.checkbox(key="opinion_ok").check()
    at.button(key="save_opinion").click().run()
    store = Store.open(app_db)
    try:
        assert store.get_audit(sample_id).overall_opinion == text
        kept = [e.changes for e in store.list_trail(sample_id) if KEPT_IDENTIFIERS in e.changes]
    finally:
        store.close()
    assert kept == [{KEPT_IDENTIFIERS: {"new": {"overall_opinion": ["email"]}}}]


def test_action_text_with_a_pupil_identifier_needs_a_logged_confirmation(
    open_page, app_db, sample_id
):
    at = open_page("actions", audit=sample_id)
    action = next(a for a in _actions(app_db, sample_id) if a.status == ActionStatus.OPEN)
    suffix = _suffix(action)
    notes = "Ask the office about jo.bloggs@example.com before moving the list"
    at.text_area(key=f"action_notes_{suffix}").input(notes)
    at.button(key=f"action_save_{suffix}").click().run()

    assert any("Notes may contain a pupil identifier" in str(e.value) for e in at.error)
    assert next(a for a in _actions(app_db, sample_id) if a.id == action.id).notes == action.notes

    at.text_area(key=f"action_notes_{suffix}").input(notes)
    at.checkbox(key=f"action_keep_{suffix}").check()
    at.button(key=f"action_save_{suffix}").click().run()
    assert not at.exception
    assert next(a for a in _actions(app_db, sample_id) if a.id == action.id).notes == notes
    store = Store.open(app_db)
    try:
        kept = [e for e in store.list_trail(sample_id) if KEPT_IDENTIFIERS in e.changes]
    finally:
        store.close()
    assert [(e.entity, e.entity_id) for e in kept] == [("action", action.id)]
    assert kept[0].changes == {KEPT_IDENTIFIERS: {"new": {"notes": ["email"]}}}
