"""The workbook bench's import runs, in a process of their own (see `workbook._import_runs`).

`python -m benchmarks.import_worker URL RUNS FILE FILE` prints the paced imports, the unpaced
imports and the calamine reads, in milliseconds, as one JSON list of three lists.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.workbook import timed_imports


def main(argv: list[str]) -> None:
    url, runs, *files = argv
    print(json.dumps(timed_imports(url, [Path(name) for name in files], int(runs))))


if __name__ == "__main__":
    main(sys.argv[1:])
