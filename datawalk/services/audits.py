"""Creating, completing and archiving an audit, its overall opinion, legal hold and retention.

Free text (the scope and limitations, the overall opinion) goes through the identifier check
here: a field holding a possible pupil identifier is refused unless the person chose to keep it,
and what they kept is recorded in the same transaction as the text. Deletion re-checks that an
item is still due (the list on screen may be stale); the store refuses anything on legal hold.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from datawalk.governance.deletion import check_confirm_name, check_due
from datawalk.models import Audit, AuditStatus
from datawalk.privacy import RetentionPolicy, RetentionScope
from datawalk.privacy.text_checks import TextField, check_free_text
from datawalk.services.authorization import Permission, by_id, guard, school_for_new_audit
from datawalk.services.rewalks import keep_trend_summary
from datawalk.services.workspace import Actor, Workspace
from datawalk.store import Tombstone

SCOPE_LABEL = "Scope and limitations"
OPINION_LABEL = "Overall opinion"


@guard(Permission.WALK)
def create_audit(
    workspace: Workspace, actor: Actor, audit: Audit, *, keep: Collection[str] = ()
) -> Audit:
    """Store a new audit; return it as stored.

    `keep` names the free-text fields ("scope_limitations") whose possible identifiers the
    person chose to keep; they are recorded with the audit, in its transaction.

    Raises:
        ValidationError: the scope holds a possible identifier not kept (field named).
        ConflictError: an audit with this id exists.
    """
    text = [TextField("scope_limitations", SCOPE_LABEL, audit.scope_limitations)]
    kept = check_free_text(text, audit.walk_at.date(), keep)
    school_id = school_for_new_audit(workspace, actor, audit.school)
    store = workspace._store
    with store.transaction():
        created = store.create_audit(audit, actor.name)
        if school_id is not None:
            store.set_audit_school(created.id, school_id)
        _record_kept(workspace, actor, created.id, kept)
    return created


@guard(Permission.WALK, by_id("audit_id"))
def set_status(workspace: Workspace, actor: Actor, audit_id: str, status: AuditStatus) -> Audit:
    """Mark an audit complete, archive it, or reopen it; return it.

    Raises:
        ValidationError: not a known status.
        NotFoundError: the audit is gone.
    """
    return workspace._store.set_audit_status(audit_id, status, actor.name)


@guard(Permission.WALK, by_id("audit_id"))
def set_overall_opinion(
    workspace: Workspace, actor: Actor, audit_id: str, opinion: str, *, keep: bool = False
) -> Audit:
    """Save the consultant's overall opinion; `keep` keeps a possible identifier in it, which
    is recorded in the same transaction.

    Raises:
        ValidationError: the opinion holds a possible identifier and `keep` is false.
        NotFoundError: the audit is gone.
    """
    store = workspace._store
    with store.transaction():
        audit = store.get_audit(audit_id)
        text = [TextField("overall_opinion", OPINION_LABEL, opinion)]
        kept = check_free_text(text, audit.walk_at.date(), {"overall_opinion"} if keep else ())
        updated = store.update_audit(audit_id, actor.name, overall_opinion=opinion)
        _record_kept(workspace, actor, audit_id, kept)
    return updated


@guard(Permission.GOVERN, by_id("audit_id"))
def set_legal_hold(workspace: Workspace, actor: Actor, audit_id: str, hold: bool) -> Audit:
    """Put the audit on legal hold (nothing of it is deleted) or release it."""
    return workspace._store.set_legal_hold(audit_id, hold, actor.name)


@guard(Permission.GOVERN, by_id("audit_id"))
def purge_due(
    workspace: Workspace,
    actor: Actor,
    audit_id: str,
    now: datetime,
    policy: RetentionPolicy | None = None,
) -> dict[str, int]:
    """Delete the audit's photos and free text if they are due; return {"photos", "texts"}.

    The purge is one store transaction of its own: right after it commits, SQLite's WAL is
    checkpointed and PostgreSQL's tables are vacuumed, so the deleted bytes leave the files (an
    outer transaction would still hold them).

    Raises:
        ValidationError: nothing of this audit is due for deletion at `now`.
        StoreError: the audit is on legal hold (NotFoundError: it no longer exists).
    """
    check_due(workspace.reads, audit_id, now, policy, RetentionScope.PHOTOS_AND_TEXT)
    return workspace._store.purge_photos_and_text(audit_id, actor.name)


@guard(Permission.GOVERN, by_id("audit_id"))
def delete_due(
    workspace: Workspace,
    actor: Actor,
    audit_id: str,
    now: datetime,
    policy: RetentionPolicy | None = None,
) -> Tombstone:
    """Delete the whole audit if its record is due; return the tombstone left behind.

    Raises:
        ValidationError: the whole record is not due for deletion at `now`.
        StoreError: the audit is on legal hold (NotFoundError: it no longer exists).
    """
    check_due(workspace.reads, audit_id, now, policy, RetentionScope.WHOLE_RECORD)
    # The trend keeps the walk's per-location counts and worst levels (no personal data).
    keep_trend_summary(workspace, audit_id)
    return workspace._store.delete_audit(audit_id, actor.name)


@guard(Permission.GOVERN, by_id("audit_id"))
def delete_on_request(
    workspace: Workspace, actor: Actor, audit_id: str, typed_name: str
) -> Tombstone:
    """Delete an audit on request (the school's), whatever its age, once the school's name was
    typed to confirm; return the tombstone.

    Raises:
        ValidationError: the typed name is not the school's (field "confirm_name").
        StoreError: the audit is on legal hold (NotFoundError: it no longer exists).
    """
    check_confirm_name(workspace.reads.get_audit(audit_id), typed_name)
    return workspace._store.delete_audit(audit_id, actor.name)


def _record_kept(
    workspace: Workspace, actor: Actor, audit_id: str, kept: dict[str, list[str]]
) -> None:
    if kept:
        workspace._store.record_kept_identifiers(
            audit_id, actor.name, entity="audit", entity_id=audit_id, kept=kept
        )
