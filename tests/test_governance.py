"""Governance core: retention overview (legal hold, purge then whole record, deletion on request),
the trail as a readable table, and rescoring with another checklist copy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from datawalk.checklist import pin_checklist
from datawalk.errors import StoreError, ValidationError
from datawalk.governance import (
    check_rescore,
    describe_changes,
    holds_photos_or_text,
    rescore_candidates,
    rescore_preview,
    retention_overview,
    trail_table,
)
from datawalk.interchange import dump_document
from datawalk.models import Action, AuditStatus
from datawalk.privacy import RetentionPolicy, RetentionScope
from datawalk.privacy.retention import add_months
from datawalk.scoring import score_finding
from datawalk.services import Actor, Workspace, audits, rescoring

ACTOR = "Retention Officer"
NOTE = "Quillon-Marchbank-5519 keeps the care plan"  # distinctive free text
COMPLETED = datetime(2023, 1, 10, 15, 0, tzinfo=UTC)
POLICY = RetentionPolicy()


def _months_after(months: int) -> datetime:
    return add_months(COMPLETED, months)


@pytest.fixture
def closed_audit(store, make_audit, make_location, make_finding, make_photo):
    """Return a builder of completed audits (completed on COMPLETED) holding a photo and notes."""

    def build(school: str = "Oakfield Primary (fictional)", *, content: bool = True, **fields):
        audit = store.create_audit(
            make_audit(
                school={"name": school, "phase": "primary"},
                status=AuditStatus.COMPLETE,
                completed_at=COMPLETED,
                scope_limitations=NOTE if content else "",
                **fields,
            ),
            ACTOR,
        )
        if content:
            location = store.add_location(make_location(audit.id), ACTOR)
            finding = store.save_finding(
                make_finding(audit.id, location.id, notes=NOTE, photos=[make_photo()]), ACTOR
            )
            store.save_action(
                Action(audit_id=audit.id, finding_ids=[finding.id], notes=NOTE), ACTOR
            )
        return audit

    return build


# --- retention -------------------------------------------------------------------------------


def test_photos_and_notes_fall_due_first_then_the_whole_record(store, closed_audit):
    audit = closed_audit()
    before = retention_overview(store, _months_after(POLICY.photos_months) - _day(), POLICY)
    assert before.due == []

    photos_due = retention_overview(store, _months_after(POLICY.photos_months), POLICY)
    (item,) = photos_due.due
    assert (item.audit_id, item.scope) == (audit.id, RetentionScope.PHOTOS_AND_TEXT)
    assert item.due_at == _months_after(POLICY.photos_months)

    record_due = retention_overview(store, _months_after(POLICY.record_months), POLICY)
    (item,) = record_due.due
    assert item.scope == RetentionScope.WHOLE_RECORD


def test_an_audit_on_legal_hold_is_never_due_but_shown_as_held(store, closed_audit):
    audit = closed_audit()
    store.set_legal_hold(audit.id, True, ACTOR)
    overview = retention_overview(store, _months_after(POLICY.record_months), POLICY)
    assert overview.due == []
    assert [(i.audit_id, i.scope) for i in overview.held] == [
        (audit.id, RetentionScope.WHOLE_RECORD)
    ]
    with pytest.raises(ValidationError, match="legal hold"):
        audits.delete_due(
            Workspace(store), Actor(ACTOR), audit.id, _months_after(POLICY.record_months), POLICY
        )
    with pytest.raises(ValidationError, match="legal hold"):
        audits.purge_due(
            Workspace(store), Actor(ACTOR), audit.id, _months_after(POLICY.record_months), POLICY
        )
    assert store.get_audit(audit.id).legal_hold


def test_in_progress_audits_are_never_due(store, make_audit):
    store.create_audit(make_audit(), ACTOR)
    assert retention_overview(store, datetime(2100, 1, 1, tzinfo=UTC), POLICY).due == []


def test_purged_audits_stay_off_the_list_until_the_whole_record_is_due(store, closed_audit):
    audit = closed_audit()
    now = _months_after(POLICY.photos_months)
    counts = audits.purge_due(Workspace(store), Actor(ACTOR), audit.id, now, POLICY)
    assert counts["photos"] == 1 and counts["texts"] >= 1
    assert not holds_photos_or_text(store, store.get_audit(audit.id))
    assert retention_overview(store, now, POLICY).due == []
    later = _months_after(POLICY.record_months - 1)
    assert retention_overview(store, later, POLICY).due == []

    end = _months_after(POLICY.record_months)
    (item,) = retention_overview(store, end, POLICY).due
    assert item.scope == RetentionScope.WHOLE_RECORD
    tombstone = audits.delete_due(Workspace(store), Actor(ACTOR), audit.id, end, POLICY)
    overview = retention_overview(store, end, POLICY)
    assert overview.due == []
    assert [t.audit_id for t in overview.tombstones] == [audit.id]
    assert tombstone.deleted_by == ACTOR and tombstone.school_name == audit.school.name


def test_text_written_after_a_purge_is_due_again(store, closed_audit):
    audit = closed_audit()
    now = _months_after(POLICY.photos_months)
    audits.purge_due(Workspace(store), Actor(ACTOR), audit.id, now, POLICY)
    store.update_audit(audit.id, ACTOR, overall_opinion=NOTE)
    (item,) = retention_overview(store, now, POLICY).due
    assert item.scope == RetentionScope.PHOTOS_AND_TEXT


def test_an_audit_with_nothing_to_purge_is_not_listed(store, closed_audit):
    closed_audit(content=False)
    assert retention_overview(store, _months_after(POLICY.photos_months), POLICY).due == []


def test_a_draft_counts_as_text_to_purge(store, closed_audit):
    audit = closed_audit(content=False)
    store.save_draft(audit.id, None, {"notes": NOTE})
    assert holds_photos_or_text(store, store.get_audit(audit.id))


def test_the_whole_record_is_not_deleted_before_it_is_due(store, closed_audit):
    audit = closed_audit()
    with pytest.raises(ValidationError, match="Only the photos and notes"):
        audits.delete_due(
            Workspace(store), Actor(ACTOR), audit.id, _months_after(POLICY.photos_months), POLICY
        )
    with pytest.raises(ValidationError, match="nothing in it is due"):
        audits.purge_due(Workspace(store), Actor(ACTOR), audit.id, _months_after(1), POLICY)
    assert store.get_audit(audit.id).scope_limitations == NOTE


def test_the_policy_changes_what_is_due(store, closed_audit):
    closed_audit()
    short = RetentionPolicy(photos_months=2, free_text_months=2, record_months=3)
    (item,) = retention_overview(store, _months_after(3), short).due
    assert item.scope == RetentionScope.WHOLE_RECORD
    assert retention_overview(store, _months_after(3), POLICY).due == []


def test_deletion_on_request_needs_the_school_name(store, closed_audit):
    audit = closed_audit("St Bride's Infants (fictional)")
    with pytest.raises(ValidationError) as refused:
        audits.delete_on_request(Workspace(store), Actor(ACTOR), audit.id, "St Brides")
    assert refused.value.field == "confirm_name"
    assert store.get_audit(audit.id)
    tombstone = audits.delete_on_request(
        Workspace(store), Actor(ACTOR), audit.id, "  st bride's   infants (FICTIONAL) "
    )
    assert tombstone.audit_id == audit.id
    assert [t.audit_id for t in store.list_tombstones()] == [audit.id]


def test_deletion_on_request_is_refused_under_legal_hold(store, closed_audit):
    audit = closed_audit()
    store.set_legal_hold(audit.id, True, ACTOR)
    with pytest.raises(StoreError, match="legal hold"):
        audits.delete_on_request(Workspace(store), Actor(ACTOR), audit.id, audit.school.name)
    assert store.list_tombstones() == []


def _day() -> timedelta:
    return timedelta(days=1)


# --- trail table -------------------------------------------------------------------------------


def test_trail_table_names_entities_and_hides_free_text(store, closed_audit):
    audit = closed_audit()
    (listed,) = store.list_findings(audit.id)
    finding = store.get_finding(listed.id)
    store.save_finding(finding.model_copy(update={"visible_to": ["pupils"]}), "Second Consultant")
    table = trail_table(store.list_trail(audit.id))
    assert list(table.columns) == ["When", "Who", "Entity", "Reference", "Operation", "Changes"]
    assert NOTE not in table.to_csv()
    newest = table.iloc[0]
    assert (newest["Who"], newest["Entity"], newest["Operation"]) == (
        "Second Consultant",
        "Finding",
        "Updated",
    )
    assert newest["Reference"] == finding.reference
    assert newest["Changes"] == "visible to: visitors → pupils"
    photo_rows = table[table["Entity"] == "Photo"]
    assert photo_rows["Reference"].tolist() == [f"photo of {finding.reference}"]
    created = table[(table["Entity"] == "Finding") & (table["Operation"] == "Created")]
    assert "notes: changed" in created["Changes"].iloc[0]


def test_trail_table_filters_by_entity_and_operation(store, closed_audit):
    audit = closed_audit()
    events = store.list_trail(audit.id)
    only_findings = trail_table(events, entities={"finding"})
    assert set(only_findings["Entity"]) == {"Finding"}
    updates = trail_table(events, operations={"update"})
    assert set(updates["Operation"]) <= {"Updated"}
    assert len(trail_table(events)) == len(events)
    assert trail_table(events, entities={"action"}, operations={"delete"}).empty


def test_describe_changes_shows_old_and_new_and_removals():
    text = describe_changes(
        {
            "reach": {"old": "immediately", "new": "same_day"},
            "notes": {"changed": True},
            "legal_hold": {"old": False, "new": True},
            "review_date": {"old": "2025-01-01"},
        }
    )
    assert text == (
        "reach: immediately → same_day; notes: changed; legal hold: no → yes; "
        "review date: 2025-01-01 → removed"
    )


# --- rescoring ---------------------------------------------------------------------------------


@pytest.fixture
def scored_audit(store, checklist, make_audit, make_location, make_finding):
    """An audit pinned to the real checklist with two findings of different shapes."""
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR)
    location = store.add_location(make_location(audit.id), ACTOR)
    store.save_finding(make_finding(audit.id, location.id), ACTOR)
    store.save_finding(
        make_finding(audit.id, location.id, visible_to=[], identifiability="none"), ACTOR
    )
    return audit


def _bumped(checklist, finding, version: int):
    """A copy of `checklist` whose privacy grid gives `finding` another level."""
    scored = score_finding(finding, checklist)
    grid = [list(row) for row in checklist.scoring.privacy_grid]
    row, col = scored.exposure, scored.sensitivity - 1
    grid[row][col] = (grid[row][col] + 1) % len(checklist.scoring.levels)
    scoring = checklist.scoring.model_copy(update={"privacy_grid": grid})
    return checklist.model_copy(update={"scoring": scoring, "version": version})


def _levels(finding, checklist) -> tuple[str, str]:
    scored = score_finding(finding, checklist)
    return scored.privacy_level, scored.safeguarding_level


def test_rescore_preview_counts_the_findings_that_change_level(store, checklist, scored_audit):
    findings = store.list_findings(scored_audit.id)
    old = checklist.version
    newer = _bumped(checklist, findings[0], version=old + 1)
    expected = [f.reference for f in findings if _levels(f, checklist) != _levels(f, newer)]
    preview = rescore_preview(store, scored_audit.id, newer)
    assert preview.count_changing == len(expected) >= 1
    assert preview.total == len(findings)
    assert [e.reference for e in preview.examples] == expected[: len(preview.examples)]
    example = preview.examples[0]
    assert example.privacy_before != example.privacy_after
    assert (preview.from_version, preview.to_version) == (old, old + 1)
    assert store.get_audit(scored_audit.id).checklist.version == old  # nothing written


def test_apply_rescore_repins_and_the_trail_and_export_record_it(store, checklist, scored_audit):
    old = checklist.version
    newer = _bumped(checklist, store.list_findings(scored_audit.id)[0], version=old + 1)
    audit = rescoring.rescore(Workspace(store), Actor("Lead Consultant"), scored_audit.id, newer)
    assert (audit.checklist.version, audit.checklist.content_hash) == (
        old + 1,
        pin_checklist(newer).content_hash,
    )
    event = [e for e in store.list_trail(scored_audit.id) if e.entity == "audit"][-1]
    assert (event.entity, event.operation, event.actor) == ("audit", "update", "Lead Consultant")
    assert event.changes["checklist"]["old"]["version"] == old
    assert event.changes["checklist"]["new"]["version"] == old + 1
    exported = json.loads(dump_document(store.export_document(scored_audit.id)))
    repinned = [e for e in exported["trail"] if "checklist" in e["changes"]][-1]
    assert repinned["changes"]["checklist"]["new"]["version"] == old + 1
    assert len(exported["trail"]) == len(store.list_trail(scored_audit.id))


def test_a_lower_version_is_refused(store, checklist, scored_audit):
    newer = _bumped(
        checklist, store.list_findings(scored_audit.id)[0], version=checklist.version + 1
    )
    audit = rescoring.rescore(Workspace(store), Actor(ACTOR), scored_audit.id, newer)
    assert rescore_candidates(audit, [checklist, newer]) == [checklist]  # listed, to say why
    with pytest.raises(ValidationError, match="older"):
        rescore_preview(store, scored_audit.id, checklist)
    with pytest.raises(ValidationError, match="older"):
        rescoring.rescore(Workspace(store), Actor(ACTOR), scored_audit.id, checklist)
    with pytest.raises(ValidationError, match="older"):
        store.repin_checklist(scored_audit.id, pin_checklist(checklist), ACTOR)
    assert store.get_audit(scored_audit.id).checklist.version == newer.version


def test_same_version_with_other_content_is_offered_and_identical_is_refused(
    store, checklist, scored_audit
):
    finding = store.list_findings(scored_audit.id)[0]
    edited = _bumped(checklist, finding, version=checklist.version)
    newest = _bumped(checklist, finding, version=checklist.version + 2)
    assert rescore_candidates(scored_audit, [checklist, edited, newest]) == [newest, edited]
    assert check_rescore(scored_audit, edited).content_hash == pin_checklist(edited).content_hash
    with pytest.raises(ValidationError, match="already scored"):
        check_rescore(scored_audit, checklist)
    other = checklist.model_copy(update={"id": "another_list", "version": checklist.version + 4})
    with pytest.raises(ValidationError, match="cannot rescore"):
        check_rescore(scored_audit, other)


def test_a_checklist_the_findings_do_not_fit_is_refused(store, checklist, scored_audit):
    objects = checklist.objects.model_copy(
        update={"formats": [f for f in checklist.objects.formats if f.id != "poster"]}
    )
    newer = checklist.model_copy(update={"objects": objects, "version": checklist.version + 1})
    with pytest.raises(ValidationError, match="cannot score this audit"):
        rescore_preview(store, scored_audit.id, newer)
    with pytest.raises(ValidationError, match="Nothing was changed"):
        rescoring.rescore(Workspace(store), Actor(ACTOR), scored_audit.id, newer)
    assert store.get_audit(scored_audit.id).checklist.version == checklist.version
