"""The Export page's "Restore a backup" section in AppTest: a backup of another audit is previewed,
restored on the button and listed; the open audit's own backup is refused as already present;
truncated or non-JSON files get one clear message. A refusal writes nothing (`list_audits`)."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.interchange import attach_scores, dump_document
from datawalk.models import Finding, Location
from datawalk.samples import load_sample
from datawalk.services import Reads
from datawalk.store import Store, tables
from datawalk.ui.restore_panel import preview_backup
from datawalk.workbook.downloads import build_backup

ACTOR = "A. Consultant"
JSON = "application/json"
UPLOADER = "restore_upload_0"


@pytest.fixture
def store(app_db):
    """The app's own database, holding the sample walk."""
    opened = Store.open(app_db)
    load_sample(opened)
    yield opened
    opened.close()


@pytest.fixture
def other_backup(checklist) -> bytes:
    """The backup of a second, fictional audit made in another database."""
    elsewhere = Store.open("sqlite://")
    setup = AuditSetup(
        school_name="Quarry Bank Infants [fictional]",
        phase="primary",
        site_name="Annexe",
        floor_names=("Ground floor",),
        walk_date=date(2026, 3, 2),
        walk_time=None,
        auditor=ACTOR,
    )
    audit = elsewhere.create_audit(build_audit(setup, checklist, date(2026, 3, 2)), ACTOR)
    location = elsewhere.add_location(
        Location(audit_id=audit.id, name="Office", location_type="servery"), ACTOR
    )
    elsewhere.save_finding(
        Finding(
            audit_id=audit.id,
            location_id=location.id,
            categories=["food_allergy"],
            format="poster",
            identifiability="full_name_photo",
            detail_level="condition_action",
            visible_to=["visitors"],
            needed_by=["all_staff"],
        ),
        ACTOR,
    )
    data = dump_document(attach_scores(elsewhere.export_document(audit.id))).encode("utf-8")
    elsewhere.close()
    return data


def _shown(elements) -> list[str]:
    """The texts as a reader sees them: the panel escapes Markdown in anything from a file."""
    return [str(element.value).replace("\\", "") for element in elements]


def _open(open_page, store):
    at = open_page("export", audit=load_sample(store))
    assert not at.exception
    return at


def test_a_backup_of_another_audit_is_previewed_then_restored(open_page, store, other_backup):
    at = _open(open_page, store)
    before = {summary.id for summary in store.list_audits()}
    at.file_uploader(key=UPLOADER).set_value([("quarry.json", other_backup, JSON)]).run()
    assert not at.exception and not at.error
    assert any("Quarry Bank Infants [fictional] · Annexe" in text for text in _shown(at.markdown))
    assert any("1 location(s), 1 finding(s), 0 photo(s)" in text for text in _shown(at.caption))
    assert {summary.id for summary in store.list_audits()} == before  # previewing writes nothing

    at.button(key="restore_apply").click().run()
    assert not at.exception and not at.error
    restored = {summary.id for summary in store.list_audits()} - before
    assert len(restored) == 1
    (audit_id,) = restored
    assert store.get_audit(audit_id).school.name == "Quarry Bank Infants [fictional]"
    assert len(store.list_findings(audit_id)) == 1
    assert any("Restored the audit of Quarry" in text for text in _shown(at.success))
    links = [link for link in at.get("page_link") if "restored walk" in link.proto.label]
    assert len(links) == 1 and audit_id in links[0].proto.query_string
    assert "restore_apply" not in [button.key for button in at.button]


