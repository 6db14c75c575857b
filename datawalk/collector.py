"""Pacing Python's cyclic garbage collector around the few big one-off jobs: a workbook export
and a workbook or JSON import.

Such a job makes hundreds of thousands of objects that all live until it ends (rows, cells,
scored findings). Every so often CPython then runs a *full* collection, which walks every
object in the process, the job's own and everything loaded before it; on a 10,000-finding
export that was a third of the time, for objects that were never garbage.

`few_full_collections` raises only the oldest generation's threshold while a job runs, so the
young generations are still collected as usual (short-lived cycles are freed at once) and full
passes wait until the job ends. Collection is never switched off. The setting is the process's,
so overlapping jobs on several threads share one count, and the last to finish puts the
thresholds back.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Full passes wait for this many middle-generation passes instead of CPython's 10 (the
# benchmark sets it to 0 to time a job with the collector as CPython leaves it).
JOB_OLDEST_THRESHOLD = 1_000

_lock = threading.Lock()
_running = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def few_full_collections() -> Iterator[None]:
    """Run the block with full collections held back (see the module docstring)."""
    _begin()
    try:
        yield
    finally:
        _end()


def _begin() -> None:
    global _running, _saved
    with _lock:
        if _running == 0:
            _saved = gc.get_threshold()
            young, middle, oldest = _saved
            gc.set_threshold(young, middle, max(oldest, JOB_OLDEST_THRESHOLD))
        _running += 1


def _end() -> None:
    global _running
    with _lock:
        _running -= 1
        if _running == 0:
            gc.set_threshold(*_saved)
