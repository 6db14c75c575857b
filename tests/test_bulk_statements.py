"""Bulk paths run a bounded number of SQL statements: counted with a SQLAlchemy event listener,
the action sync of a whole audit and the edited-workbook update of every action issue the same
number of statements for 40 findings as for 10, so neither grows with the number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from datawalk.checklist import pin_checklist
from datawalk.services import Actor, Workspace, actions

ACTOR = Actor("Test Consultant")


@contextmanager
def counted(store) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = store.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _audit_with(store, make_audit, make_location, make_finding, checklist, n: int) -> str:
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)
    location = store.add_location(make_location(audit.id), ACTOR.name)
    for _ in range(n):
        store.save_finding(make_finding(audit.id, location.id), ACTOR.name)
    return audit.id


def _sync_statements(store, audit_id: str) -> tuple[int, int]:
    with counted(store) as statements:
        created = actions.sync_default_actions(Workspace(store), ACTOR, audit_id)
    return len(statements), len(created)


def test_the_action_sync_is_a_fixed_number_of_statements(
    store, make_audit, make_location, make_finding, checklist
) -> None:
    small = _audit_with(store, make_audit, make_location, make_finding, checklist, 10)
    large = _audit_with(store, make_audit, make_location, make_finding, checklist, 40)
    few, made_few = _sync_statements(store, small)
    many, made_many = _sync_statements(store, large)
    assert (made_few, made_many) == (10, 40)
    assert many == few
    events = [e for e in store.list_trail(large) if e.entity == "action"]
    assert len(events) == 40  # still one trail event per action


def _update_statements(store, audit_id: str) -> int:
    edited = [
        a.model_copy(update={"owner": "Site manager", "notes": "Moved on the walk day."})
        for a in store.list_actions(audit_id)
    ]
    with counted(store) as statements:
        stored = store.apply_action_updates(audit_id, edited, ACTOR.name)
    assert {a.owner for a in stored} == {"Site manager"}
    return len(statements)


def test_updating_every_action_is_a_fixed_number_of_statements(
    store, make_audit, make_location, make_finding, checklist
) -> None:
    small = _audit_with(store, make_audit, make_location, make_finding, checklist, 10)
    large = _audit_with(store, make_audit, make_location, make_finding, checklist, 40)
    for audit_id in (small, large):
        actions.sync_default_actions(Workspace(store), ACTOR, audit_id)
    assert _update_statements(store, large) == _update_statements(store, small)
    updates = [
        e for e in store.list_trail(large) if e.entity == "action" and e.operation == "update"
    ]
    assert len(updates) == 40
