"""The export page in AppTest: it renders both downloads; an uploaded edited workbook is previewed
row by row and applied only on the button; a bad upload is refused with nothing changed.

AppTest never calls a deferred download's callable, so the bytes are checked through the same
builders the buttons use (`datawalk.workbook.downloads`)."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from datawalk.models import ActionStatus
from datawalk.samples import load_sample
from datawalk.store import Store
from datawalk.workbook.downloads import build_backup, build_workbook, workbook_file_name
from datawalk.workbook.layout import ACTION_PLAN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def sample_id(app_db) -> str:
    store = Store.open(app_db)
    try:
        return load_sample(store)
    finally:
        store.close()


@pytest.fixture
def store(app_db):
    opened = Store.open(app_db)
    yield opened
    opened.close()


def _edited(data: bytes, status: str = "Open") -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[ACTION_PLAN]
    headers = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=headers.index("Status") + 1).value = status
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_page_offers_both_downloads(open_page, sample_id, store):
    at = open_page("export", audit=sample_id)
    assert not at.exception
    assert at.segmented_control(key="export_edition").value == "leadership"
    assert at.text_input(key="export_marking").value == "OFFICIAL-SENSITIVE"
    workbook = build_workbook(store, sample_id, "governors", "OFFICIAL")
    assert zipfile.ZipFile(io.BytesIO(workbook)).testzip() is None
    backup = json.loads(build_backup(store, sample_id))
    assert backup["audit"]["id"] == sample_id
    name = workbook_file_name(store.get_audit(sample_id))
    assert name.startswith("datawalk-hollybrook-primary-school") and name.endswith(".xlsx")


def test_bad_marking_is_refused_at_the_field(open_page, sample_id):
    at = open_page("export", audit=sample_id)
    at.text_input(key="export_marking").input("   ").run()
    assert any("protective marking" in str(error.value) for error in at.error)


def test_opening_the_page_adds_missing_default_actions(open_page, sample_id, store):
    hand_made = len(store.list_actions(sample_id))
    open_page("export", audit=sample_id)
    assert len(store.list_actions(sample_id)) > hand_made


def test_upload_previews_then_applies(open_page, sample_id, store):
    at = open_page("export", audit=sample_id)
    data = _edited(build_workbook(store, sample_id))
    before = {a.id: a.status for a in store.list_actions(sample_id)}
    at.file_uploader(key="export_upload_0").set_value([("edited.xlsx", data, XLSX)]).run()
    assert not at.exception
    preview = at.dataframe[0].value
    expected = sum(1 for status in before.values() if status != ActionStatus.OPEN)
    assert len(preview) == expected
    assert set(preview["New"]) == {"Open"}
    assert {a.id: a.status for a in store.list_actions(sample_id)} == before

    at.button(key="export_apply").click().run()
    assert not at.exception
    assert {a.status for a in store.list_actions(sample_id)} == {ActionStatus.OPEN}
    assert any("Applied" in str(message.value) for message in at.success)


def test_bad_upload_is_refused_and_changes_nothing(open_page, sample_id, store):
    at = open_page("export", audit=sample_id)
    before = store.list_actions(sample_id)
    at.file_uploader(key="export_upload_0").set_value(
        [("edited.xlsx", b"not a workbook at all", XLSX)]
    ).run()
    assert not at.exception
    assert any("not an Excel .xlsx workbook" in str(error.value) for error in at.error)
    assert "export_apply" not in [button.key for button in at.button]
    assert store.list_actions(sample_id) == before


def _with_note(data: bytes, note: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[ACTION_PLAN]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("Notes") + 1).value = note
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NAMED_NOTE = "Spoke to Amelia Johnson's mum about the poster."


def test_an_identifier_in_an_edited_workbook_needs_a_choice_before_it_is_applied(
    open_page, sample_id, store
):
    at = open_page("export", audit=sample_id)
    data = _with_note(build_workbook(store, sample_id), NAMED_NOTE)
    at.file_uploader(key="export_upload_0").set_value([("edited.xlsx", data, XLSX)]).run()
    assert any("may hold a pupil identifier" in str(w.value) for w in at.warning)
    before = store.list_actions(sample_id)
    at.button(key="export_apply").click().run()
    assert any("may hold a pupil identifier" in str(e.value) for e in at.error)
    assert store.list_actions(sample_id) == before

    at.segmented_control(key="export_identifiers_0").set_value("replace")
    at.button(key="export_apply").click().run()
    assert not at.exception
    notes = [action.notes for action in store.list_actions(sample_id)]
    assert NAMED_NOTE not in notes and any("[pupil]" in note for note in notes)


def test_keeping_an_identifier_from_a_workbook_is_recorded_in_the_trail(
    open_page, sample_id, store
):
    at = open_page("export", audit=sample_id)
    data = _with_note(build_workbook(store, sample_id), NAMED_NOTE)
    at.file_uploader(key="export_upload_0").set_value([("edited.xlsx", data, XLSX)]).run()
    at.segmented_control(key="export_identifiers_0").set_value("keep")
    at.button(key="export_apply").click().run()
    assert NAMED_NOTE in [action.notes for action in store.list_actions(sample_id)]
    kept = [e for e in store.list_trail(sample_id) if "pupil_identifiers_kept" in e.changes]
    assert kept and kept[-1].entity == "action"
    assert "Amelia" not in json.dumps(kept[-1].changes)


def _download_labels(at) -> dict[str, bool]:
    """Each download button's label and whether it is disabled."""
    return {
        element.proto.label: element.proto.disabled
        for element in at.get("download_button")
        if hasattr(element, "proto")
    }


def test_page_offers_the_pdf_report_with_the_configured_marking(
    open_page, sample_id, store, monkeypatch
):
    monkeypatch.setenv("DATAWALK_PROTECTIVE_MARKING", "OFFICIAL [ACADEMY SCHEME]")
    at = open_page("export", audit=sample_id)
    assert not at.exception
    assert at.text_input(key="export_marking").value == "OFFICIAL [ACADEMY SCHEME]"
    assert _download_labels(at)["Download PDF report"] is False
    from datawalk.report import build_report, report_file_name

    report = build_report(store, sample_id, "governors", "OFFICIAL [ACADEMY SCHEME]")
    assert report.startswith(b"%PDF") and b"/StructTreeRoot" in report
    name = report_file_name(store.get_audit(sample_id), "governors")
    assert name.startswith("datawalk-hollybrook-primary-school") and name.endswith("governors.pdf")


def test_a_bad_marking_disables_the_pdf_report(open_page, sample_id):
    at = open_page("export", audit=sample_id)
    at.text_input(key="export_marking").input("   ").run()
    assert _download_labels(at)["Download PDF report"] is True
