"""The checklist library: load `checklists/*.yaml` into a validated `Checklist`, pin a copy into an
audit, and answer the vocabulary questions the rest of the core asks (audience containment,
default needers, quick templates).

Loading never trusts the file. It is read with a size cap, rejected if binary, scanned for YAML
anchors and aliases before anything is built, parsed with PyYAML's safe loader, validated by
pydantic and then by cross-reference checks. Every problem is reported at once, each as
`file:line: field: message`, in one `ChecklistError`.

The checks a load runs are listed in `cross_checks()`: the objects' own (`checks.OBJECT_CHECKS`)
and the `scoring:` section's (`datawalk.scoring.config.check_scoring`), each by a direct import, so
a renamed check fails the load loudly instead of being skipped. A check is a function
`(Checklist) -> list[(yaml_path, message)]`, where `yaml_path` is a tuple such as
`("scoring", "privacy_grid", 2)`; the loader resolves it to a line.
This package must not import streamlit and does no caching (the UI caches).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
from yaml.nodes import Node

from datawalk.checklist import checks
from datawalk.checklist.checks import CrossCheck, Issue
from datawalk.checklist.reading import MAX_BYTES, Problem, decode, dotted, fail, line_of, parse
from datawalk.errors import ChecklistError, ValidationError
from datawalk.models import Finding, PinnedChecklist, Reach
from datawalk.settings import BUNDLED_CHECKLISTS, Settings
from datawalk.vocabulary import Checklist, Vocabularies

_BUNDLED_DIR = BUNDLED_CHECKLISTS
# The library a deployment reads and the Settings page adds to (`DATAWALK_CHECKLISTS_DIR`).
CHECKLISTS_DIR: Path = Settings.from_environment().checklists_dir
DEFAULT_CHECKLIST_PATH = _BUNDLED_DIR / "uk-schools.yaml"

__all__ = [
    "CHECKLISTS_DIR",
    "DEFAULT_CHECKLIST_PATH",
    "CrossCheck",
    "Issue",
    "available_checklists",
    "checklist_from_pin",
    "checklist_of_stored_pin",
    "content_hash",
    "cross_checks",
    "default_needed_by",
    "expand_audiences",
    "finding_from_template",
    "install_checklist",
    "leaf_audiences",
    "load_checklist",
    "load_checklist_text",
    "pin_checklist",
    "validate_files",
]


def cross_checks() -> list[CrossCheck]:
    """Return every check a load runs once pydantic accepts the file, in order.

    The scoring section's checks are imported here rather than at the top because
    `datawalk.scoring` itself imports this package.
    """
    from datawalk.scoring.config import check_scoring

    return [*checks.OBJECT_CHECKS, check_scoring]


def load_checklist(path: Path | str) -> Checklist:
    """Return the validated checklist in `path`.

    Raises:
        ChecklistError: listing every problem as `file:line: field: message`.
    """
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(source, [Problem(None, "", f"cannot read the file ({exc.strerror})")]) from exc
    return load_checklist_text(decode(data, source), source)


def load_checklist_text(text: str, source: str) -> Checklist:
    """Return the validated checklist in `text`; `source` names it in messages.

    Raises:
        ChecklistError: listing every problem as `source:line: field: message`.
    """
    parsed = parse(text, source)
    problems = list(parsed.problems)
    try:
        checklist = Checklist.model_validate(parsed.data)
    except pydantic.ValidationError as exc:
        problems += [_pydantic_problem(error, parsed.root) for error in exc.errors()]
        shell = _objects_only(parsed.data)
        if shell is not None:
            problems += _run_checks(checks.OBJECT_CHECKS, shell, parsed.root)
        raise fail(source, problems) from None
    problems += _run_checks(cross_checks(), checklist, parsed.root)
    if problems:
        raise fail(source, problems)
    return checklist


def _run_checks(to_run: Iterable[CrossCheck], checklist: Checklist, root: Node) -> list[Problem]:
    """Every problem the checks find, each with the line its YAML path points at."""
    return [
        Problem(line_of(root, path), dotted(path), message)
        for check in to_run
        for path, message in check(checklist)
    ]


def validate_files(paths: list[Path | str]) -> list[str]:
    """Return `file:line: message` lines for every problem in `paths` (directories: their YAML)."""
    problems: list[str] = []
    for path in _expand_paths(paths):
        try:
            load_checklist(path)
        except ChecklistError as exc:
            problems += exc.problems
    return problems


def available_checklists(directory: Path | str = CHECKLISTS_DIR) -> list[Checklist]:
    """Return every checklist in `directory`, ordered by id then version.

    Raises:
        ChecklistError: if any file is invalid; a broken library is never half-listed.
    """
    loaded: list[Checklist] = []
    problems: list[str] = []
    for path in _expand_paths([directory]):
        try:
            loaded.append(load_checklist(path))
        except ChecklistError as exc:
            problems += exc.problems
    if problems:
        raise ChecklistError(problems)
    return sorted(loaded, key=lambda checklist: (checklist.id, checklist.version))


def content_hash(checklist_content: dict[str, Any]) -> str:
    """Return the sha256 hex of canonical JSON, so reformatting a file never changes the hash."""
    canonical = json.dumps(
        checklist_content,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_json_default,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def pin_checklist(checklist: Checklist) -> PinnedChecklist:
    """Return the full copy of `checklist` an audit keeps: id, version, content and its hash."""
    content = checklist.model_dump(mode="json")
    return PinnedChecklist(
        id=checklist.id,
        version=checklist.version,
        content_hash=content_hash(content),
        content=content,
    )


_STORED_PINS: dict[str, Checklist] = {}
_STORED_PINS_SIZE = 16


def checklist_of_stored_pin(pin: PinnedChecklist) -> Checklist:
    """Return the checklist of a pin read back from this database, parsed once per content hash.

    A stored pin was checked when it was written (by `pin_checklist` or an import's
    `checklist_from_pin`), so every save need not hash and validate it again: that took most of
    a save's time. Never use this on a pin from a file.

    Raises:
        ChecklistError: if the content was altered or no longer validates.
    """
    cached = _STORED_PINS.get(pin.content_hash)
    if cached is None:
        cached = checklist_from_pin(pin)
        if len(_STORED_PINS) >= _STORED_PINS_SIZE:
            _STORED_PINS.pop(next(iter(_STORED_PINS)), None)
        _STORED_PINS[pin.content_hash] = cached
    return cached


def checklist_from_pin(pin: PinnedChecklist) -> Checklist:
    """Return the checklist an audit pinned, checked against its hash.

    Raises:
        ChecklistError: if the content was altered or no longer validates.
    """
    source = f"pinned checklist {pin.id} v{pin.version}"
    if content_hash(pin.content) != pin.content_hash:
        raise fail(source, [Problem(None, "", "content does not match its hash; it was altered")])
    try:
        checklist = Checklist.model_validate(pin.content)
    except pydantic.ValidationError as exc:
        raise fail(source, [_pydantic_problem(error, None) for error in exc.errors()]) from exc
    problems = [
        Problem(None, dotted(p), m) for check in cross_checks() for p, m in check(checklist)
    ]
    if (checklist.id, checklist.version) != (pin.id, pin.version):
        problems.append(Problem(None, "id", "content id or version differs from the pin"))
    if problems:
        raise fail(source, problems)
    return checklist


def expand_audiences(checklist: Checklist, ids: Iterable[str]) -> frozenset[str]:
    """Return every audience id that `ids` covers: leaves and groups.

    Expansion goes down (a group brings in its members, recursively) and then up (a group whose
    members are all covered is itself covered). So `{"all_staff"}` and the set of all its member
    roles expand to the same result, and the result is closed: expanding it again changes nothing.
    Unknown ids are kept as they are (validation reports them).

    For set arithmetic take differences of `leaf_audiences`, then expand the difference again to
    see which whole groups it covers: visible to all staff, needed by catering, gives an excess of
    the other staff roles, never "all_staff".
    """
    members = _members(checklist)
    covered: set[str] = set()
    pending = list(ids)
    while pending:
        current = pending.pop()
        if current not in covered:
            covered.add(current)
            pending.extend(members.get(current, []))
    changed = True
    while changed:
        groups = [g for g, m in members.items() if m and g not in covered and covered.issuperset(m)]
        covered.update(groups)
        changed = bool(groups)
    return frozenset(covered)


def leaf_audiences(checklist: Checklist, ids: Iterable[str]) -> frozenset[str]:
    """Return the member roles (audiences containing no others) that `ids` covers."""
    members = _members(checklist)
    return frozenset(a for a in expand_audiences(checklist, ids) if not members.get(a))


def default_needed_by(checklist: Checklist, category_ids: Iterable[str]) -> list[str]:
    """Return the sorted union of the categories' default needers (unknown categories add none)."""
    categories = {category.id: category for category in checklist.objects.data_categories}
    return sorted({a for c in category_ids if c in categories for a in categories[c].needed_by})


