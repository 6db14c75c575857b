"""The click group behind `python -m datawalk`: exit codes, the one place errors are translated,
and the options and database handling every command shares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import Any

import click

from datawalk import __version__
from datawalk.errors import (
    ChecklistError,
    ConflictError,
    DataWalkError,
    InterchangeError,
    NotFoundError,
    PrivacyError,
    ValidationError,
)
from datawalk.services import Workspace

ACTOR = "cli"


class ExitStatus(IntEnum):
    """Process exit codes, so scripts can tell a clash from a bad file."""

    SUCCESS = 0
    ERROR = 1
    USAGE = 2  # click's own code for bad arguments
    INVALID_INPUT = 3
    NOT_FOUND = 4
    CONFLICT = 5


_STATUS_BY_ERROR: tuple[tuple[type[DataWalkError], ExitStatus], ...] = (
    (NotFoundError, ExitStatus.NOT_FOUND),
    (ConflictError, ExitStatus.CONFLICT),
    (InterchangeError, ExitStatus.INVALID_INPUT),
    (ChecklistError, ExitStatus.INVALID_INPUT),
    (ValidationError, ExitStatus.INVALID_INPUT),
    (PrivacyError, ExitStatus.INVALID_INPUT),
)


def exit_status_for(error: DataWalkError) -> ExitStatus:
    """Return the exit code for an error: the first matching class, else ERROR."""
    return next(
        (status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)), ExitStatus.ERROR
    )


def one_line(error: BaseException) -> str:
    """Return an error message as a single line; extra lines are counted, not dumped."""
    lines = [line for line in str(error).splitlines() if line.strip()] or [type(error).__name__]
    extra = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return lines[0] + extra


class _Group(click.Group):
    """The one place where core errors are translated for the command line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DataWalkError as error:
            click.echo(f"error: {one_line(error)}", err=True)
            ctx.exit(int(exit_status_for(error)))


db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="SQLAlchemy database URL; default $DATAWALK_DATABASE_URL, else sqlite:///data/datawalk.db.",
)


@contextmanager
def open_workspace(db_url: str | None) -> Iterator[Workspace]:
    """The command line's composition root: one database for the command, closed after."""
    workspace = Workspace.open(db_url)
    try:
        yield workspace
    finally:
        workspace.close()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, message="datawalk %(version)s")
def main() -> None:
    """DataWalk: a two-sided data-protection walk of a school, from the command line."""
