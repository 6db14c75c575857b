"""The Excel round trip: leadership edits the Action plan in Excel (here: openpyxl), the workbook
comes back, the preview names exactly what changes, and applying it is all or nothing. Every
rejection leaves the database exactly as it was."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from datetime import date

import openpyxl
import pytest

from datawalk.checklist import pin_checklist
from datawalk.errors import ConflictError, InterchangeError, ValidationError
from datawalk.models import ActionStatus, AuditDocument
from datawalk.samples import sample_document
from datawalk.workbook import (
    apply_action_updates,
    import_action_updates,
    read_action_updates,
    write_workbook,
)
from datawalk.workbook.layout import ACTION_PLAN, MARKER, PROPERTY_AUDIT
from datawalk.workbook.safety import UploadLimits, check_workbook_bytes

ACTOR = "Head teacher (fictional)"


@pytest.fixture
def stored(store, checklist) -> AuditDocument:
    """The sample walk, pinned to the bundled checklist, imported into the test's store."""
    sample = sample_document()
    audit = sample.audit.model_copy(update={"checklist": pin_checklist(checklist)})
    store.import_document(sample.model_copy(update={"audit": audit}), ACTOR)
    return store.export_document(audit.id)


@pytest.fixture
def exported(stored) -> bytes:
    return write_workbook(stored)


@pytest.fixture
def snapshot(store, stored) -> Callable[[], tuple]:
    """What must not change when an import is refused: actions, audit version, trail length."""

    def take() -> tuple:
        audit_id = stored.audit.id
        return (
            store.list_actions(audit_id),
            store.audit_version(audit_id),
            len(store.list_trail(audit_id)),
        )

    return take


def _edit(data: bytes, sheet: str = ACTION_PLAN, **cells: object) -> bytes:
    """Edit cells with openpyxl, as a spreadsheet program would, and save a fresh copy."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        book[sheet][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(data: bytes, header: str) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    headers = [cell.value for cell in book[ACTION_PLAN][1]]
    return openpyxl.utils.get_column_letter(headers.index(header) + 1)


def _action_id(data: bytes, row: int) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book[ACTION_PLAN][f"{_column(data, 'Action ID')}{row}"].value


def test_unchanged_workbook_changes_nothing(store, stored, exported):
    changes = read_action_updates(exported, store, audit_id=stored.audit.id)
    assert changes.is_empty
    assert changes.rows_read == len(stored.actions)


def test_edited_statuses_are_previewed_then_applied(store, stored, exported, snapshot):
    status = _column(exported, "Status")
    first, second = _action_id(exported, 2), _action_id(exported, 3)
    edited = _edit(exported, **{f"{status}2": "In progress", f"{status}3": "Done"})
    before = {a.id: a for a in store.list_actions(stored.audit.id)}

    changes = read_action_updates(edited, store, audit_id=stored.audit.id, filename="x.xlsx")
    expected = {
        (first, ActionStatus.IN_PROGRESS),
        (second, ActionStatus.DONE),
    }
    expected = {(i, s) for i, s in expected if before[i].status != s}
    assert {(c.action_id, c.new) for c in changes.changes} == expected
    assert all(c.field == "status" and c.old == before[c.action_id].status for c in changes.changes)

    apply_action_updates(store, changes, ACTOR)
    after = {a.id: a for a in store.list_actions(stored.audit.id)}
    assert after[first].status == ActionStatus.IN_PROGRESS
    assert after[second].status == ActionStatus.DONE
    untouched = set(after) - {first, second}
    assert all(after[i] == before[i] for i in untouched)


def test_preview_writes_nothing(store, stored, exported, snapshot):
    before = snapshot()
    edited = _edit(exported, **{f"{_column(exported, 'Owner')}2": "Deputy head"})
    changes = read_action_updates(edited, store, audit_id=stored.audit.id)
    assert [(c.field, c.new) for c in changes.changes] == [("owner", "Deputy head")]
    assert snapshot() == before


def test_owner_dates_notes_and_acceptance_round_trip(store, stored, exported):
    row = 2
    action_id = _action_id(exported, row)
    cells = {
        f"{_column(exported, 'Owner')}{row}": "Chair of governors",
        f"{_column(exported, 'Due date')}{row}": date(2026, 1, 31),
        f"{_column(exported, 'Status')}{row}": "Risk accepted",
        f"{_column(exported, 'Notes')}{row}": "=SUM(1,2) is text here",
        f"{_column(exported, 'Accepted reason')}{row}": "Building works end in April",
        f"{_column(exported, 'Accepted by')}{row}": "Chair of governors",
        f"{_column(exported, 'Accepted on')}{row}": "14/03/2026",
    }
    edited = _edit(exported, **cells)
    book = openpyxl.load_workbook(io.BytesIO(edited))
    notes_cell = book[ACTION_PLAN][f"{_column(exported, 'Notes')}{row}"]
    notes_cell.value = "=SUM(1,2) is text here"
    notes_cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    import_action_updates(out.getvalue(), store, ACTOR, audit_id=stored.audit.id)
    action = next(a for a in store.list_actions(stored.audit.id) if a.id == action_id)
    assert action.owner == "Chair of governors"
    assert action.due_date == date(2026, 1, 31)
    assert action.status == ActionStatus.RISK_ACCEPTED
    assert action.notes == "=SUM(1,2) is text here"
    assert action.accepted_reason == "Building works end in April"
    assert action.accepted_on == date(2026, 3, 14)


def test_a_governors_workbook_is_for_reading_and_is_refused_with_a_reason(store, stored):
    governors = write_workbook(stored, edition="governors")
    status = _column(governors, "Status")
    edited = _edit(governors, **{f"{status}2": "Open", f"{status}3": "Open"})
    before = [a.model_dump() for a in store.list_actions(stored.audit.id)]
    with pytest.raises(InterchangeError, match="governors workbook, which is for reading"):
        read_action_updates(edited, store, audit_id=stored.audit.id)
    assert [a.model_dump() for a in store.list_actions(stored.audit.id)] == before


def test_cli_path_finds_the_audit_from_the_marker(store, stored, exported):
    edited = _edit(exported, **{f"{_column(exported, 'Owner')}2": "Site manager"})
    changes = import_action_updates(edited, store, ACTOR)
    assert changes.audit_id == stored.audit.id
    assert any(a.owner == "Site manager" for a in store.list_actions(stored.audit.id))


def test_apply_refuses_a_stale_preview(store, stored, exported, snapshot):
    owner = _column(exported, "Owner")
    changes = read_action_updates(_edit(exported, **{f"{owner}2": "Deputy head"}), store)
    action = next(
        a for a in store.list_actions(stored.audit.id) if a.id == changes.changes[0].action_id
    )
    store.save_action(action.model_copy(update={"owner": "Someone else"}), ACTOR)
    before = snapshot()
    with pytest.raises(ConflictError):
        apply_action_updates(store, changes, ACTOR)
    assert snapshot() == before


# --- rejections: each names the problem (and the row where there is one), and changes nothing --


def _zip_with(
    data: bytes,
    extra: dict[str, bytes],
    replace: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            target.writestr(
                item.filename, (replace or {}).get(item.filename, source.read(item.filename))
            )
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def _macro_content_types(data: bytes) -> bytes:
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    macro = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return _zip_with(data, {}, {"[Content_Types].xml": macro.encode()})


def _other_audit(stored: AuditDocument) -> bytes:
    """The same walk exported under another audit id, as a second audit's workbook would be."""
    other = stored.audit.model_copy(update={"id": "another-audit-0001"})
    return write_workbook(stored.model_copy(update={"audit": other}))


