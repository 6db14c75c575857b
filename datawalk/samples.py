"""The bundled fictional sample walk (Hollybrook Primary School) and loading it into a store.

The walk itself is `sample_data/hollybrook-walk.json`, written by `sample_data/make_sample.py`.
It enters the database through the same door as any backup (`parse_document` then
`Store.import_document`), so the sample can never hold something an import would refuse.
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from datawalk.errors import ConflictError
from datawalk.interchange import Backup, read_backup, read_document
from datawalk.models import AuditDocument

if TYPE_CHECKING:
    from datawalk.store import Store

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "sample_data" / "hollybrook-walk.json"


def sample_document() -> AuditDocument:
    """Return the sample walk, validated and scored like any imported document.

    Raises:
        InterchangeError: the bundled file is missing or damaged.
    """
    return read_document(SAMPLE_PATH)


def sample_backup() -> Backup:
    """Return the sample walk and its file's SHA-256, which marks any trail it carries."""
    return read_backup(SAMPLE_PATH)


@lru_cache(maxsize=1)
def sample_audit_id() -> str:
    """Return the sample audit's fixed id (the same on every machine)."""
    return sample_document().audit.id


def load_sample(store: Store, actor: str = "sample") -> str:
    """Load the sample walk into `store` unless it is already there; return its audit id.

    Idempotent: a second call (or a call racing another process) leaves exactly one copy.
    """
    backup = sample_backup()
    audit_id = backup.document.audit.id
    if audit_id in {summary.id for summary in store.list_audits()}:
        return audit_id
    # Another process may load it between our check and the import: one copy remains either way.
    with suppress(ConflictError):
        store.import_document(backup.document, actor, source_sha256=backup.sha256)
    return audit_id
