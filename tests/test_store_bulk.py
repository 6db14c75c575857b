"""`execute_many` sends rows straight to the driver, so it must store exactly what SQLAlchemy's own
executemany stores (dates, UTC datetimes, JSON, enums as text), refuse what the engine's value
guard refuses before anything is sent, and report the rows an UPDATE matched; on both engines."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)

from datawalk.errors import ValidationError
from datawalk.models import ActionStatus, new_ids
from datawalk.store.bulk import execute_many
from datawalk.store.columns import UTCDateTime, json_column

metadata = MetaData()
samples = Table(
    "bulk_samples",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("label", String(8), nullable=False),
    Column("status", String(20), nullable=False),
    Column("due", Date, nullable=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("details", json_column(), nullable=False),
    Column("version", Integer, nullable=False),
)
INSERT = insert(samples).values({c.name: bindparam(c.name) for c in samples.c})
AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def engine(store) -> Iterator:
    metadata.create_all(store.engine)
    yield store.engine
    metadata.drop_all(store.engine)


@pytest.fixture(params=[1, 40], ids=["one row", "many rows"])
def count(request) -> int:
    """One row goes through SQLAlchemy, more straight to the driver: both are checked."""
    return request.param


def _rows(count: int) -> list[dict]:
    return [
        {
            "id": f"row-{index}",
            "label": f"L{index}",
            "status": "open" if index % 2 else ActionStatus.IN_PROGRESS,
            "due": date(2026, 4, 1) + timedelta(days=index) if index % 3 else None,
            "details": {"owner": {"old": "", "new": f"Owner {index}"}, "n": [index, None]},
            "version": index,
        }
        for index in range(count)
    ]


def _stored(connection) -> list[tuple]:
    return [tuple(row) for row in connection.execute(select(samples).order_by(samples.c.id))]


def test_rows_are_stored_as_sqlalchemy_itself_stores_them(engine, count) -> None:
    with engine.begin() as connection:
        execute_many(connection, INSERT, {"at": AT}, _rows(count))
        ours = _stored(connection)
        connection.execute(samples.delete())
        connection.execute(insert(samples), [{**row, "at": AT} for row in _rows(count)])
        theirs = _stored(connection)
    assert ours == theirs
    assert ours[0][2] == "in_progress"  # an enum is stored as its text
    assert ours[0][4] == AT.astimezone(UTC)  # read back aware, in UTC


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"label": "ab\x00c"}, "NUL character"),
        ({"label": "x" * 9}, "at most 8 can be stored"),
    ],
)
def test_a_value_the_guard_refuses_is_refused_before_anything_is_sent(
    engine, count, row, message
) -> None:
    rows = _rows(count)
    rows[-1].update(row)
    with pytest.raises(ValidationError, match=message), engine.begin() as connection:
        execute_many(connection, INSERT, {"at": AT}, rows)
    with engine.connect() as connection:
        assert _stored(connection) == []


def test_a_shared_value_is_checked_as_well(engine, count) -> None:
    rows = [{k: v for k, v in row.items() if k != "label"} for row in _rows(count)]
    with pytest.raises(ValidationError, match="NUL"), engine.begin() as connection:
        execute_many(connection, INSERT, {"at": AT, "label": "\x00"}, rows)


def test_an_update_reports_only_the_rows_it_matched(engine, count) -> None:
    stale = {count - 1}
    with engine.begin() as connection:
        execute_many(connection, INSERT, {"at": AT}, _rows(count))
        bump = (
            update(samples)
            .where(samples.c.id == bindparam("b_id"), samples.c.version == bindparam("b_version"))
            .values(label=bindparam("b_label"), version=bindparam("b_next"))
        )
        edits = [
            {
                "b_id": f"row-{index}",
                "b_version": index + 100 if index in stale else index,
                "b_label": "new",
                "b_next": 999,
            }
            for index in range(count)
        ]
        matched = execute_many(connection, bump, {}, edits)
        labels = dict(connection.execute(select(samples.c.id, samples.c.label)).all())
    assert matched == count - len(stale)
    assert {row_id for row_id, label in labels.items() if label != "new"} == {
        f"row-{index}" for index in stale
    }


def test_no_rows_sends_nothing(engine) -> None:
    with engine.begin() as connection:
        assert execute_many(connection, INSERT, {"at": AT}, []) == 0


URL_SAFE = set(string.ascii_letters + string.digits + "-_")


@given(st.integers(min_value=0, max_value=300))
def test_bulk_ids_look_like_single_ids_and_never_repeat(count: int) -> None:
    ids = new_ids(count)
    assert len(ids) == count
    assert len(set(ids)) == count
    assert all(len(i) == 16 and set(i) <= URL_SAFE for i in ids)


def test_values_shared_by_rows_or_made_afresh_each_read_are_stored_as_given(engine) -> None:
    shared_details = {"owner": {"old": "A", "new": "B"}}
    shared_due = date(2026, 5, 1)

    class FreshDetails(dict):
        """A row whose details are a new object at every read: freed at once, so its id is
        soon another's; a value remembered by id alone would then be stored for the wrong row."""

        def __getitem__(self, name):
            if name == "details":
                return {"row": dict.__getitem__(self, "id")}
            return dict.__getitem__(self, name)

    rows = [{**row, "details": shared_details, "due": shared_due} for row in _rows(3)]
    rows += [FreshDetails({**row, "id": f"fresh-{i}"}) for i, row in enumerate(_rows(40))]
    with engine.begin() as connection:
        execute_many(connection, INSERT, {"at": AT}, rows)
        stored = {row.id: (row.details, row.due) for row in connection.execute(select(samples))}
    assert [stored[f"row-{i}"] for i in range(3)] == [(shared_details, shared_due)] * 3
    assert all(stored[f"fresh-{i}"][0] == {"row": f"fresh-{i}"} for i in range(40))