def finding_from_template(
    checklist: Checklist, template_id: str, audit_id: str, location_id: str
) -> Finding:
    """Return a new, unsaved finding pre-filled from a quick template.

    A template without `needed_by` takes the categories' defaults. Its notes become the
    good-practice note on a good-practice template; otherwise they are advice, which belongs in
    the recommendations (the template's `recommends` rule), so they never go into Notes.

    Raises:
        ValidationError: if the checklist has no such template.
    """
    template = next((t for t in checklist.objects.templates if t.id == template_id), None)
    if template is None:
        raise ValidationError(f"Unknown quick template '{template_id}'.", field="template_id")
    filled = template.finding
    needed_by = filled.needed_by
    if needed_by is None:
        needed_by = default_needed_by(checklist, filled.categories)
    return Finding(
        audit_id=audit_id,
        location_id=location_id,
        template_id=template.id,
        categories=list(filled.categories),
        format=filled.format,
        identifiability=filled.identifiability,
        detail_level=filled.detail_level,
        visible_to=list(filled.visible_to),
        needed_by=list(needed_by),
        reach=Reach(filled.reach),
        controls=list(filled.controls),
        evidence=filled.evidence,
        good_practice=filled.good_practice,
        good_practice_note=filled.notes if filled.good_practice else "",
    )


def _objects_only(data: Any) -> Checklist | None:
    """Return a shell checklist around a valid `objects` section so its checks can still run."""
    if not isinstance(data, dict):
        return None
    try:
        objects = Vocabularies.model_validate(data.get("objects"))
    except pydantic.ValidationError:
        return None
    # A shell holding only `objects`: the other fields failed validation, and no check reads them.
    return Checklist.model_construct(objects=objects)  # type: ignore[call-arg]


def _pydantic_problem(error: Any, root: Any) -> Problem:
    path = tuple(part for part in error["loc"] if isinstance(part, (str, int)))
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        message = "unknown field; check the spelling against the schema"
    elif error["type"] != "missing" and isinstance(error.get("input"), (str, int, float, date)):
        shown = repr(error["input"])
        message += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return Problem(line_of(root, path) if root is not None else None, dotted(path), message)


def _expand_paths(paths: list[Path | str]) -> list[Path]:
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            expanded += sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            expanded.append(path)
    return expanded


def _members(checklist: Checklist) -> dict[str, list[str]]:
    return {audience.id: audience.contains for audience in checklist.objects.audiences}


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable in a checklist: {type(value).__name__}")


from datawalk.checklist.library import install_checklist  # noqa: E402  (needs the names above)
