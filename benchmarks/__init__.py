"""Registry of benchmarks behind `python -m datawalk bench`.

Each entry names a function by dotted path and is imported only when the benchmark runs, so the
core never imports Streamlit: the walk and dashboard figures come from AppTest, which does. A
benchmark returns named figures in milliseconds (or seconds where stated) and never asserts.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

Figures = dict[str, Any]

BENCHMARKS: dict[str, str] = {
    "walk": "datawalk.ui.bench:bench_walk",
    "scoring": "datawalk.scoring:bench_scoring",
    "workbook": "datawalk.workbook.bench:bench_workbook",
    "dashboard": "datawalk.ui.bench:bench_dashboard",
}


def _resolve(target: str) -> Callable[..., Figures] | None:
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    return getattr(module, function_name, None)


def run_all(only: list[str] | None = None) -> Iterator[tuple[str, Figures | None]]:
    """Yield each benchmark's figures in turn; None where that benchmark is not available."""
    for name, target in BENCHMARKS.items():
        if only and name not in only:
            continue
        function = _resolve(target)
        yield name, (function() if function else None)
