"""No file leaves DataWalk unrecorded: every page that offers a download button records it in
the audit trail through a service, and tables and charts offer no built-in CSV download."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDERS = {"record_export", "record_download"}


def _calls(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def test_every_module_with_a_download_button_records_the_download():
    offering = []
    for path in sorted((ROOT / "datawalk" / "ui").rglob("*.py")):
        calls = _calls(ast.parse(path.read_text(encoding="utf-8")))
        if "download_button" in calls:
            offering.append(path.name)
            assert calls & RECORDERS, f"{path}: a download button that is not in the trail"
    assert "export.py" in offering


def test_tables_and_charts_offer_no_unrecorded_csv_download():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
