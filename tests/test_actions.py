"""The action plan rules: default actions from scored findings, due-date bands, merging, risk
acceptance, overdue, and syncing with the store without duplicates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from datawalk.actions import (
    STATUS_LABELS,
    default_actions,
    describe_actions,
    due_bands,
    due_date_for,
    filter_actions,
    is_overdue,
    merge_actions,
    missing_actions,
    parse_status,
    validate_action,
)
from datawalk.checklist import pin_checklist
from datawalk.errors import ValidationError
from datawalk.models import Action, ActionStatus, AuditDocument
from datawalk.samples import sample_document
from datawalk.scored_table import scored_table
from datawalk.scoring import score_document
from datawalk.services import Actor, Workspace
from datawalk.services.actions import merge, sync_default_actions
from datawalk.vocabulary import Checklist, DueBand

ACTOR = "Test Consultant"
WALK = date(2025, 3, 12)


@pytest.fixture(scope="module")
def document(checklist) -> AuditDocument:
    """The sample walk pinned to the bundled checklist, without its hand-made actions."""
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    return sample.model_copy(update={"audit": audit})


def _action(**fields) -> Action:
    values = {"audit_id": "audit-0001", "finding_ids": ["finding-01"]}
    values.update(fields)
    return Action(**values)


def test_every_finding_needing_action_gets_exactly_one(document, checklist):
    scored = score_document(document, checklist)
    actions = default_actions(document.audit, document.findings, scored, checklist)
    by_finding = {f.id: f for f in document.findings}
    needing = {
        s.finding_id
        for s in scored
        if s.classification != "proportionate" and not by_finding[s.finding_id].good_practice
    }
    covered = [fid for action in actions for fid in action.finding_ids]
    assert sorted(covered) == sorted(needing)
    assert needing, "the sample walk has findings that need action"


def test_default_action_takes_recommendation_owner_priority_and_due_band(document, checklist):
    scored = {s.finding_id: s for s in score_document(document, checklist)}
    bands = due_bands(checklist)
    for action in default_actions(document.audit, document.findings, scored.values(), checklist):
        score = scored[action.finding_ids[0]]
        assert action.status == ActionStatus.OPEN
        assert action.priority == score.priority
        assert action.recommendation.splitlines() == list(
            dict.fromkeys(r.action for r in score.recommendations)
        )
        assert action.owner == (score.recommendations[0].owner if score.recommendations else "")
        assert action.due_date == due_date_for(score.priority, document.audit.walk_at.date(), bands)
        assert action.due_date is not None and action.due_date > document.audit.walk_at.date()


def test_default_actions_are_sorted_by_priority(document, checklist):
    scored = score_document(document, checklist)
    priorities = [
        a.priority for a in default_actions(document.audit, document.findings, scored, checklist)
    ]
    assert priorities == sorted(priorities, reverse=True)


def test_the_checklist_sets_the_due_bands(checklist):
    priority = checklist.scoring.priority.model_copy(
        update={"due_days": [DueBand(min_priority=0, days=3)]}
    )
    scoring = checklist.scoring.model_copy(update={"priority": priority})
    custom = checklist.model_copy(update={"scoring": scoring})
    assert due_bands(custom) == [(0.0, 3)]
    assert due_bands(checklist) == [(100.0, 7), (40.0, 14), (30.0, 30), (0.0, 56)]


def test_a_checklist_pinned_before_due_bands_takes_the_bundled_ones(checklist):
    priority = checklist.scoring.priority.model_copy(update={"due_days": None})
    older = checklist.model_copy(
        update={"scoring": checklist.scoring.model_copy(update={"priority": priority})}
    )
    assert due_bands(older) == due_bands(checklist)


def test_malformed_due_days_are_refused(checklist):
    content = checklist.model_dump(mode="json")
    content["scoring"]["priority"]["due_days"] = [{"days": 3}]
    with pytest.raises(PydanticValidationError):
        Checklist.model_validate(content)


@given(st.floats(0, 400), st.floats(0, 400))
def test_higher_priority_is_never_due_later(first, second):
    bands = due_bands(None)
    low, high = sorted((first, second))
    assert due_date_for(high, WALK, bands) <= due_date_for(low, WALK, bands)


def test_merge_covers_every_finding_once_with_the_most_urgent_terms():
    urgent = _action(
        finding_ids=["f1"],
        priority=120.0,
        due_date=date(2025, 4, 1),
        recommendation="Move the poster\nTell parents",
        owner="Head",
        notes="a",
    )
    slow = _action(
        finding_ids=["f2", "f1"],
        priority=25.0,
        due_date=date(2025, 3, 20),
        recommendation="Tell parents\nDate it",
        owner="Office",
        notes="b",
    )
    merged = merge_actions([slow, urgent])
    assert merged.id == urgent.id
    assert merged.finding_ids == ["f1", "f2"]
    assert merged.priority == 120.0
    assert merged.due_date == date(2025, 3, 20)
    assert merged.owner == "Head"
    assert merged.recommendation.splitlines() == ["Move the poster", "Tell parents", "Date it"]
    assert merged.notes.splitlines() == ["a", "b"]


def test_merge_needs_two_actions_of_one_audit():
    with pytest.raises(ValidationError):
        merge_actions([_action()])
    with pytest.raises(ValidationError):
        merge_actions([_action(), _action(audit_id="audit-0002")])


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ("accepted_reason", "accepted_reason"),
        ("accepted_by", "accepted_by"),
        ("accepted_on", "accepted_on"),
    ],
)
def test_risk_acceptance_needs_reason_acceptor_and_date(missing, field):
    complete = {
        "accepted_reason": "Works finish in April",
        "accepted_by": "Chair of governors",
        "accepted_on": date(2025, 3, 20),
    }
    accepted = _action(status=ActionStatus.RISK_ACCEPTED, **complete)
    assert validate_action(accepted) is accepted
    blank = "" if missing != "accepted_on" else None
    with pytest.raises(ValidationError) as caught:
        validate_action(accepted.model_copy(update={missing: blank}))
    assert caught.value.field == field


def test_other_statuses_need_no_acceptance():
    for status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        assert validate_action(_action(status=status)).status == status


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (ActionStatus.OPEN, WALK - timedelta(days=1), True),
        (ActionStatus.IN_PROGRESS, WALK - timedelta(days=30), True),
        (ActionStatus.OPEN, WALK, False),
        (ActionStatus.OPEN, None, False),
        (ActionStatus.DONE, WALK - timedelta(days=1), False),
        (ActionStatus.RISK_ACCEPTED, WALK - timedelta(days=1), False),
    ],
)
def test_overdue_means_open_and_past_due(status, due, overdue):
    assert is_overdue(_action(status=status, due_date=due), WALK) is overdue


def test_status_parses_labels_and_ids():
    for status, label in STATUS_LABELS.items():
        assert parse_status(label) == status
        assert parse_status(label.upper()) == status
        assert parse_status(status.value) == status
    with pytest.raises(ValidationError) as caught:
        parse_status("Finished")
    assert caught.value.field == "status"


def test_missing_actions_skip_findings_already_covered(document, checklist):
    scored = score_document(document, checklist)
    created = missing_actions(document.audit, document.findings, scored, document.actions)
    covered = {fid for a in document.actions for fid in a.finding_ids}
    assert not {fid for a in created for fid in a.finding_ids} & covered


def test_sync_creates_missing_actions_once_and_keeps_existing(store, document):
    store.import_document(document, ACTOR)
    audit_id = document.audit.id
    before = {a.id: a for a in store.list_actions(audit_id)}
    created = sync_default_actions(Workspace(store), Actor(ACTOR), audit_id)
    assert created
    after = store.list_actions(audit_id)
    assert all(next(a for a in after if a.id == i) == old for i, old in before.items())
    covered = [fid for action in after for fid in action.finding_ids]
    assert len(covered) == len(set(covered))
    assert sync_default_actions(Workspace(store), Actor(ACTOR), audit_id) == []
    assert len(store.list_actions(audit_id)) == len(after)


def test_merging_stored_actions_leaves_one_action(store, document):
    store.import_document(document, ACTOR)
    audit_id = document.audit.id
    sync_default_actions(Workspace(store), Actor(ACTOR), audit_id)
    first, second = store.list_actions(audit_id)[:2]
    merged = merge(Workspace(store), Actor(ACTOR), audit_id, [first.id, second.id])
    actions = store.list_actions(audit_id)
    assert merged.id in {a.id for a in actions}
    (gone,) = {first.id, second.id} - {merged.id}
    assert gone not in {a.id for a in actions}
    assert set(merged.finding_ids) == set(first.finding_ids) | set(second.finding_ids)
    assert sum(1 for a in actions if set(a.finding_ids) & set(merged.finding_ids)) == 1


def test_describe_and_filter_actions(document, checklist):
    table = scored_table(document.audit, document.findings, document.locations, checklist)
    views = describe_actions(document.actions, table, WALK + timedelta(days=365))
    refs = {f.id: f.reference for f in document.findings}
    for view in views:
        assert view.references == ", ".join(refs[fid] for fid in view.action.finding_ids)
        assert view.overdue == is_overdue(view.action, WALK + timedelta(days=365))
    open_only = filter_actions(views, statuses=["open"])
    assert open_only and all(v.action.status == ActionStatus.OPEN for v in open_only)
    owner = views[0].action.owner
    assert all(v.action.owner == owner for v in filter_actions(views, owners=[owner]))
    assert all(v.overdue for v in filter_actions(views, overdue_only=True))
    assert filter_actions(views) == views
