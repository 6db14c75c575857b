"""The one door for every change: one function per use case, one transaction each.

Pages, the CLI and every import call these; each takes the `Workspace` the composition root
opened and the `Actor` making the change, checks the input (against the audit's pinned
checklist, the privacy intake, permissions), and writes the change with its trail event and the
records derived from it in one transaction. Reads go through `Workspace.reads`.
"""

from datawalk.services.workspace import Actor, Reads, Workspace
from datawalk.store.drafts import DraftElsewhere
from datawalk.store.places import Place
from datawalk.store.summaries import AuditSummary, Tombstone

# Record types the reads return, so callers need not import the store to name them.
__all__ = ["Actor", "AuditSummary", "DraftElsewhere", "Place", "Reads", "Tombstone", "Workspace"]
