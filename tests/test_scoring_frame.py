"""Batch scoring of a findings DataFrame: its shape, its edge cases, and agreement with the
single-finding path on many synthetic rows. The benchmark runs here too, without timing asserts.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from benchmarks.scoring import bench_scoring, synthetic_frame
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.errors import ValidationError
from datawalk.models import Finding
from datawalk.scoring import findings_to_frame, score_findings, score_frame
from datawalk.scoring.matrices import decode_columns

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)
OUTPUT = [
    "finding_id",
    "reference",
    "exposure",
    "sensitivity",
    "privacy_level",
    "privacy_level_index",
    "need",
    "availability_gap",
    "safeguarding_level",
    "safeguarding_level_index",
    "classification",
    "priority",
    "excess",
    "missing",
    "rule_ids",
    "commendation",
]


def _finding(**fields) -> Finding:
    base = {
        "audit_id": "audit-frame-1",
        "location_id": "location-frame-1",
        "categories": ["anaphylaxis_aai"],
        "format": "poster",
        "identifiability": "full_name_photo",
        "detail_level": "diagnosis",
        "visible_to": ["pupils", "catering"],
        "needed_by": ["catering"],
    }
    return Finding(**{**base, **fields})


def test_frame_has_the_documented_columns_and_keeps_the_index() -> None:
    frame = findings_to_frame([_finding(), _finding(reference="F-002")]).set_index(
        pd.Index([10, 20])
    )
    scored = score_frame(frame, UK, today=WALK)
    assert list(scored.columns) == OUTPUT
    assert list(scored.index) == [10, 20]
    assert "reasons" in score_frame(frame, UK, today=WALK, explain=True)


def test_an_empty_frame_scores_to_an_empty_frame() -> None:
    scored = score_frame(findings_to_frame([]), UK, today=WALK)
    assert scored.empty and list(scored.columns) == OUTPUT


def test_unknown_ids_in_a_frame_are_refused() -> None:
    frame = findings_to_frame([_finding()])
    frame.loc[0, "format"] = "skywriting"
    with pytest.raises(ValidationError) as info:
        score_frame(frame, UK, today=WALK)
    assert info.value.field == "format"
    frame = findings_to_frame([_finding()])
    frame.at[0, "controls"] = ("invisibility_cloak",)
    with pytest.raises(ValidationError):
        score_frame(frame, UK, today=WALK)


def test_a_frame_missing_a_column_is_refused() -> None:
    with pytest.raises(ValidationError):
        score_frame(findings_to_frame([_finding()]).drop(columns=["reach"]), UK, today=WALK)


def test_synthetic_rows_score_the_same_in_batch_and_one_by_one() -> None:
    frame = synthetic_frame(UK, 400, seed=11)
    batch = score_frame(frame, UK, today=WALK)
    items = [
        Finding(
            id=row.finding_id,
            audit_id=row.audit_id,
            location_id=row.location_id,
            reference=row.reference,
            categories=list(row.categories),
            format=row.format,
            identifiability=row.identifiability,
            detail_level=row.detail_level,
            visible_to=list(row.visible_to),
            needed_by=list(row.needed_by),
            reach=row.reach,
            controls=list(row.controls),
            review_date=None if pd.isna(row.review_date) else row.review_date.date(),
            need_override=None if pd.isna(row.need_override) else int(row.need_override),
            good_practice=bool(row.good_practice),
        )
        for row in frame.itertuples(index=False)
    ]
    single = pd.DataFrame(
        [
            {
                **s.model_dump(exclude={"reasons", "recommendations"}),
                "rule_ids": tuple(r.rule_id for r in s.recommendations),
                "excess": tuple(s.excess),
                "missing": tuple(s.missing),
            }
            for s in score_findings(items, UK, today=WALK)
        ]
    )
    columns = [c for c in single.columns]
    pd.testing.assert_frame_equal(
        batch[columns].reset_index(drop=True), single[columns], check_dtype=False
    )
    assert batch["classification"].nunique() == 4  # the sample reaches every classification


def test_bench_reports_figures_without_asserting_speed() -> None:
    figures = bench_scoring(n=500, repeats=2)
    assert figures["findings"] == 500
    assert figures["median_ms"] > 0 and figures["p95_ms"] >= figures["median_ms"]


@pytest.mark.parametrize("width", [0, 3, 62, 130])
def test_distinct_sets_decode_like_one_by_one(width: int) -> None:
    rng = np.random.default_rng(width)
    matrix = rng.random((width, 300)) < 0.02  # sparse, so many columns repeat
    decoded = decode_columns(matrix, lambda sets: [tuple(np.flatnonzero(c)) for c in sets.T])
    assert list(decoded) == [tuple(np.flatnonzero(column)) for column in matrix.T]
