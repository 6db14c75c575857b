"""House rules that keep the core reusable from the CLI, tests and any future API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_FILES = [
    path
    for path in (ROOT / "datawalk").rglob("*.py")
    if "ui" not in path.relative_to(ROOT / "datawalk").parts
]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_never_imports_streamlit(path: Path) -> None:
    imported = _imported_modules(path)
    assert not {name for name in imported if name.split(".")[0] == "streamlit"}
    assert not {name for name in imported if name.startswith("datawalk.ui")}


def test_no_user_text_reaches_unsafe_html() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "datawalk").rglob("*.py"), ROOT / "streamlit_app.py"]
        if path.exists() and "unsafe_allow_html=True" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_no_pickle_anywhere() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "datawalk").rglob("*.py")
        if {"pickle", "dill", "cloudpickle"} & _imported_modules(path)
    ]
    assert offenders == []
