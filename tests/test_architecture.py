"""House rules that keep the core reusable from the CLI, tests and any future API."""

from __future__ import annotations

import ast
import subprocess
import sys
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


# The one place the core may reach the benchmarks: the CLI's `bench` command, inside the command.
BENCH_COMMAND = ("datawalk/cli/commands.py", "bench")


def _imports_outside_the_bench_command(path: Path) -> set[str]:
    """A module's imports, leaving out the `import benchmarks` inside the CLI's bench command."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    if str(path.relative_to(ROOT)) == BENCH_COMMAND[0]:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == BENCH_COMMAND[1]:
                allowed = {id(inner) for inner in ast.walk(node) if isinstance(inner, ast.Import)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            local = id(node) in allowed
            names.update(a.name for a in node.names if not (local and a.name == "benchmarks"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_never_imports_streamlit_or_the_benchmarks(path: Path) -> None:
    imported = _imports_outside_the_bench_command(path)
    assert not {name for name in imported if name.split(".")[0] in {"streamlit", "benchmarks"}}
    assert not {name for name in imported if name.startswith("datawalk.ui")}


def test_the_bench_command_is_the_one_place_the_core_imports_the_benchmarks() -> None:
    importers = [
        str(path.relative_to(ROOT))
        for path in CORE_FILES
        if "benchmarks" in {name.split(".")[0] for name in _imported_modules(path)}
    ]
    assert importers == [BENCH_COMMAND[0]]


def test_importing_the_whole_core_and_cli_loads_neither_streamlit_nor_the_benchmarks() -> None:
    """Indirect imports count too: a fresh interpreter imports every core module."""
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in CORE_FILES
        if "migrations" not in path.parts and path.name != "__main__.py"
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'streamlit', 'benchmarks'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


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


EDGE_FILES = [
    path for folder in ("ui", "cli") for path in (ROOT / "datawalk" / folder).rglob("*.py")
] + [ROOT / "streamlit_app.py"]


def _reaches_the_store(path: Path) -> set[str]:
    """The store imports of a module, and any use of a workspace's private store."""
    text = path.read_text(encoding="utf-8")
    reached = {
        name
        for name in _imported_modules(path)
        if name == "datawalk.store" or name.startswith("datawalk.store.")
    }
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "datawalk"
            and any(alias.name == "store" for alias in node.names)
        ):
            reached.add("datawalk.store")
        if isinstance(node, ast.Attribute) and node.attr == "_store":
            reached.add("._store")
        if isinstance(node, ast.Name) and node.id == "Store":
            reached.add("Store")
    return reached


@pytest.mark.parametrize("path", EDGE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_and_the_cli_never_reach_the_store(path: Path) -> None:
    """Every change goes through datawalk.services; reads through a workspace's `reads`."""
    assert _reaches_the_store(path) == set()


def test_the_store_check_catches_a_page_that_imports_the_store(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "from datawalk.store import Store\nstore = Store.open()\nws._store.save_finding(x)\n",
        encoding="utf-8",
    )
    assert _reaches_the_store(page) == {"datawalk.store", "Store", "._store"}


def test_only_the_services_and_the_accounts_core_use_a_workspaces_store() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "datawalk").rglob("*.py")
        if "._store" in path.read_text(encoding="utf-8")
        and not {"services", "accounts"} & set(path.relative_to(ROOT / "datawalk").parts)
    ]
    assert offenders == []


def _segmented_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "segmented_control"
    ]


def test_every_single_choice_control_says_whether_it_is_required() -> None:
    """Streamlit clears a segmented control when its chosen option is tapped again, unless it is
    required; each call decides, so none clears a choice by surprise on a tablet."""
    undecided = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in (ROOT / "datawalk" / "ui").rglob("*.py")
        for call in _segmented_calls(path)
        if not any(keyword.arg == "required" for keyword in call.keywords)
    ]
    assert undecided == []


def test_no_module_is_imported_by_a_name_in_a_string() -> None:
    """Wiring is by direct import: a renamed module fails loudly instead of being skipped."""
    sources = [*(ROOT / "datawalk").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if "migrations" not in path.parts and _imports_by_name(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _imports_by_name(text: str) -> bool:
    return any(call in text for call in ("import_module(", "__import__("))
