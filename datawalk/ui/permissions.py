"""What this run's actor may do, for pages to hide what a role cannot do.

The services refuse it regardless (`datawalk.services.authorization`); this only keeps a page
from offering a control that would be refused, or showing what the role may not read. The
no-accounts mode's local person is an implicit admin, so nothing is hidden there.
"""

from __future__ import annotations

import pandas as pd

from datawalk.accounts.roles import Permission, allows
from datawalk.ui import state

# Columns of the scored table that hold what only the full audit shows (the governors edition
# leaves notes out).
FULL_ONLY_COLUMNS = ("notes",)


def may(permission: Permission) -> bool:
    """True when this run's actor's role allows `permission` (in the schools of its scope)."""
    return allows(state.current_actor().role, permission)


def as_reader_sees(table: pd.DataFrame) -> pd.DataFrame:
    """The scored table as this actor may read it: a school viewer, who reads what the governors
    edition shows, gets it without the notes (the shared cache holds the full table)."""
    if may(Permission.READ):
        return table
    return table.drop(columns=[c for c in FULL_ONLY_COLUMNS if c in table.columns])