def test_the_open_audits_own_backup_is_refused_and_nothing_changes(open_page, store):
    at = _open(open_page, store)
    before = store.list_audits()
    sample_id = load_sample(store)
    backup = build_backup(store, sample_id)
    at.file_uploader(key=UPLOADER).set_value([("hollybrook.json", backup, JSON)]).run()
    assert not at.exception
    (message,) = _shown(at.error)
    assert "This audit is already in DataWalk" in message
    assert "Hollybrook Primary School" in message
    assert "delete it first or keep the existing one" in message
    assert "restore_apply" not in [button.key for button in at.button]
    assert store.list_audits() == before


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("cut.json", None, "looks truncated"),
        ("photo.json", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "not UTF-8"),
        ("notes.json", b"Dear governors,\nplease see the walk.", "not valid JSON"),
    ],
)
def test_a_bad_file_gets_one_clear_message_and_nothing_changes(
    open_page, store, other_backup, name, data, expected
):
    at = _open(open_page, store)
    before = store.list_audits()
    upload = other_backup[: len(other_backup) // 2] if data is None else data
    at.file_uploader(key=UPLOADER).set_value([(name, upload, JSON)]).run()
    assert not at.exception
    (message,) = _shown(at.error)
    assert message.startswith(f"{name} was not restored: ")
    assert expected in message
    assert "restore_apply" not in [button.key for button in at.button]
    assert store.list_audits() == before


def test_preview_names_the_audit_already_stored(store, other_backup):
    reads = Reads(store)
    preview = preview_backup(reads, other_backup, "quarry.json")
    assert preview.existing is None and preview.deleted is None
    restored = store.import_document(preview.backup.document, ACTOR)
    again = preview_backup(reads, other_backup, "quarry.json")
    assert again.existing is not None and "Quarry Bank Infants" in again.existing
    store.delete_audit(restored.id, ACTOR)
    after_deletion = preview_backup(reads, other_backup, "quarry.json")
    assert after_deletion.existing is None and ACTOR in (after_deletion.deleted or "")


def test_a_backup_can_be_restored_from_the_audits_page_with_no_audit_open(
    open_page, store, other_backup
) -> None:
    at = open_page("audits")
    before = {summary.id for summary in store.list_audits()}
    at.file_uploader(key=UPLOADER).set_value([("quarry.json", other_backup, JSON)]).run()
    at.button(key="restore_apply").click().run()

    assert not at.exception and not at.error
    (audit_id,) = {summary.id for summary in store.list_audits()} - before
    assert store.get_audit(audit_id).school.name == "Quarry Bank Infants [fictional]"


def _with_forged_event(backup: bytes, **changes: object) -> bytes:
    """The backup with an event in its trail that never happened: made-up actor and time."""
    raw = json.loads(backup)
    audit_id = raw["audit"]["id"]
    raw["trail"].append(
        {
            "id": "event-forged-0001",
            "audit_id": audit_id,
            "at": "2019-01-01T03:00:00Z",
            "actor": "Head Teacher (made up)",
            "entity": "audit",
            "entity_id": audit_id,
            "operation": "delete",
            "changes": changes,
        }
    )
    return json.dumps(raw).encode("utf-8")


def _row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar()
            for table in tables.metadata.sorted_tables
        }


def test_a_forged_trail_event_is_restored_as_imported_history_only(open_page, store, other_backup):
    at = _open(open_page, store)
    before = {summary.id for summary in store.list_audits()}
    upload = _with_forged_event(other_backup)
    at.file_uploader(key=UPLOADER).set_value([("quarry.json", upload, JSON)]).run()
    digest = hashlib.sha256(upload).hexdigest()
    assert any(f"imported history from backup {digest[:12]}" in t for t in _shown(at.caption))
    at.button(key="restore_apply").click().run()
    assert not at.exception and not at.error

    (audit_id,) = {summary.id for summary in store.list_audits()} - before
    (restore,) = store.list_trail(audit_id)
    assert restore.actor != "Head Teacher (made up)"
    assert restore.changes["restored_from_backup"]["new"]["sha256"] == digest
    imported = store.list_imported_trail(audit_id)
    (forged,) = [item for item in imported if item.event.id == "event-forged-0001"]
    assert (forged.event.actor, forged.event.at.year) == ("Head Teacher (made up)", 2019)
    assert forged.source_sha256 == digest and forged.imported_by == restore.actor


