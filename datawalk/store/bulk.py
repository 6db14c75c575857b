"""One statement for thousands of rows, sent to the driver as it is, with the engine's guard kept.

For each row of an executemany SQLAlchemy builds a parameter dict of every bind, runs each
value's type processing, and the engine's value guard walks it again. For the 10,000 actions
and trail events of a workbook import that is about four times the database's own work. Here
the statement is compiled once, each bind's processing (JSON, dates, UTC datetimes) and length
are looked up once, the values every row shares are processed once, and the rows go to the
driver as plain tuples (or dicts, for a driver with named parameters).

Every text value is still checked with `check_storable`, as the guard would check it, so
nothing reaches a table that the guard would refuse, on either engine. A single row (a walk
save's trail event) goes through SQLAlchemy as usual, whose compiled statement is cached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection
from sqlalchemy.sql.dml import Insert, Update

from .engine import check_storable


class _Bind(NamedTuple):
    name: str
    process: Callable[[Any], Any] | None
    length: int | None


def execute_many(
    connection: Connection,
    statement: Insert | Update,
    shared: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
) -> int:
    """Run `statement` once per row, every bind taken from `shared` or from the row; for an
    UPDATE, return how many rows it matched (what a stale-edit check compares).

    Raises:
        ValidationError: a text value holds a NUL or is longer than its column (nothing sent).
        KeyError: a bind the statement names is in neither `shared` nor a row (a bug).
    """
    if not rows:
        return 0
    if len(rows) == 1:  # one row (a walk save's): SQLAlchemy caches the compiled statement
        return int(connection.execute(statement, {**shared, **rows[0]}).rowcount)
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect)
    order = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    binds = [_bind_of(compiled.binds[name], name, dialect) for name in order]
    template = [
        _processed(bind, shared[bind.name]) if bind.name in shared else None for bind in binds
    ]
    per_row = [(slot, bind) for slot, bind in enumerate(binds) if bind.name not in shared]
    parameters: list[Any] = []
    for values in _row_values(rows, template, per_row):
        parameters.append(
            tuple(values) if compiled.positional else dict(zip(order, values, strict=True))
        )
    return int(connection.exec_driver_sql(compiled.string, parameters).rowcount)


def _row_values(
    rows: Sequence[Mapping[str, Any]], template: list[Any], per_row: list[tuple[int, _Bind]]
) -> Iterator[list[Any]]:
    """Each row's values in bind order, checked and processed.

    A value object many rows share (one date, one JSON diff) is processed once: remembered by
    identity, with the object itself kept alive beside it, so that its id cannot pass to another
    object while the rows are read (a row may make a new value at every read).
    """
    done: dict[tuple[int, int], tuple[Any, Any]] = {}
    for row in rows:
        values = template.copy()
        for slot, (name, process, length) in per_row:
            value = row[name]
            if value.__class__ is str and (
                "\x00" in value or (length is not None and len(value) > length)
            ):
                check_storable(name, value, length)  # raises the user's error
            if process is not None:
                key = (slot, id(value))
                known = done.get(key)
                if known is None:
                    known = done[key] = (value, process(value))
                value = known[1]
            values[slot] = value
        yield values


def _bind_of(bind: Any, name: str, dialect: Any) -> _Bind:
    """A bind's processing as the engine applies it: the dialect's own, after any decorator's."""
    type_ = bind.type
    return _Bind(
        name, type_.dialect_impl(dialect).bind_processor(dialect), getattr(type_, "length", None)
    )


def _processed(bind: _Bind, value: Any) -> Any:
    if type(value) is str:
        check_storable(bind.name, value, bind.length)
    return value if bind.process is None else bind.process(value)
