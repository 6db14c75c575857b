"""Importing an edited workbook that changes every action: the preview and the apply each run a
fixed number of SQL statements (counted with a SQLAlchemy event listener, the same for 40 actions
as for 10), the trail gets one event per changed action, and a bad row or a stale preview anywhere
in the sheet still changes nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from sqlalchemy import event

from datawalk.accounts.roles import Role
from datawalk.checklist import pin_checklist
from datawalk.errors import ConflictError, ValidationError
from datawalk.models import ActionStatus
from datawalk.services import Actor, Workspace, actions, imports
from datawalk.services.imports import IdentifierChoices
from datawalk.workbook import apply_action_updates, read_action_updates, write_workbook
from datawalk.workbook.changes import StoredAction
from datawalk.workbook.layout import ACTION_PLAN, EDITABLE_FIELDS

ACTOR = Actor("Test Consultant")


@contextmanager
def counted(store) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


@pytest.fixture
def planned(store, make_audit, make_location, make_finding, checklist):
    """Make an audit of `n` findings, each with its default action; return its id."""

    def make(n: int) -> str:
        audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)
        location = store.add_location(make_location(audit.id), ACTOR.name)
        for _ in range(n):
            store.save_finding(make_finding(audit.id, location.id), ACTOR.name)
        actions.sync_default_actions(Workspace(store), ACTOR, audit.id)
        return audit.id

    return make


def _edited(store, audit_id: str, **by_header: object) -> bytes:
    """The audit's workbook with every Action plan row's cells under these headers set."""
    book = openpyxl.load_workbook(io.BytesIO(write_workbook(store.export_document(audit_id))))
    sheet = book[ACTION_PLAN]
    headers = [cell.value for cell in sheet[1]]
    for header, value in by_header.items():
        col = headers.index(header) + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _set_cell(data: bytes, header: str, row: int, value: object) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[ACTION_PLAN]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=row, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _state(store, audit_id: str) -> tuple:
    return (
        store.list_actions(audit_id),
        store.audit_version(audit_id),
        len(store.list_trail(audit_id)),
    )


def test_the_stored_view_holds_exactly_the_editable_fields() -> None:
    assert StoredAction._fields == ("version", *EDITABLE_FIELDS)


def test_preview_and_apply_are_a_fixed_number_of_statements(store, planned) -> None:
    counts = []
    for n in (10, 40):
        audit_id = planned(n)
        data = _edited(store, audit_id, Owner="Site manager", Status="In progress")
        with counted(store) as preview:
            changes = read_action_updates(data, store, audit_id=audit_id)
        with counted(store) as apply:
            applied = apply_action_updates(store, changes, ACTOR.name)
        assert applied == n
        assert {(a.owner, a.status.value) for a in store.list_actions(audit_id)} == {
            ("Site manager", "in_progress")
        }
        counts.append((len(preview), len(apply)))
    assert counts[0] == counts[1]


def test_the_trail_records_one_event_per_changed_action(store, planned) -> None:
    audit_id = planned(12)
    before = {a.id: a for a in store.list_actions(audit_id)}
    data = _edited(store, audit_id, Owner="Site manager", Notes="Checked with the office")
    apply_action_updates(store, read_action_updates(data, store, audit_id=audit_id), ACTOR.name)
    updates = [
        e for e in store.list_trail(audit_id) if e.entity == "action" and e.operation == "update"
    ]
    assert sorted(e.entity_id for e in updates) == sorted(before)
    for trail_event in updates:
        assert trail_event.actor == ACTOR.name
        assert trail_event.changes == {
            "owner": {"old": before[trail_event.entity_id].owner, "new": "Site manager"},
            "notes": {"changed": True},  # free text: only the fact of the change
        }
    assert {a.version for a in store.list_actions(audit_id)} == {
        a.version + 1 for a in before.values()
    }


@pytest.mark.parametrize(
    ("header", "value", "words"),
    [
        ("Status", "Sort of done", "not a status"),
        ("Owner", "x" * 300, "'Owner'"),
        ("Due date", "next Tuesday", "not a date"),
    ],
)
def test_a_bad_last_row_of_a_whole_sheet_edit_changes_nothing(
    store, planned, header, value, words
) -> None:
    audit_id = planned(15)
    data = _edited(store, audit_id, Owner="Site manager")
    last = 1 + len(store.list_actions(audit_id))
    data = _set_cell(data, header, last, value)
    before = _state(store, audit_id)
    with pytest.raises(ValidationError) as raised:
        read_action_updates(data, store, audit_id=audit_id)
    assert f"row {last}" in str(raised.value)
    assert words in str(raised.value)
    assert _state(store, audit_id) == before


def test_an_action_changed_after_the_preview_refuses_the_whole_apply(store, planned) -> None:
    audit_id = planned(10)
    changes = read_action_updates(
        _edited(store, audit_id, Owner="Site manager"), store, audit_id=audit_id
    )
    # Someone edits another field of one of the actions between preview and apply.
    other = store.list_actions(audit_id)[-1]
    store.save_action(other.model_copy(update={"recommendation": "Lock the cupboard"}), "Other")
    before = _state(store, audit_id)
    with pytest.raises(ConflictError):
        apply_action_updates(store, changes, ACTOR.name)
    assert _state(store, audit_id) == before


def test_a_workbook_acceptance_is_checked_like_any_other(store, planned) -> None:
    """The status comes from the sheet as text; the permission rules still see an acceptance,
    so a consultant accepting a risk in their own name is refused and nothing changes."""
    audit_id = planned(10)
    school = store.audit_school_id(audit_id)
    consultant = Actor("Casey Consultant", role=Role.CONSULTANT, school_ids=frozenset({school}))
    data = _edited(
        store,
        audit_id,
        Status="Risk accepted",
        **{
            "Accepted reason": "Moving the office next term",
            "Accepted by": consultant.name,
            "Accepted on": date(2026, 3, 4),
        },
    )
    workspace = Workspace(store)
    preview = imports.preview_workbook(workspace, data, audit_id=audit_id)
    before = _state(store, audit_id)
    with pytest.raises(ValidationError, match="school person"):
        imports.apply_workbook(workspace, consultant, preview, IdentifierChoices())
    assert _state(store, audit_id) == before
    named = _edited(
        store,
        audit_id,
        Status="Risk accepted",
        **{
            "Accepted reason": "Moving the office next term",
            "Accepted by": "Pat Head (fictional)",
            "Accepted on": date(2026, 3, 4),
        },
    )
    preview = imports.preview_workbook(workspace, named, audit_id=audit_id)
    assert imports.apply_workbook(workspace, consultant, preview, IdentifierChoices()) == 10
    assert {a.status for a in store.list_actions(audit_id)} == {ActionStatus.RISK_ACCEPTED}


def test_an_edit_changed_after_the_preview_is_checked_again(store, planned) -> None:
    """A value replaced after the preview (an identifier cleaned to [pupil]) is checked again
    on apply: too long a value is refused and nothing changes."""
    audit_id = planned(10)
    changes = read_action_updates(
        _edited(store, audit_id, Owner="Site manager"), store, audit_id=audit_id
    )
    first = changes.changes[0]
    too_long = [first._replace(new="x" * 300), *changes.changes[1:]]
    edited = replace(changes, changes=too_long, unchecked=frozenset({first.action_id}))
    before = _state(store, audit_id)
    with pytest.raises(ValidationError, match=f"row {first.row}"):
        apply_action_updates(store, edited, ACTOR.name)
    assert _state(store, audit_id) == before


def test_a_bad_value_on_many_rows_names_the_first_of_them(store, planned) -> None:
    audit_id = planned(8)
    data = _edited(store, audit_id, Owner="Site manager")
    for row in (7, 4, 9):
        data = _set_cell(data, "Owner", row, "x" * 300)
    with pytest.raises(ValidationError, match="row 4: 'Owner'"):
        read_action_updates(data, store, audit_id=audit_id)


def test_cells_equal_in_value_are_still_read_by_their_own_type(store, planned) -> None:
    """Python counts TRUE equal to 1, but an owner typed as TRUE is "True", not "1"."""
    audit_id = planned(4)
    data = _set_cell(_edited(store, audit_id, Owner=1), "Owner", 4, True)
    changes = read_action_updates(data, store, audit_id=audit_id)
    owners = {change.row: change.new for change in changes.changes if change.field == "owner"}
    assert owners == {2: "1", 3: "1", 4: "True", 5: "1"}
