"""How long batch scoring takes: `python -m datawalk bench` reports it. Never asserted in tests.

The synthetic findings are drawn from the checklist's own vocabularies with a fixed seed, so
runs compare like with like. Building them is not timed; only `score_frame` is.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

from datawalk.scoring.frame import INPUT_COLUMNS, score_frame
from datawalk.vocabulary import Checklist

BENCH_DAY = date(2025, 3, 3)


def synthetic_frame(checklist: Checklist, n: int, seed: int = 7) -> pd.DataFrame:
    """Return n random but valid findings as a frame, drawn from the checklist's vocabularies."""
    rng = np.random.default_rng(seed)
    objects = checklist.objects

    def ids(vocabulary: list) -> np.ndarray:
        return np.array([entry.id for entry in vocabulary], dtype=object)

    def sets(vocabulary: list, low: int, high: int) -> list[tuple[str, ...]]:
        pool = ids(vocabulary)
        sizes = rng.integers(low, min(high, len(pool)) + 1, size=n)
        picks = rng.random((n, len(pool))).argsort(axis=1)
        return [tuple(sorted(pool[row[:size]])) for row, size in zip(picks, sizes, strict=True)]

    def one(vocabulary: list) -> np.ndarray:
        return rng.choice(ids(vocabulary), size=n)

    review = [
        BENCH_DAY + timedelta(days=int(d)) if d % 3 else None
        for d in rng.integers(-200, 200, size=n)
    ]
    override = pd.Series(rng.integers(1, 6, size=n), dtype="Int64")
    override = override.mask(rng.random(n) >= 0.1)
    frame = pd.DataFrame(
        {
            "finding_id": [f"bench-{i:07d}" for i in range(n)],
            "reference": [f"F-{i + 1:03d}" for i in range(n)],
            "audit_id": "bench-audit",
            "location_id": "bench-location",
            "categories": sets(objects.data_categories, 1, 3),
            "format": one(objects.formats),
            "identifiability": one(objects.identifiability),
            "detail_level": one(objects.detail_levels),
            "visible_to": sets(objects.audiences, 0, 4),
            "needed_by": sets(objects.audiences, 0, 4),
            "reach": one(objects.reach_speeds),
            "controls": sets(objects.controls, 0, 3),
            "review_date": pd.to_datetime(pd.Series(review, dtype=object)),
            "need_override": override,
            "good_practice": rng.random(n) < 0.15,
            "good_practice_note": "",
        },
        columns=list(INPUT_COLUMNS),
    )
    return frame


def bench_scoring(n: int = 100_000, repeats: int = 5) -> dict[str, float]:
    """Return figures for scoring n synthetic findings with `score_frame`, in milliseconds."""
    from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist

    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    frame = synthetic_frame(checklist, n)
    score_frame(frame.head(10), checklist, today=BENCH_DAY)  # compile the tables once
    timings = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        score_frame(frame, checklist, today=BENCH_DAY)
        timings.append(time.perf_counter() - start)
    return {
        "findings": n,
        "median_ms": float(np.median(timings) * 1000),
        "p95_ms": float(np.percentile(timings, 95) * 1000),
    }
