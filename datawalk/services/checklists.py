"""Adding a checklist to the library: validated, newer versions only, written whole or not at all.

The library is files, not the database, so there is no audit trail to write; who added which
checklist is logged. Audits are never touched: each keeps its pinned copy until rescored.
"""

from __future__ import annotations

import logging
from pathlib import Path

from datawalk.checklist import CHECKLISTS_DIR
from datawalk.checklist.library import install_checklist
from datawalk.services.authorization import Permission, guard
from datawalk.services.workspace import Actor, Workspace
from datawalk.vocabulary import Checklist

log = logging.getLogger(__name__)


@guard(Permission.MANAGE)
def add_checklist(
    workspace: Workspace, actor: Actor, text: str, filename: str, directory: Path = CHECKLISTS_DIR
) -> Checklist:
    """Add the checklist in `text` (uploaded as `filename`) to the library; return it.

    Identical content already installed changes nothing. The library is files, not rows, but
    the workspace says whether accounts exist: once they do, only a signed-in admin adds one.

    Raises:
        ChecklistError: invalid, older than or an edit of the installed version, or the library
            cannot be written; every problem with its file and line.
    """
    checklist = install_checklist(text, filename, directory)
    log.info("%s added checklist %s v%s", actor.name, checklist.id, checklist.version)
    return checklist
