"""Reads leadership's edits back from an exported workbook: a preview first, then all or nothing.

Order of trust: `safety.check_workbook_bytes` proves the upload is a bounded, macro-free .xlsx
before any parser sees it; the marker (hidden sheet, cross-checked with the custom property) must
name the audit being updated; then every Action plan row is parsed and validated. The first
problem raises, naming its row, and nothing is written. Only the editable columns (owner, due
date, status, notes, acceptance) are read; values come from python-calamine, which is fast and
never evaluates formulas, and openpyxl is not used here at all.

A workbook may edit every action of a large audit, so the stored side is read once as plain
values (id -> editable fields, and finding id -> reference), only changed rows are validated
(the edited fields under the `Action` model's own rules), and applying writes set-based
statements with one trail event per action, never a model per action.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, cast

import python_calamine
from pydantic import ValidationError as PydanticValidationError
from pydantic import create_model

from datawalk.actions import validate_action
from datawalk.errors import ConflictError, InterchangeError, NotFoundError, ValidationError
from datawalk.models import Action, AuditDocument, Model
from datawalk.store.action_edits import ActionEdit
from datawalk.workbook.cells import cell_text, column_name, parse_cell
from datawalk.workbook.changes import ActionChangeSet, FieldChange, StoredAction
from datawalk.workbook.layout import (
    ACTION_COLUMNS,
    ACTION_PLAN,
    EDITABLE_FIELDS,
    FORMAT_NAME,
    ID_HEADER,
    MARKER,
    MARKER_AUDIT,
    MARKER_EDITION,
    MARKER_FORMAT,
    MARKER_VERSION,
    PROPERTY_AUDIT,
    READABLE_VERSIONS,
    REFERENCES_HEADER,
    ActionColumn,
)
from datawalk.workbook.safety import DEFAULT_LIMITS, UploadLimits, check_workbook_bytes
from datawalk.workbook.safety import custom_properties as read_custom_properties

if TYPE_CHECKING:
    from datawalk.store import Store

# The editable fields under the Action model's own rules (types, lengths): a changed row is
# checked with these, not by building a whole action.
_FIELD_DEFINITIONS: dict[str, Any] = {
    name: (Action.model_fields[name].annotation, Action.model_fields[name])
    for name in EDITABLE_FIELDS
}
ActionFields = create_model("ActionFields", __base__=Model, **_FIELD_DEFINITIONS)


@dataclass
class _Current:
    """The stored state the workbook is compared with."""

    audit_id: str
    actions: dict[str, StoredAction]
    references: dict[str, tuple[str, ...]]  # action id -> its findings' references
    known: set[str]  # every finding reference of the audit

    def refs_of(self, action_id: str) -> str:
        return ", ".join(self.references.get(action_id, ()))


def read_action_updates(
    data: bytes,
    source: Store | AuditDocument,
    *,
    audit_id: str | None = None,
    filename: str | None = None,
    limits: UploadLimits = DEFAULT_LIMITS,
) -> ActionChangeSet:
    """Return exactly which fields of which actions the workbook changes; writes nothing.

    `audit_id`, when given, is the audit the user is updating; a workbook of any other audit is
    refused. Without it the workbook's own marker chooses the audit (the CLI's `import`).

    Raises:
        InterchangeError: not a safe .xlsx, no DataWalk marker, another audit, unknown references.
        ValidationError: a row with a bad status, date or incomplete risk acceptance (names it).
    """
    archive = check_workbook_bytes(data, filename, limits)
    workbook = _open(data)
    marker = _read_marker(workbook, read_custom_properties(archive))
    marked_id = marker[MARKER_AUDIT]
    if audit_id is not None and marked_id != audit_id:
        raise InterchangeError(
            "This workbook was exported from another audit; open that audit to import it, "
            "or export this audit's workbook again."
        )
    current = _current_state(source, marked_id)
    rows = _sheet_rows(workbook, ACTION_PLAN)
    return _compare(current, rows, marker.get(MARKER_EDITION, ""))


def apply_action_updates(store: Store, changes: ActionChangeSet, actor: str) -> int:
    """Apply a previewed change set in one store transaction; return how many actions changed.

    Each action is written only over the version the preview compared it with, so nobody's edit
    made between preview and apply is overwritten silently. The preview checked every changed
    row; the actions in `changes.unchecked` (text replaced since) are checked again here.

    Raises:
        ConflictError: an action changed (or vanished) since the preview.
        ValidationError: the merged result breaks an action rule.
    """
    if changes.is_empty:
        return 0
    edits = []
    getters: dict[tuple[str, ...], Callable[[Any], tuple]] = {}
    for action_id, fields in changes.by_action.items():
        before = changes.stored.get(action_id)
        names = tuple(fields)
        old = tuple([change.old for change in fields.values()])
        if names not in getters:
            getters[names] = _tuple_getter(attrgetter, names)
        if before is None or getters[names](before) != old:
            raise ConflictError(
                f"The action for {next(iter(fields.values())).references} is not as the "
                "preview read it; upload the workbook again to see the current changes."
            )
        new = tuple([change.new for change in fields.values()])
        if action_id in changes.unchecked:
            _checked(before._replace(**dict(zip(names, new, strict=True))), fields[names[0]].row)
        edits.append(ActionEdit(action_id, before.version, names, old, new))
    try:
        return store.apply_action_edits(changes.audit_id, edits, actor)
    except ConflictError as error:
        raise ConflictError(
            "An action changed since the preview; upload the workbook again to see the "
            "current changes. Nothing was applied."
        ) from error


def import_action_updates(
    data: bytes,
    store: Store,
    actor: str,
    *,
    audit_id: str | None = None,
    filename: str | None = None,
) -> ActionChangeSet:
    """Read and apply an edited workbook in one go (the CLI's `import`); return what changed."""
    changes = read_action_updates(data, store, audit_id=audit_id, filename=filename)
    apply_action_updates(store, changes, actor)
    return changes


def _open(data: bytes) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own zoo of errors for damaged parts
        raise InterchangeError(
            "The workbook could not be read; save it again in Excel as .xlsx and retry."
        ) from error


def _sheet_rows(workbook: python_calamine.CalamineWorkbook, name: str) -> list[list[Any]]:
    try:
        sheet = workbook.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False)
    except python_calamine.WorksheetNotFound as error:
        raise InterchangeError(f"The workbook has no '{name}' sheet.") from error
    except Exception as error:
        raise InterchangeError(f"The '{name}' sheet could not be read.") from error


