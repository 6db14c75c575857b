"""`python -m datawalk`: the command line for backups, the sample walk, checklists and scoring.

Each command parses its arguments, calls the core and prints: data on stdout, diagnostics on
stderr. A `DataWalkError` becomes one `error: …` line and an `ExitStatus`, in one place
(`app._Group.invoke`); any other exception is a bug and is allowed to surface.

Modules: `app` (the group, exit codes, shared options), `transfer` (export and import, registries
keyed by format and file suffix so a new format plugs in without another branch), `commands`
(sample, list, checklist, schema, score, bench, hash-password).
"""

from datawalk.cli import accounts, commands, transfer
from datawalk.cli.app import ACTOR, ExitStatus, exit_status_for, main, one_line

__all__ = [
    "ACTOR",
    "ExitStatus",
    "accounts",
    "commands",
    "exit_status_for",
    "main",
    "one_line",
    "transfer",
]
