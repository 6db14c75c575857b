"""Imports are an untrusted boundary: every free-text field of a JSON restore or an edited
workbook is scanned for pupil identifiers, and nothing is stored until each flagged field is
replaced with [pupil] or kept on purpose (recorded in the trail by field and kind)."""

from __future__ import annotations

import io
import json

import openpyxl
import phonenumbers
import pytest
from stdnum.gb import upn

from datawalk.errors import ValidationError
from datawalk.interchange import dump_document
from datawalk.samples import load_sample, sample_audit_id, sample_document
from datawalk.services import Actor, Workspace
from datawalk.services.imports import (
    IdentifierChoices,
    apply_workbook,
    preview_backup,
    preview_workbook,
    restore_backup,
)
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import ACTION_PLAN

ACTOR = Actor("Test Consultant")
UPN = upn.calc_check_digit("801200005001") + "801200005001"
MOBILE = phonenumbers.format_number(
    phonenumbers.example_number_for_type("GB", phonenumbers.PhoneNumberType.MOBILE),
    phonenumbers.PhoneNumberFormat.NATIONAL,
)
NOTES = {
    "upn": f"Class list shows UPN {UPN}.",
    "dob": "Medication box labelled with DOB 04/05/2016.",
    "phone": f"Emergency contact {MOBILE} on the board.",
    "name": "Poster by the hatch shows Amelia Johnson with photo.",
}
KEPT = "pupil_identifiers_kept"


def _backup_with_identifiers() -> bytes:
    raw = json.loads(dump_document(sample_document()))
    for finding, note in zip(raw["findings"], NOTES.values(), strict=False):
        finding["notes"] = note
    return json.dumps(raw).encode()


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


def test_every_identifier_in_a_backup_is_flagged_by_field():
    preview = preview_backup(_backup_with_identifiers())
    flagged = {item.spot.text: item.kinds for item in preview.flagged}
    assert set(NOTES.values()) <= set(flagged)
    assert "upn" in flagged[NOTES["upn"]]
    assert "date_of_birth" in flagged[NOTES["dob"]]
    assert "uk_phone" in flagged[NOTES["phone"]]
    assert "person_name" in flagged[NOTES["name"]]


def test_a_backup_with_identifiers_is_refused_without_a_choice_and_nothing_is_written(
    workspace, store
):
    preview = preview_backup(_backup_with_identifiers())
    with pytest.raises(ValidationError, match="may hold a pupil identifier"):
        restore_backup(workspace, ACTOR, preview, IdentifierChoices())
    assert store.list_audits() == []


def test_replace_stores_pupil_in_place_of_every_identifier(workspace, store):
    preview = preview_backup(_backup_with_identifiers())
    audit = restore_backup(
        workspace, ACTOR, preview, IdentifierChoices.replace_all(preview.flagged)
    )
    notes = " ".join(f.notes for f in store.list_findings(audit.id))
    assert "[pupil]" in notes
    for secret in (UPN, "04/05/2016", MOBILE, "Amelia Johnson"):
        assert secret not in notes
    assert not [e for e in store.list_trail(audit.id) if KEPT in e.changes]


def test_keep_stores_the_text_and_records_the_choice_by_field_and_kind_only(workspace, store):
    preview = preview_backup(_backup_with_identifiers())
    audit = restore_backup(workspace, ACTOR, preview, IdentifierChoices.keep_all(preview.flagged))
    notes = [f.notes for f in store.list_findings(audit.id)]
    assert set(NOTES.values()) <= set(notes)
    kept = [e for e in store.list_trail(audit.id) if KEPT in e.changes]
    assert kept and all(e.actor == ACTOR.name for e in kept)
    recorded = json.dumps([e.changes for e in kept])
    assert UPN not in recorded and "Amelia" not in recorded


