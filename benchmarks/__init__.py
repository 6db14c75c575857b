"""The benchmarks behind `python -m datawalk bench`, kept outside the `datawalk` package.

The core never imports this package (tests/test_architecture.py checks it): the walk and
dashboard figures come from Streamlit's AppTest, so importing them pulls in Streamlit. Only the
CLI's `bench` command imports it, inside the command.

A benchmark returns named figures in milliseconds (or seconds where stated) and never asserts.
To add one, write a module here with a function returning its figures, import it below and add a
`Benchmark` to `BENCHMARKS`, with the keyword arguments of a quick run (a few rows, once) that
`bench --quick` and the tests use to check it still runs. A benchmark that measures a database
takes `db_url` (`bench --db URL`; None: a temporary SQLite file) and sets `takes_db`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from benchmarks import photos, report, saves, scoring, ui, workbook

Figures = dict[str, Any]


@dataclass(frozen=True)
class Benchmark:
    """One named benchmark: the function that measures, and its arguments for a quick run."""

    run: Callable[..., Figures]
    quick: Mapping[str, Any] = field(default_factory=dict)
    takes_db: bool = False

    def figures(self, quick: bool = False, db_url: str | None = None) -> Figures:
        options = {**(self.quick if quick else {}), **({"db_url": db_url} if self.takes_db else {})}
        return self.run(**options)


BENCHMARKS: dict[str, Benchmark] = {
    "walk": Benchmark(ui.bench_walk, quick={"n_findings": 20, "repeats": 2}),
    "scoring": Benchmark(scoring.bench_scoring, quick={"n": 200, "repeats": 2}),
    "workbook": Benchmark(workbook.bench_workbook, quick={"findings": 30, "runs": 1}),
    "report": Benchmark(report.bench_report, quick={"findings": 20, "runs": 1}),
    "dashboard": Benchmark(ui.bench_dashboard, quick={"n_findings": 20, "repeats": 2}),
    "saves": Benchmark(
        saves.bench_saves,
        quick={"sessions": 3, "saves_per_session": 2, "pause_ms": 0},
        takes_db=True,
    ),
    "photos": Benchmark(photos.bench_photos, quick={"runs": 1}),
}


def check_names(only: Iterable[str]) -> None:
    """Raise ValueError naming any benchmark asked for that is not registered."""
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        known = ", ".join(BENCHMARKS)
        raise ValueError(f"no benchmark named {', '.join(unknown)} (known: {known})")


def run_all(
    only: list[str] | None = None, quick: bool = False, db_url: str | None = None
) -> Iterator[tuple[str, Figures]]:
    """Yield each benchmark's figures in turn, in registry order (only those named, if any).

    With `db_url` and no names, only the benchmarks that measure a database run, on it.
    """
    check_names(only or ())
    for name, benchmark in BENCHMARKS.items():
        if (only and name not in only) or (db_url and not only and not benchmark.takes_db):
            continue
        yield name, benchmark.figures(quick, db_url)
