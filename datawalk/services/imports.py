"""Restoring a JSON backup and applying an edited workbook: files from outside, never trusted.

A preview reads and checks the file and writes nothing: the parse runs the photo intake again on
every photo, and every free-text field is scanned for pupil identifiers. Applying needs a choice
for each flagged field, replace with [pupil] or keep, and records what was kept (by field and
kind, never the text) in the same transaction as the import itself.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from datawalk.errors import ValidationError
from datawalk.interchange import DEFAULT_MAX_BYTES, Backup, PhotoProgress, parse_backup
from datawalk.models import Action, Audit, AuditDocument
from datawalk.privacy.document_text import (
    ACTION_FIELDS,
    FlaggedText,
    TextSpot,
    flag_spots,
    flagged_text,
    kept_by_entity,
    kept_on_record,
    replace_identifiers,
)
from datawalk.services.authorization import (
    Permission,
    check_action_change,
    guard,
    of,
    school_for_new_audit,
)
from datawalk.services.workspace import Actor, Workspace

__all__ = [
    "BackupPreview",
    "IdentifierChoices",
    "PhotoProgress",
    "WorkbookPreview",
    "apply_workbook",
    "load_sample",
    "preview_backup",
    "preview_of",
    "preview_workbook",
    "restore_backup",
]
from datawalk.workbook.changes import ActionChangeSet


@dataclass(frozen=True)
class IdentifierChoices:
    """What the importing person chose for each flagged field, by `FlaggedText.key`."""

    replace: frozenset[str] = frozenset()
    keep: frozenset[str] = frozenset()

    @classmethod
    def keep_all(cls, flagged: Collection[FlaggedText]) -> IdentifierChoices:
        return cls(keep=frozenset(item.key for item in flagged))

    @classmethod
    def replace_all(cls, flagged: Collection[FlaggedText]) -> IdentifierChoices:
        return cls(replace=frozenset(item.key for item in flagged))


@dataclass(frozen=True)
class BackupPreview:
    """A checked backup, its digest, and the fields that may hold pupil identifiers."""

    document: AuditDocument
    sha256: str
    flagged: list[FlaggedText] = field(default_factory=list)
    kept_on_record: frozenset[str] = frozenset()


def preview_backup(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, progress: PhotoProgress | None = None
) -> BackupPreview:
    """Return the backup checked through the document door; writes nothing.

    Raises:
        InterchangeError: the file is not a valid, safe DataWalk backup.
    """
    return preview_of(parse_backup(data, max_bytes=max_bytes, progress=progress))


def preview_of(backup: Backup) -> BackupPreview:
    """Return the preview of a backup already parsed (the CLI reads files by path)."""
    document = backup.document
    return BackupPreview(
        document=document,
        sha256=backup.sha256,
        flagged=flagged_text(document),
        kept_on_record=frozenset(kept_on_record(document.trail)),
    )


@guard(Permission.WALK)
def restore_backup(
    workspace: Workspace, actor: Actor, preview: BackupPreview, choices: IdentifierChoices
) -> Audit:
    """Store the previewed backup as a new audit, all or nothing, with the choices applied.

    Raises:
        ValidationError: a flagged field has no choice; nothing is written.
        ConflictError: the audit is already in the database; nothing is written.
    """
    _require_choices(preview.flagged, choices)
    document = replace_identifiers(preview.document, choices.replace)
    kept = [item for item in preview.flagged if item.key in choices.keep]
    school_id = school_for_new_audit(workspace, actor, document.audit.school)
    store = workspace._store
    with store.transaction():
        audit = store.import_document(document, actor.name, source_sha256=preview.sha256)
        if school_id is not None:
            store.set_audit_school(audit.id, school_id)
        _record_kept(workspace, actor, audit.id, kept)
    return audit


@dataclass(frozen=True)
class WorkbookPreview:
    """What an edited workbook would change, and the new text that may hold identifiers."""

    changes: ActionChangeSet
    walk_date: date
    flagged: list[FlaggedText] = field(default_factory=list)


def preview_workbook(
    workspace: Workspace,
    data: bytes,
    *,
    audit_id: str | None = None,
    filename: str | None = None,
) -> WorkbookPreview:
    """Return exactly what the workbook would change; writes nothing.

    Raises:
        InterchangeError: not a safe DataWalk workbook of this audit.
        ValidationError: a row breaks an action rule (named by row).
    """
    from datawalk.workbook import read_action_updates

    changes = read_action_updates(data, workspace._store, audit_id=audit_id, filename=filename)
    walk_date = workspace.reads.get_audit(changes.audit_id).walk_at.date()
    return WorkbookPreview(changes, walk_date, _flag_workbook_text(changes, walk_date))


@guard(Permission.UPDATE_ACTIONS, of("preview", "changes"))
def apply_workbook(
    workspace: Workspace, actor: Actor, preview: WorkbookPreview, choices: IdentifierChoices
) -> int:
    """Apply the previewed edits in one transaction, with the identifier choices applied;
    return how many actions changed.

    Raises:
        ValidationError: a flagged field has no choice; nothing is written.
        ConflictError: an action changed since the preview; nothing is written.
        PermissionDeniedError: the actor may not make one of the edits; nothing is written.
    """
    from datawalk.workbook.reader import apply_action_updates

    _require_choices(preview.flagged, choices)
    changes = _with_replacements(preview, choices.replace)
    kept = [item for item in preview.flagged if item.key in choices.keep]
    store = workspace._store
    with store.transaction():
        _check_edits(workspace, actor, changes)
        count = apply_action_updates(store, changes, actor.name)
        _record_kept(workspace, actor, changes.audit_id, kept)
    return count


# What the acceptance and planning rules read of an action besides which fields change.
_RULED_FIELDS = ("status", "accepted_reason", "accepted_by", "accepted_on")
_ruled_before = attrgetter(*_RULED_FIELDS)


def _check_edits(workspace: Workspace, actor: Actor, changes: ActionChangeSet) -> None:
    """`check_action_change` for every edited action, run once per kind of edit.

    What a role may do to an action depends on which fields an edit changes and on the
    action's status and acceptance before and after it, never on the owner, date or notes
    written, nor on which action it is; so one check covers every action edited the same way,
    and a workbook editing thousands of actions builds a few models, not thousands.

    Raises:
        PermissionDeniedError: the actor may not make one of the edits.
        ValidationError: a consultant records an acceptance without naming someone else.
    """
    kinds: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
    for action_id, fields in changes.by_action.items():
        before = changes.stored.get(action_id)
        if before is None:
            continue  # not read by the preview: the apply refuses it as a conflict
        kind = (
            tuple(fields),
            _ruled_before(before),
            tuple([fields[name].new for name in _RULED_FIELDS if name in fields]),
        )
        if kind not in kinds:
            kinds[kind] = (action_id, {name: change.new for name, change in fields.items()})
    representatives = dict(kinds.values())
    for action in workspace._store.get_actions(changes.audit_id, list(representatives)):
        # Validated, so a status given as its text is the ActionStatus the rules compare.
        edited = Action.model_validate({**action.model_dump(), **representatives[action.id]})
        check_action_change(workspace, actor, edited, action)


def unresolved(flagged: Collection[FlaggedText], choices: IdentifierChoices) -> list[FlaggedText]:
    """Return the flagged fields that have neither choice (or, contradictorily, both)."""
    return [item for item in flagged if (item.key in choices.replace) == (item.key in choices.keep)]


def _require_choices(flagged: Collection[FlaggedText], choices: IdentifierChoices) -> None:
    missing = unresolved(flagged, choices)
    if missing:
        shown = "; ".join(item.describe() for item in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ValidationError(
            f"{len(missing)} field(s) may hold a pupil identifier ({shown}{more}). Choose "
            "'Replace with [pupil]' or 'Keep' for each; nothing was imported.",
            field="identifiers",
        )


def _record_kept(
    workspace: Workspace, actor: Actor, audit_id: str, kept: list[FlaggedText]
) -> None:
    for (entity, entity_id), fields in kept_by_entity(kept).items():
        workspace._store.record_kept_identifiers(
            audit_id, actor.name, entity=entity, entity_id=entity_id, kept=fields
        )


def _flag_workbook_text(changes: ActionChangeSet, walk_date: date) -> list[FlaggedText]:
    spots = [
        TextSpot("action", c.action_id, c.field, f"Row {c.row} {c.column}", str(c.new or ""))
        for c in changes.changes
        if c.field in ACTION_FIELDS
    ]
    return flag_spots(spots, walk_date)


def _with_replacements(preview: WorkbookPreview, replace: Collection[str]) -> ActionChangeSet:
    """Return the change set with the chosen new values cleaned of identifiers."""
    from dataclasses import replace as copy_with

    from datawalk.privacy import redact_text, scan_text

    changes = preview.changes
    cleaned = {
        item.key: redact_text(item.spot.text, scan_text(item.spot.text, preview.walk_date))
        for item in preview.flagged
        if item.key in replace
    }
    if not cleaned:
        return changes
    edited = [
        c._replace(new=cleaned.get(f"action:{c.action_id}:{c.field}", c.new))
        for c in changes.changes
    ]
    recheck = frozenset(item.spot.entity_id for item in preview.flagged if item.key in cleaned)
    return copy_with(changes, changes=edited, unchecked=changes.unchecked | recheck)


@guard(Permission.MANAGE)
def load_sample(workspace: Workspace, actor: Actor) -> str:
    """Load the bundled fictional sample walk unless it is there; return its audit id."""
    from datawalk.samples import load_sample as load_bundled

    return load_bundled(workspace._store, actor.name)
