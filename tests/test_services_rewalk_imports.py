"""A restored re-walk is scanned like any other text: the note on a resolved finding, the carried
reference and every string of a carried finding's copy, and carried actions' recommendations
and accepted-risk reasons are flagged exactly as the same text in a finding's note, refused
without a choice, replaced with [pupil] or kept on purpose (recorded by field and kind)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from stdnum.gb import upn

from datawalk.errors import ValidationError
from datawalk.interchange import attach_scores, dump_document
from datawalk.models import AuditStatus, RewalkState
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.imports import IdentifierChoices, preview_backup, restore_backup
from datawalk.services.rewalks import mark_previous_finding, start_rewalk
from datawalk.store import Store

ACTOR = Actor("Lead Consultant")
UPN = upn.calc_check_digit("801200005001") + "801200005001"
TEXTS = {
    "upn": f"Class list shows UPN {UPN}.",
    "nhs": "Care plan on the wall gives NHS number 943 476 5919.",
    "name": "Poster by the hatch shows Amelia Johnson with photo.",
    "dob": "Medication box labelled with DOB 04/05/2016.",
    "email": "Parent email jo.bloggs@example.com on the board.",
}
SECRETS = (UPN, "943 476 5919", "Amelia Johnson", "04/05/2016", "jo.bloggs@example.com")
KEPT = "pupil_identifiers_kept"


@pytest.fixture
def rewalk_json(store) -> bytes:
    """A re-walk of the sample as a backup, with identifiers typed into every re-walk text."""
    workspace = Workspace(store)
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=datetime(2026, 3, 9, tzinfo=UTC))
    resolved, still = store.rewalk_record(audit.id).items[0:4:3]
    mark_previous_finding(workspace, ACTOR, resolved.id, RewalkState.RESOLVED, note="Moved.")
    mark_previous_finding(workspace, ACTOR, still.id, RewalkState.STILL)
    raw = json.loads(dump_document(attach_scores(store.export_document(audit.id))))
    items, actions = raw["rewalk"]["items"], raw["rewalk"]["carried_actions"]
    assert len(items) >= 3 and actions
    items[0]["note"] = TEXTS["upn"]
    items[1]["previous"]["title"] = TEXTS["name"]
    items[2]["previous"]["notes"] = TEXTS["nhs"]  # smuggled: a copy never carries notes
    items[2]["previous"]["good_practice_note"] = TEXTS["email"]
    items[1]["previous_reference"] = UPN  # the column holds 16 characters
    actions[0]["accepted_reason"] = TEXTS["dob"]
    actions[0]["recommendation"] = TEXTS["name"]
    return json.dumps(raw).encode()


def _same_text_in_a_finding_note(rewalk_json: bytes, text: str) -> list[str]:
    """The kinds the scan finds when `text` is a finding's note in the same document."""
    raw = json.loads(rewalk_json)
    raw["findings"][0]["notes"] = text
    preview = preview_backup(json.dumps(raw).encode())
    key = f"finding:{raw['findings'][0]['id']}:notes"
    return next(item.kinds for item in preview.flagged if item.key == key)


def test_every_rewalk_text_is_flagged_as_the_same_text_in_a_finding_note(rewalk_json):
    preview = preview_backup(rewalk_json)
    flagged = {}
    for item in preview.flagged:
        flagged.setdefault(item.spot.text, []).append(item)
    assert set(TEXTS.values()) | {UPN} <= set(flagged)
    assert len(flagged[TEXTS["name"]]) == 2  # the carried title and the carried recommendation
    for text in [*TEXTS.values(), UPN]:
        expected = _same_text_in_a_finding_note(rewalk_json, text)
        assert all(item.kinds == expected for item in flagged[text])
    fields = {item.spot.field for item in preview.flagged}
    assert {"note", "previous_title", "previous_notes", "previous_reference"} <= fields
    assert "previous_good_practice_note" in fields
    assert {"recommendation", "accepted_reason"} <= fields


def test_a_rewalk_with_identifiers_is_refused_without_a_choice(rewalk_json, tmp_path):
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        preview = preview_backup(rewalk_json)
        with pytest.raises(ValidationError, match="may hold a pupil identifier"):
            restore_backup(Workspace(other), ACTOR, preview, IdentifierChoices())
        assert other.list_audits() == []
    finally:
        other.close()


def test_replace_leaves_no_identifier_in_the_restored_rewalk(rewalk_json, tmp_path):
    preview = preview_backup(rewalk_json)
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        choices = IdentifierChoices.replace_all(preview.flagged)
        audit = restore_backup(Workspace(other), ACTOR, preview, choices)
        record = other.rewalk_record(audit.id)
        stored = dump_document(other.export_document(audit.id))
    finally:
        other.close()
    for secret in SECRETS:
        assert secret not in stored
    assert "[pupil]" in record.items[0].note
    assert "[pupil]" in record.items[1].previous["title"]
    assert "[pupil]" in record.carried_actions[0].accepted_reason
    # the structured fields of the copies are untouched by the replacement
    original = json.loads(rewalk_json)["rewalk"]["items"]
    assert [i.previous["categories"] for i in record.items] == [
        i["previous"]["categories"] for i in original
    ]


def test_keep_stores_the_text_and_a_second_restore_honours_the_record(rewalk_json, tmp_path):
    preview = preview_backup(rewalk_json)
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        choices = IdentifierChoices.keep_all(preview.flagged)
        audit = restore_backup(Workspace(other), ACTOR, preview, choices)
        record = other.rewalk_record(audit.id)
        kept = [e for e in other.list_trail(audit.id) if KEPT in e.changes]
        again = preview_backup(dump_document(other.export_document(audit.id)).encode())
    finally:
        other.close()
    assert record.items[0].note == TEXTS["upn"]
    assert kept and UPN not in json.dumps([e.changes for e in kept])
    assert again.flagged
    assert {item.key for item in again.flagged} <= again.kept_on_record


def test_a_note_kept_on_the_walk_page_is_on_record_in_the_backup(store):
    workspace = Workspace(store)
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=datetime(2026, 3, 9, tzinfo=UTC))
    item = store.rewalk_record(audit.id).items[0]
    with pytest.raises(ValidationError, match="pupil identifier"):
        mark_previous_finding(workspace, ACTOR, item.id, RewalkState.RESOLVED, note=TEXTS["upn"])
    mark_previous_finding(
        workspace, ACTOR, item.id, RewalkState.RESOLVED, note=TEXTS["upn"], keep_note=True
    )
    preview = preview_backup(dump_document(attach_scores(store.export_document(audit.id))))
    assert f"finding:{item.id}:note" in {i.key for i in preview.flagged}
    assert f"finding:{item.id}:note" in preview.kept_on_record


def test_the_cli_refuses_a_rewalk_backup_with_identifiers(rewalk_json, tmp_path):
    from click.testing import CliRunner

    from datawalk.cli import main

    backup = tmp_path / "rewalk.json"
    backup.write_bytes(rewalk_json)
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    result = CliRunner().invoke(main, ["import", str(backup), "--db", url])
    assert result.exit_code != 0
    assert "may hold a pupil identifier" in result.stderr
    assert UPN not in result.stderr and "Amelia" not in result.stderr