def _read_marker(
    workbook: python_calamine.CalamineWorkbook, properties: dict[str, str]
) -> dict[str, str]:
    if MARKER not in workbook.sheet_names:
        raise InterchangeError(
            "This workbook was not exported by DataWalk (it has no audit marker), so it cannot "
            "update an audit."
        )
    marker = {
        str(row[0]).strip(): cell_text(row[1])
        for row in _sheet_rows(workbook, MARKER)
        if len(row) >= 2 and row[0]
    }
    if marker.get(MARKER_FORMAT) != FORMAT_NAME or not marker.get(MARKER_AUDIT):
        raise InterchangeError("The workbook's DataWalk marker is damaged; export it again.")
    if marker.get(MARKER_VERSION) not in {str(v) for v in READABLE_VERSIONS}:
        raise InterchangeError(
            f"This workbook uses format version {marker.get(MARKER_VERSION)!r}, which this "
            "DataWalk cannot read; export it again."
        )
    stated = properties.get(PROPERTY_AUDIT)
    if stated is not None and stated != marker[MARKER_AUDIT]:
        raise InterchangeError(
            "The workbook's marker and document properties name different audits; "
            "it cannot be trusted to update either."
        )
    return marker


def _current_state(source: Store | AuditDocument, audit_id: str) -> _Current:
    if isinstance(source, AuditDocument):
        if source.audit.id != audit_id:
            raise InterchangeError("This workbook was exported from another audit.")
        by_id = {f.id: f.reference or f.id for f in source.findings}
        actions = {a.id: StoredAction.of(a) for a in source.actions}
        references = {a.id: tuple(by_id.get(f, f) for f in a.finding_ids) for a in source.actions}
        return _Current(audit_id, actions, references, set(by_id.values()))
    try:
        source.get_audit(audit_id)
    except NotFoundError as error:
        raise InterchangeError(
            "This workbook belongs to an audit that is not in this database."
        ) from error
    stored = source.action_values(audit_id, EDITABLE_FIELDS)
    actions = {action_id: StoredAction._make(values) for action_id, values in stored.items()}
    by_id = source.finding_references(audit_id)
    references = {
        action_id: tuple([by_id.get(finding_id, finding_id) for finding_id in finding_ids])
        for action_id, finding_ids in source.action_finding_ids(audit_id).items()
    }
    return _Current(audit_id, actions, references, set(by_id.values()))


def _plain(value: Any) -> Any:
    """A status as its text, as stored; other values as they are."""
    return value.value if isinstance(value, Enum) else value


def _compare(current: _Current, rows: list[list[Any]], edition: str) -> ActionChangeSet:
    if not rows:
        raise InterchangeError(f"The '{ACTION_PLAN}' sheet is empty.")
    if edition == "governors" and ID_HEADER not in {cell_text(cell) for cell in rows[0]}:
        raise InterchangeError(
            "This is a governors workbook, which is for reading: it has no Action ID column. "
            "Edit the leadership workbook and import that."
        )
    columns = _columns(rows[0])
    id_col = columns[ID_HEADER][1]
    ref_col = columns.get(REFERENCES_HEADER, (None, None))[1]
    edited = _EditedCells([(column, col) for column, col in columns.values() if column.editable])
    width = 1 + max(col for _, col in columns.values())
    seen: dict[str, int] = {}
    checked: set[Any] = set()
    changes: list[FieldChange] = []
    stored: dict[str, StoredAction] = {}
    read = 0
    for index, row in enumerate(rows[1:], start=2):
        cells = row if len(row) >= width else [*row, *[""] * (width - len(row))]
        if not cell_text(cells[id_col]) and all(cell_text(c) == "" for c in cells):
            continue
        read += 1
        action_id, action = _row_action(current, cells, id_col, index, seen)
        if ref_col is not None:
            _check_references(cells[ref_col], current.known, index)
        new = edited.values(cells, index)
        old = edited.stored(action)
        if new == old:
            continue
        edited.check(action, new, index, checked)
        stored[action_id] = action
        refs = current.refs_of(action_id)
        changes.extend(
            FieldChange(index, action_id, refs, name, header, was, now)
            for name, header, was, now in zip(edited.fields, edited.headers, old, new, strict=True)
            if was != now
        )
    return ActionChangeSet(current.audit_id, edition, read, changes, stored)


