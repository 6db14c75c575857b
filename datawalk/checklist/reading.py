"""Turn untrusted checklist bytes into plain Python data plus the YAML node tree, so that every
later problem can be reported with the line it sits on.

Defences, in order: a size cap before anything is parsed; NUL bytes or invalid UTF-8 mean a binary
file; an event scan (no construction yet) rejects anchors and aliases, the raw material of "billion
laughs" bombs, and caps nesting depth so a deep document cannot exhaust the stack; only then is the
node tree composed and built with PyYAML's safe constructor. Duplicate mapping keys, which YAML
silently resolves to the last value, are reported instead of dropped.

This module knows nothing about the checklist schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from datawalk.errors import ChecklistError

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """The safe loader, except that an impossible date (2025-02-30) stays a string, so pydantic
    reports it with its field and line alongside every other problem."""

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True)
class Problem:
    """One problem found in a checklist: its 1-based line (None when unknown) and dotted field."""

    line: int | None
    field: str
    message: str

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line is not None else source
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class Parsed:
    """A parsed document: the built data, its node tree (for lines) and non-fatal problems."""

    data: Any
    root: Node
    problems: list[Problem]


def fail(source: str, problems: list[Problem]) -> ChecklistError:
    """Return the error carrying every problem, in line order so a reader can work down the file."""
    ordered = sorted(problems, key=lambda p: (p.line or 0, p.field))
    return ChecklistError([problem.render(source) for problem in ordered])


def decode(data: bytes, source: str) -> str:
    """Return the text of checklist bytes. Raises ChecklistError if too big, binary or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise fail(source, [_too_big()])
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise fail(source, [_binary(line, "it contains NUL bytes")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(source, [_binary(line, f"byte 0x{data[exc.start]:02x} is not UTF-8")]) from exc


def parse(text: str, source: str) -> Parsed:
    """Return the checklist text as data and nodes. Raises ChecklistError on unsafe or bad YAML."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise fail(source, [_too_big()])
    if "\x00" in text:
        raise fail(source, [_binary(text.count("\n", 0, text.index("\x00")) + 1, "NUL found")])
    try:
        problems = _scan_events(text)
        if problems:
            raise fail(source, problems)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise fail(source, [Problem(1, "", "the file is empty; expected a checklist")])
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise fail(source, [_yaml_problem(exc, max(len(text.splitlines()), 1))]) from exc
    return Parsed(data=data, root=root, problems=_duplicate_keys(root))


def line_of(root: Node, path: tuple[str | int, ...]) -> int:
    """Return the 1-based line of the deepest node of `path` that exists in the tree.

    A missing field is reported on the line of the entry that should hold it.
    """
    node, line = root, root.start_mark.line + 1
    for part in path:
        if isinstance(node, MappingNode):
            match = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, ScalarNode) and k.value == str(part)
                ),
                None,
            )
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif (
            isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _scan_events(text: str) -> list[Problem]:
    """Reject anchors, aliases and deep nesting from the event stream, before anything is built.

    Anchors and aliases are reported once per line, naming them all (`&a, *a`).
    """
    references: dict[int | None, list[str]] = {}
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            references.setdefault(line, []).append(f"*{event.anchor}")
        elif anchor := getattr(event, "anchor", None):
            references.setdefault(line, []).append(f"&{anchor}")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return [Problem(line, "", f"nested deeper than {MAX_DEPTH} levels")]
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return [
        Problem(
            line,
            "",
            f"YAML anchors and aliases are not allowed ({_shorten(names)}); "
            "write each value out in full",
        )
        for line, names in references.items()
    ]


def _shorten(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    return ", ".join(unique[:5]) + (f" and {len(unique) - 5} more" if len(unique) > 5 else "")


def _duplicate_keys(root: Node) -> list[Problem]:
    problems: list[Problem] = []
    stack: list[tuple[Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = key.value if isinstance(key, ScalarNode) else "?"
                line = key.start_mark.line + 1
                if name in seen:
                    message = (
                        f"duplicate key (first on line {seen[name]}); YAML keeps only the last"
                    )
                    problems.append(Problem(line, dotted((*path, name)), message))
                seen.setdefault(name, line)
                stack.append((value, (*path, name)))
        elif isinstance(node, SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))
    return problems


def dotted(path: tuple[str | int, ...]) -> str:
    """Return a field path as a reader writes it: `objects.audiences[3].breadth`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _yaml_problem(exc: yaml.YAMLError, last_line: int) -> Problem:
    """The parser marks an error at the end of the stream one line past the last: name the last."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = min(mark.line + 1, last_line) if mark is not None else 1
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    message = ", ".join(str(part) for part in parts if part) or str(exc)
    kind = "unsupported YAML" if isinstance(exc, ConstructorError) else "YAML syntax error"
    return Problem(line, "", f"{kind}: {message}")


def _too_big() -> Problem:
    return Problem(1, "", f"file is larger than {MAX_BYTES:,} bytes; a checklist is small text")


def _binary(line: int, why: str) -> Problem:
    return Problem(line, "", f"not a text file ({why}); a checklist must be UTF-8 YAML")