def test_a_backups_own_trail_says_which_identifiers_were_kept_on_purpose(workspace, store):
    first = preview_backup(_backup_with_identifiers())
    audit = restore_backup(workspace, ACTOR, first, IdentifierChoices.keep_all(first.flagged))
    backup = dump_document(store.export_document(audit.id)).encode()
    again = preview_backup(backup)
    assert again.flagged
    assert {item.key for item in again.flagged} <= again.kept_on_record


def _sample_workbook(store) -> bytes:
    load_sample(store, "Test Consultant")
    document = store.export_document(sample_audit_id())
    return write_workbook(document)


def _edit_first_action(data: bytes, header: str, value: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[ACTION_PLAN]
    column = [cell.value for cell in sheet[1]].index(header) + 1
    sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("note", [NOTES["name"], NOTES["phone"], NOTES["upn"]])
def test_identifiers_typed_into_an_edited_workbook_are_flagged_and_refused(workspace, store, note):
    edited = _edit_first_action(_sample_workbook(store), "Notes", note)
    before = store.list_actions(sample_audit_id())
    preview = preview_workbook(workspace, edited)
    assert [item.spot.text for item in preview.flagged] == [note]
    with pytest.raises(ValidationError, match="may hold a pupil identifier"):
        apply_workbook(workspace, ACTOR, preview, IdentifierChoices())
    assert store.list_actions(sample_audit_id()) == before
    apply_workbook(workspace, ACTOR, preview, IdentifierChoices.replace_all(preview.flagged))
    notes = [a.notes for a in store.list_actions(sample_audit_id())]
    assert note not in notes and any("[pupil]" in n for n in notes)


# --- the command line ------------------------------------------------------------------


def _cli(*args: str):
    from click.testing import CliRunner

    from datawalk.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _audits(url: str) -> list[str]:
    from datawalk.store import Store

    store = Store.open(url)
    try:
        return [summary.id for summary in store.list_audits()]
    finally:
        store.close()


def test_the_cli_refuses_a_backup_with_identifiers_unless_told_what_to_do(tmp_path):
    backup = tmp_path / "backup.json"
    backup.write_bytes(_backup_with_identifiers())
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    refused = _cli("import", str(backup), "--db", url)
    assert refused.exit_code != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "may hold a pupil identifier" in lines[0]
    assert UPN not in refused.stderr and "Amelia" not in refused.stderr
    assert _audits(url) == []


def test_the_cli_keeps_identifiers_only_when_asked_and_logs_it(tmp_path):
    from datawalk.store import Store

    backup = tmp_path / "backup.json"
    backup.write_bytes(_backup_with_identifiers())
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    result = _cli("import", str(backup), "--db", url, "--keep-identifiers")
    assert result.exit_code == 0, result.output
    assert "kept (recorded in the audit trail)" in result.stderr
    store = Store.open(url)
    try:
        audit_id = store.list_audits()[0].id
        assert NOTES["upn"] in [f.notes for f in store.list_findings(audit_id)]
        kept = [e for e in store.list_trail(audit_id) if KEPT in e.changes]
        assert kept and {e.actor for e in kept} == {"cli"}
    finally:
        store.close()


def test_the_cli_replaces_identifiers_in_an_edited_workbook_when_asked(tmp_path, store):
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    assert _cli("sample", "--db", url).exit_code == 0
    from datawalk.store import Store

    opened = Store.open(url)
    try:
        edited = _edit_first_action(
            write_workbook(opened.export_document(sample_audit_id())), "Notes", NOTES["phone"]
        )
    finally:
        opened.close()
    path = tmp_path / "edited.xlsx"
    path.write_bytes(edited)
    assert _cli("import", str(path), "--db", url).exit_code != 0
    result = _cli("import", str(path), "--db", url, "--replace-identifiers")
    assert result.exit_code == 0, result.output
    opened = Store.open(url)
    try:
        notes = [a.notes for a in opened.list_actions(sample_audit_id())]
    finally:
        opened.close()
    assert NOTES["phone"] not in notes and any("[pupil]" in n for n in notes)