def _tuple_getter(getter: Callable[..., Any], keys: Sequence[Any]) -> Callable[[Any], tuple]:
    """`itemgetter` or `attrgetter` of `keys` that always returns a tuple, even of one key."""
    get = getter(*keys)
    return get if len(keys) > 1 else lambda source: (get(source),)


class _EditedCells:
    """A row's editable cells as action field values, each distinct set of cells parsed and
    checked once: a sheet repeats a handful of owners, statuses and dates thousands of times."""

    def __init__(self, columns: list[tuple[ActionColumn, int]]) -> None:
        self.fields = tuple(column.field for column, _ in columns)
        self.headers = tuple(column_name(name) for name in self.fields)
        self._columns = [column for column, _ in columns]
        self._cells = _tuple_getter(itemgetter, [col for _, col in columns])
        self.stored = _tuple_getter(attrgetter, self.fields)
        rest = [name for name in EDITABLE_FIELDS if name not in self.fields]
        self._rest = _tuple_getter(attrgetter, rest) if rest else None
        self._read: dict[Any, tuple] = {}

    def values(self, cells: list[Any], row: int) -> tuple:
        raw = self._cells(cells)
        key = (raw, tuple(map(type, raw)))  # by type too: TRUE == 1, yet reads as "True"
        found = self._read.get(key)
        if found is None:
            found = self._read[key] = tuple(
                _plain(parse_cell(column, cell, row))
                for column, cell in zip(self._columns, raw, strict=True)
            )
        return found

    def check(self, action: StoredAction, new: tuple, row: int, checked: set[Any]) -> None:
        """`_checked` of the action as edited, once per distinct set of editable values: the
        rules read nothing else, and the first row holding a bad set is the one named."""
        key = new if self._rest is None else (new, self._rest(action))
        if key not in checked:
            _checked(action._replace(**dict(zip(self.fields, new, strict=True))), row)
            checked.add(key)


def _columns(header: list[Any]) -> dict[str, tuple[ActionColumn, int]]:
    by_header = {column.header.casefold(): column for column in ACTION_COLUMNS}
    found: dict[str, tuple[ActionColumn, int]] = {}
    for col, cell in enumerate(header):
        column = by_header.get(cell_text(cell).casefold())
        if column is not None and column.header not in found:
            found[column.header] = (column, col)
    for required in (ID_HEADER, "Status"):
        if required not in found:
            raise InterchangeError(
                f"The '{ACTION_PLAN}' sheet has no '{required}' column; do not rename or delete "
                "its column headers."
            )
    return found


def _row_action(
    current: _Current, cells: list[Any], id_col: int, row: int, seen: dict[str, int]
) -> tuple[str, StoredAction]:
    action_id = cell_text(cells[id_col])
    if not action_id:
        raise InterchangeError(
            f"{ACTION_PLAN} row {row}: no Action ID. New actions cannot be added from Excel; "
            "add them in DataWalk."
        )
    action = current.actions.get(action_id)
    if action is None:
        raise InterchangeError(
            f"{ACTION_PLAN} row {row}: unknown action reference '{action_id[:40]}'; it is not "
            "an action of this audit."
        )
    if action_id in seen:
        raise InterchangeError(
            f"{ACTION_PLAN} row {row}: the same action is also on row {seen[action_id]}."
        )
    seen[action_id] = row
    return action_id, action


def _check_references(cell: Any, known: set[str], row: int) -> None:
    if cell in known:
        return  # one reference, as typed: most rows
    for reference in (part.strip() for part in cell_text(cell).split(",")):
        if reference and reference not in known:
            raise InterchangeError(
                f"{ACTION_PLAN} row {row}: unknown finding reference '{reference[:40]}'."
            )


def _checked(action: StoredAction, row: int) -> None:
    """Check an action's editable fields as they would be stored, naming the sheet row.

    Raises:
        ValidationError: a value breaks the Action model's rule, or an incomplete acceptance.
    """
    try:
        edited = ActionFields.model_validate(
            {name: getattr(action, name) for name in EDITABLE_FIELDS}
        )
    except PydanticValidationError as error:
        detail = error.errors()[0]
        name = str(detail["loc"][0]) if detail["loc"] else ""
        raise ValidationError(
            f"{ACTION_PLAN} row {row}: '{column_name(name)}' {detail['msg'].lower()}.", field=name
        ) from error
    try:
        # The acceptance rule reads only the fields checked here, which ActionFields holds.
        validate_action(cast(Action, edited))
    except ValidationError as error:
        raise ValidationError(f"{ACTION_PLAN} row {row}: {error}", field=error.field) from error