def test_a_20_mb_trail_string_is_refused_with_one_line_and_nothing_changes(
    open_page, store, other_backup
):
    at = _open(open_page, store)
    before = _row_counts(store)
    upload = _with_forged_event(other_backup, notes={"new": "x" * 20_000_000})
    at.file_uploader(key=UPLOADER).set_value([("huge-trail.json", upload, JSON)]).run()
    assert not at.exception
    (message,) = _shown(at.error)
    assert message.startswith("huge-trail.json was not restored: trail[")
    assert "event-forged-0001" in message and "20,000,000 characters" in message
    assert "\n" not in message
    assert "restore_apply" not in [button.key for button in at.button]
    assert _row_counts(store) == before


# --- files from outside are untrusted: photos and free text ------------------------------------

NAMED_NOTE = "Allergy poster shows Amelia Johnson with her photo."


def _with_notes(backup: bytes, note: str) -> bytes:
    raw = json.loads(backup)
    raw["findings"][0]["notes"] = note
    return json.dumps(raw).encode()


def _restored_notes(store, before: set[str]) -> list[str]:
    (new,) = {s.id for s in store.list_audits()} - before
    return [finding.notes for finding in store.list_findings(new)]


def test_an_identifier_in_a_backup_is_listed_and_needs_a_choice(open_page, store, other_backup):
    at = _open(open_page, store)
    before = {s.id for s in store.list_audits()}
    data = _with_notes(other_backup, NAMED_NOTE)
    at.file_uploader(key=UPLOADER).set_value([("quarry.json", data, JSON)]).run()
    assert any("may hold a pupil identifier" in w for w in _shown(at.warning))
    at.button(key="restore_apply").click().run()
    assert any("may hold a pupil identifier" in e for e in _shown(at.error))
    assert {s.id for s in store.list_audits()} == before

    at.button(key="restore_identifiers_replace_all").click().run()
    assert at.segmented_control(key="restore_identifiers_0").value == "replace"
    at.button(key="restore_apply").click().run()
    assert not at.exception
    notes = _restored_notes(store, before)
    assert NAMED_NOTE not in notes and any("[pupil]" in note for note in notes)


def test_a_backups_own_record_of_kept_identifiers_can_be_honoured(open_page, store, other_backup):
    raw = json.loads(_with_notes(other_backup, NAMED_NOTE))
    finding_id = raw["findings"][0]["id"]
    raw["trail"].append(
        {
            "id": "event-kept-0001",
            "audit_id": raw["audit"]["id"],
            "at": "2026-03-02T10:00:00Z",
            "actor": ACTOR,
            "entity": "finding",
            "entity_id": finding_id,
            "operation": "update",
            "changes": {"pupil_identifiers_kept": {"new": {"notes": ["person_name"]}}},
        }
    )
    at = _open(open_page, store)
    before = {s.id for s in store.list_audits()}
    at.file_uploader(key=UPLOADER).set_value([("quarry.json", json.dumps(raw).encode(), JSON)])
    at.run()
    at.button(key="restore_identifiers_keep_on_record").click().run()
    assert at.segmented_control(key="restore_identifiers_0").value == "keep"
    at.button(key="restore_apply").click().run()
    assert not at.exception
    assert NAMED_NOTE in _restored_notes(store, before)


@pytest.mark.parametrize("kind", ["forged", "empty"])
def test_a_claimed_redaction_record_is_redacted_again_and_awaits_review(
    open_page, store, backup_with_a_face, kind
):
    from datawalk.privacy import detect_faces

    store.delete_audit(load_sample(store), ACTOR)  # the file is the sample's: make room
    at = open_page("audits")
    before = {s.id for s in store.list_audits()}
    data = backup_with_a_face(kind)
    at.file_uploader(key=UPLOADER).set_value([("face.json", data, JSON)]).run()
    assert any("awaits your check" in str(message.value) for message in at.info)
    at.button(key="restore_apply").click().run()
    assert not at.exception
    (restored,) = {s.id for s in store.list_audits()} - before
    photos = [p for f in store.export_document(restored).findings for p in f.photos]
    jpeg = next(p for p in photos if p.media_type == "image/jpeg")
    assert jpeg.needs_review and detect_faces(jpeg.data) == []
    assert b"Model-GPS-Leak" not in jpeg.data