def _bomb(_: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def _not_datawalk(_: bytes) -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def _cell_edit(header: str, value: object, row: int = 3) -> Callable[[bytes], bytes]:
    return lambda data: _edit(data, **{f"{_column(data, header)}{row}": value})


REJECTIONS: dict[str, tuple[Callable[[bytes], bytes], str | None, type, str]] = {
    "unknown action": (
        _cell_edit("Action ID", "no-such-action-0"),
        None,
        InterchangeError,
        "row 3: unknown action",
    ),
    "unknown finding reference": (
        _cell_edit("Findings", "F-999"),
        None,
        InterchangeError,
        "row 3: unknown finding reference 'F-999'",
    ),
    "invalid status": (
        _cell_edit("Status", "Finished"),
        None,
        ValidationError,
        "row 3: 'Finished' is not a status",
    ),
    "bad date": (
        _cell_edit("Due date", "next week"),
        None,
        ValidationError,
        "row 3: 'Due date' is not a date",
    ),
    "risk accepted without reason": (
        lambda d: _edit(
            d,
            **{
                f"{_column(d, 'Status')}3": "Risk accepted",
                f"{_column(d, 'Accepted by')}3": "Chair of governors",
                f"{_column(d, 'Accepted on')}3": date(2026, 1, 5),
            },
        ),
        None,
        ValidationError,
        "row 3: Risk accepted needs the reason",
    ),
    "risk accepted without acceptor": (
        lambda d: _edit(
            d,
            **{
                f"{_column(d, 'Status')}3": "Risk accepted",
                f"{_column(d, 'Accepted reason')}3": "Cost",
                f"{_column(d, 'Accepted on')}3": date(2026, 1, 5),
            },
        ),
        None,
        ValidationError,
        "row 3: Risk accepted needs who accepted it",
    ),
    "risk accepted without date": (
        lambda d: _edit(
            d,
            **{
                f"{_column(d, 'Status')}3": "Risk accepted",
                f"{_column(d, 'Accepted reason')}3": "Cost",
                f"{_column(d, 'Accepted by')}3": "Chair of governors",
                f"{_column(d, 'Accepted on')}3": None,
            },
        ),
        None,
        ValidationError,
        "row 3: Risk accepted needs the date",
    ),
    "bad acceptance date": (
        _cell_edit("Accepted on", "31/02/2026"),
        None,
        ValidationError,
        "row 3: 'Accepted on' is not a date",
    ),
    "duplicate row": (
        lambda d: _edit(d, **{f"{_column(d, 'Action ID')}3": _action_id(d, 2)}),
        None,
        InterchangeError,
        "row 3: the same action is also on row 2",
    ),
    "non-xlsx file": (
        lambda _: b"name,status\nF-001,done\n",
        None,
        InterchangeError,
        "not an Excel .xlsx workbook",
    ),
    "zip that is not a workbook": (
        lambda _: _zip_only(),
        None,
        InterchangeError,
        "not an Excel .xlsx workbook",
    ),
    "truncated file": (lambda d: d[: len(d) // 2], None, InterchangeError, "truncated"),
    "xlsm by name": (lambda d: d, "edited.xlsm", InterchangeError, "macro-enabled"),
    "xlsm content type": (_macro_content_types, None, InterchangeError, "macro-enabled"),
    "vbaProject.bin": (
        lambda d: _zip_with(d, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        None,
        InterchangeError,
        "macros",
    ),
    "zip bomb": (_bomb, None, InterchangeError, "zip bomb"),
    "oversized": (
        lambda d: d + b"\0" * (21 * 1024 * 1024),
        None,
        InterchangeError,
        "largest workbook accepted",
    ),
    "not from DataWalk": (_not_datawalk, None, InterchangeError, "no audit marker"),
    "marker and property disagree": (
        lambda d: _zip_with(
            d,
            {},
            {
                "docProps/custom.xml": zipfile.ZipFile(io.BytesIO(d))
                .read("docProps/custom.xml")
                .replace(b">" + _marker_id(d).encode() + b"<", b">other-id<")
            },
        ),
        None,
        InterchangeError,
        "different audits",
    ),
}


def _zip_only() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("hello.txt", "hi")
    return out.getvalue()


def _marker_id(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {row[0]: row[1] for row in book[MARKER].iter_rows(values_only=True)}["audit_id"]


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_rejections_name_the_problem_and_change_nothing(store, stored, exported, snapshot, case):
    make, filename, error, message = REJECTIONS[case]
    bad = make(exported)
    before = snapshot()
    with pytest.raises(error) as caught:
        import_action_updates(bad, store, ACTOR, audit_id=stored.audit.id, filename=filename)
    assert message.casefold() in str(caught.value).casefold()
    assert snapshot() == before


def test_a_workbook_from_another_audit_is_refused(store, stored, snapshot):
    before = snapshot()
    with pytest.raises(InterchangeError, match="exported from another audit"):
        import_action_updates(_other_audit(stored), store, ACTOR, audit_id=stored.audit.id)
    with pytest.raises(InterchangeError, match="not in this database"):
        import_action_updates(_other_audit(stored), store, ACTOR)
    assert snapshot() == before


def test_zip_bomb_is_refused_before_any_part_is_inflated(monkeypatch):
    bomb = _bomb(b"")
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("inflated"))
    with pytest.raises(InterchangeError, match="zip bomb"):
        check_workbook_bytes(bomb)


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite a part's uncompressed size in its local header and central directory entry."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    entry = patched.find(b"PK\x01\x02")
    while True:
        length = struct.unpack_from("<H", patched, entry + 28)[0]
        if bytes(patched[entry + 46 : entry + 46 + length]).decode() == name:
            break
        entry = patched.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", patched, entry + 24, size)
    return bytes(patched)


def test_a_part_that_lies_about_its_size_is_refused(exported):
    with pytest.raises(InterchangeError, match="damaged"):
        check_workbook_bytes(_declare_size(exported, "xl/sharedStrings.xml", 100))


def test_total_unpacked_size_is_bounded(exported):
    with pytest.raises(InterchangeError, match="unpack"):
        check_workbook_bytes(exported, limits=UploadLimits(max_uncompressed=10_000))


def test_custom_property_names_the_audit_in_the_marker(exported, stored):
    props = zipfile.ZipFile(io.BytesIO(exported)).read("docProps/custom.xml").decode()
    assert PROPERTY_AUDIT in props and stored.audit.id in props
