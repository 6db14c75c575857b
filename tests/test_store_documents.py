"""Store: whole-audit export and import (lossless round trip, clashes change nothing)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from datawalk.errors import ConflictError, InterchangeError
from datawalk.models import Action, ActionStatus, PlanImage, Position, TrailEvent, new_id
from datawalk.store import Store, tables
from datawalk.store.documents import RESTORED

ACTOR = "Test Consultant"
DIGEST = "ab" * 32  # the SHA-256 of the file a document came from

SPECIAL_TEXTS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '=HYPERLINK("http://example.invalid","click")',
    "+44 20 7946 0000",
    "-1+2",
    "@SUM(A1:A3)",
    "\tstarts with a tab",
    "\rstarts with a CR",
    "Mrs O'Brien's \"office\" & co.",
    "🧒🏽 allergy 🥜 — naïve café Ünïcödé 漢字 עברית",
    "line one\nline two\r\nline three",
    "%s {0} {{x}} $(rm -rf /) ' OR 1=1 --",
    "\u200b zero width \ufeff bom",
]


def _database_rows(store: Store) -> dict[str, list[tuple]]:
    """Return every row of every table, to prove that a refused write changed nothing."""
    with store.engine.connect() as connection:
        return {
            table.name: sorted(connection.execute(select(table)).all(), key=repr)
            for table in tables.metadata.sorted_tables
        }


def _full_audit(store, make_audit, make_location, make_finding, make_photo, png, text="Note"):
    """Store an audit that uses every kind of row: plan, locations, findings, photos, actions."""
    audit = store.create_audit(make_audit(scope_limitations=text, overall_opinion=text), ACTOR)
    raw = png(16, 12)
    plan = PlanImage(media_type="image/png", width=16, height=12, data=base64.b64encode(raw))
    store.set_floor_plan(audit.id, "ground", plan, ACTOR)
    hall = store.add_location(
        make_location(audit.id, name="Hall", position=Position(x=0.2, y=0.3)), ACTOR
    )
    kitchen = store.add_location(make_location(audit.id, name="Kitchen", floor_id="first"), ACTOR)
    store.set_location_nothing_found(kitchen.id, True, ACTOR)
    first = store.save_finding(
        make_finding(
            audit.id,
            hall.id,
            notes=text,
            good_practice_note=text,
            review_date=date(2025, 9, 1),
            photos=[make_photo(caption=text[:200]), make_photo(redacted=False)],
        ),
        ACTOR,
    )
    second = store.save_finding(make_finding(audit.id, hall.id, notes=text), ACTOR)
    doomed = store.save_finding(make_finding(audit.id, kitchen.id), ACTOR)
    store.delete_finding(doomed.id, ACTOR)
    store.save_action(
        Action(
            audit_id=audit.id,
            finding_ids=[second.id, first.id],
            recommendation=text,
            notes=text,
            owner="Head teacher",
            due_date=date(2025, 6, 30),
            status=ActionStatus.RISK_ACCEPTED,
            accepted_reason=text,
            accepted_by="Chair of governors",
            accepted_on=date(2025, 5, 1),
            priority=7.5,
        ),
        ACTOR,
    )
    return store.get_audit(audit.id)


def test_export_import_export_is_identical(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = store.export_document(audit.id)
    assert len(document.locations) == 2 and len(document.findings) == 2
    assert len(document.actions) == 1 and document.trail
    other = Store.open("sqlite://")
    try:
        imported = other.import_document(document, "Restorer", source_sha256=DIGEST)
        assert imported == document.audit
        again = other.export_document(audit.id)
        assert _without_history(again) == _without_history(document)
        assert (
            _without_history(again).model_dump_json()
            == _without_history(document).model_dump_json()
        )
        # History is never mixed: the file's trail is imported history, marked with the file.
        assert [item.event for item in again.imported_trail] == document.trail
        assert {(i.source_sha256, i.imported_by) for i in again.imported_trail} == {
            (DIGEST, "Restorer")
        }
        assert other.list_imported_trail(audit.id) == again.imported_trail
        (restore,) = other.list_trail(audit.id)
        assert (restore.entity, restore.operation, restore.actor) == ("audit", "create", "Restorer")
        assert restore.changes[RESTORED] == {
            "new": {"imported_events": len(document.trail), "sha256": DIGEST}
        }
        assert again.trail == [restore]
        # F-003 was deleted before the export: it is still never reused.
        location_id = document.locations[0].id
        new = other.save_finding(make_finding(audit.id, location_id), ACTOR)
        assert new.reference == "F-004"
    finally:
        other.close()


def test_import_clash_with_audit_changes_nothing(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = store.export_document(audit.id)
    before = _database_rows(store)
    with pytest.raises(ConflictError, match="already"):
        store.import_document(document, ACTOR)
    assert _database_rows(store) == before


@pytest.mark.parametrize("clash", ["location", "finding", "photo", "action"])
def test_import_clash_with_any_row_changes_nothing(
    store, make_audit, make_location, make_finding, make_photo, png, clash
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = store.export_document(audit.id)
    # Same rows under a new audit id: only the child ids clash.
    renamed = _with_new_audit_id(document)
    keep = {"location", "finding", "photo", "action"} - {clash}
    renamed = _fresh_ids(renamed, keep)
    before = _database_rows(store)
    with pytest.raises(ConflictError, match=clash):
        store.import_document(renamed, ACTOR)
    assert _database_rows(store) == before


def test_inconsistent_document_is_refused(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = _fresh_ids(_with_new_audit_id(store.export_document(audit.id)), set())
    broken = document.model_copy(
        update={
            "findings": [
                document.findings[0].model_copy(update={"location_id": "nowhere-location"}),
                *document.findings[1:],
            ]
        }
    )
    before = _database_rows(store)
    with pytest.raises(InterchangeError, match="unknown location"):
        store.import_document(broken, ACTOR)
    assert _database_rows(store) == before


def test_document_without_trail_gets_a_create_event(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = store.export_document(audit.id).model_copy(update={"trail": []})
    other = Store.open("sqlite://")
    try:
        other.import_document(document, "Sample loader")
        (event,) = other.list_trail(audit.id)
        assert (event.entity, event.operation, event.actor) == ("audit", "create", "Sample loader")
        assert other.export_document(audit.id).findings == document.findings
    finally:
        other.close()


def test_a_forged_event_is_imported_history_with_provenance_never_local_history(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = store.export_document(audit.id)
    forged = TrailEvent(
        audit_id=audit.id,
        at=datetime(2019, 1, 1, 3, 0, tzinfo=UTC),
        actor="Head Teacher (made up)",
        entity="action",
        entity_id=document.actions[0].id,
        operation="update",
        changes={"accepted_by": {"old": "", "new": "Head Teacher (made up)"}},
    )
    document = document.model_copy(update={"trail": [*document.trail, forged]})
    other = Store.open("sqlite://")
    try:
        other.import_document(document, "Restorer", source_sha256=DIGEST)
        local = other.list_trail(audit.id)
        assert forged.id not in {e.id for e in local}
        assert all(e.actor == "Restorer" for e in local)
        assert "Head Teacher (made up)" not in {e.actor for e in local}
        (kept,) = [i for i in other.list_imported_trail(audit.id) if i.event.id == forged.id]
        assert kept.event == forged  # exactly as the file gave it, its claimed time and actor
        assert (kept.source_sha256, kept.imported_by) == (DIGEST, "Restorer")
        assert kept.imported_at > forged.at
    finally:
        other.close()


def test_backup_restore_backup_keeps_imported_history_with_its_provenance(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    first = store.export_document(audit.id)
    second_db, third_db = Store.open("sqlite://"), Store.open("sqlite://")
    try:
        second_db.import_document(first, "Second Restorer", source_sha256=DIGEST)
        second = second_db.export_document(audit.id)
        third_db.import_document(second, "Third Restorer", source_sha256="cd" * 32)
        third = third_db.export_document(audit.id)
    finally:
        second_db.close()
        third_db.close()
    # The first file's history keeps its first provenance; the second file's own (local) trail,
    # its restore event, is now imported history marked with the second file.
    assert third.imported_trail[: len(second.imported_trail)] == second.imported_trail
    (moved,) = third.imported_trail[len(second.imported_trail) :]
    assert moved.event == second.trail[0]
    assert (moved.source_sha256, moved.imported_by) == ("cd" * 32, "Third Restorer")
    assert [e.actor for e in third.trail] == ["Third Restorer"]
    assert _without_history(third) == _without_history(first)


def test_deleting_an_audit_deletes_its_imported_history(
    store, make_audit, make_location, make_finding, make_photo, png
):
    audit = _full_audit(store, make_audit, make_location, make_finding, make_photo, png)
    document = store.export_document(audit.id)
    other = Store.open("sqlite://")
    try:
        other.import_document(document, "Restorer", source_sha256=DIGEST)
        assert other.list_imported_trail(audit.id)
        other.delete_audit(audit.id, "Restorer")
        assert other.list_imported_trail(audit.id) == []
    finally:
        other.close()


def _without_history(document):
    return document.model_copy(update={"trail": [], "imported_trail": []})


def _with_new_audit_id(document):
    audit_id = new_id()
    return document.model_copy(
        update={
            "audit": document.audit.model_copy(update={"id": audit_id}),
            "locations": [x.model_copy(update={"audit_id": audit_id}) for x in document.locations],
            "findings": [x.model_copy(update={"audit_id": audit_id}) for x in document.findings],
            "actions": [x.model_copy(update={"audit_id": audit_id}) for x in document.actions],
            "trail": [
                x.model_copy(update={"audit_id": audit_id, "id": new_id()}) for x in document.trail
            ],
        }
    )


def _fresh_ids(document, kinds: set[str]):
    """Give new ids to the rows of the given kinds, keeping every link consistent."""
    location_ids = {x.id: new_id() if "location" in kinds else x.id for x in document.locations}
    finding_ids = {x.id: new_id() if "finding" in kinds else x.id for x in document.findings}
    findings = [
        f.model_copy(
            update={
                "id": finding_ids[f.id],
                "location_id": location_ids[f.location_id],
                "photos": [
                    p.model_copy(update={"id": new_id()}) if "photo" in kinds else p
                    for p in f.photos
                ],
            }
        )
        for f in document.findings
    ]
    actions = [
        a.model_copy(
            update={
                "id": new_id() if "action" in kinds else a.id,
                "finding_ids": [finding_ids[i] for i in a.finding_ids],
            }
        )
        for a in document.actions
    ]
    locations = [x.model_copy(update={"id": location_ids[x.id]}) for x in document.locations]
    return document.model_copy(
        update={"locations": locations, "findings": findings, "actions": actions}
    )


# --- hypothesis: text is stored exactly as typed ----------------------------------------------

# Any text a person can type: a NUL is refused with a clear error on both engines (see
# tests of the value guard), so it is the one character left out here.
any_text = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    # Text a browser can send: no NUL, no lone surrogate (not encodable as UTF-8).
    st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=300),
    st.lists(st.sampled_from(SPECIAL_TEXTS), min_size=1, max_size=4).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20),
)
required_text = any_text.map(lambda s: s.strip()[:200]).filter(bool)


@pytest.fixture(scope="module")
def store_pair():
    """Two stores reused across hypothesis examples; each example makes fresh ids."""
    source, target = Store.open("sqlite://"), Store.open("sqlite://")
    yield source, target
    source.close()
    target.close()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(note=any_text, name=required_text, caption=any_text.map(lambda s: s[:200]))
def test_text_round_trips_exactly(
    store_pair, make_audit, make_location, make_finding, make_photo, note, name, caption
):
    source, target = store_pair
    audit = source.create_audit(
        make_audit(auditor=name, scope_limitations=note, overall_opinion=note), ACTOR
    )
    location = source.add_location(make_location(audit.id, name=name), ACTOR)
    finding = source.save_finding(
        make_finding(
            audit.id,
            location.id,
            notes=note,
            good_practice_note=note,
            photos=[make_photo(caption=caption)],
        ),
        ACTOR,
    )
    source.save_action(
        Action(audit_id=audit.id, finding_ids=[finding.id], recommendation=note, notes=note),
        ACTOR,
    )
    document = source.export_document(audit.id)
    target.import_document(document, ACTOR)
    again = target.export_document(audit.id)
    assert _without_history(again) == _without_history(document)
    assert [item.event for item in again.imported_trail] == document.trail
    assert again.audit.auditor == name
    assert again.audit.scope_limitations == note
    assert again.audit.overall_opinion == note
    assert again.locations[0].name == name
    assert again.findings[0].notes == note
    assert again.findings[0].good_practice_note == note
    assert again.findings[0].photos[0].caption == caption
    assert again.actions[0].notes == note
    assert again.actions[0].recommendation == note
