"""Scoring one finding reuses the score of the same values scored just before (the walk form
scores a draft, and saving it scores the same values under the saved finding's id). The reused
score must be exactly what scoring afresh gives, under the finding's own id and reference, and
any change to what scoring reads must score afresh."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.scoring import synthetic_frame
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist
from datawalk.models import Finding
from datawalk.scoring import score_findings

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)
ROWS = synthetic_frame(UK, 60, seed=23)


def _finding(row, **changes) -> Finding:
    fields = {
        "id": row.finding_id,
        "audit_id": row.audit_id,
        "location_id": row.location_id,
        "reference": row.reference,
        "categories": list(row.categories),
        "format": row.format,
        "identifiability": row.identifiability,
        "detail_level": row.detail_level,
        "visible_to": list(row.visible_to),
        "needed_by": list(row.needed_by),
        "reach": row.reach,
        "controls": list(row.controls),
        "review_date": None if pd.isna(row.review_date) else row.review_date.date(),
        "need_override": None if pd.isna(row.need_override) else int(row.need_override),
        "good_practice": bool(row.good_practice),
    }
    return Finding(**{**fields, **changes})


def _alone(finding: Finding, explain: bool = True):
    return score_findings([finding], UK, WALK, explain=explain)[0]


def _with_a_neighbour(finding: Finding, explain: bool = True):
    """The same finding scored beside another: the batch path, which reuses nothing."""
    neighbour = _finding(ROWS.iloc[0], id="neighbour-0001")
    return score_findings([finding, neighbour], UK, WALK, explain=explain)[0]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(ROWS) - 1), st.booleans(), st.booleans())
def test_a_reused_score_is_the_fresh_score_under_the_findings_own_id(
    row: int, explain_first: bool, explain_then: bool
) -> None:
    draft = _finding(ROWS.iloc[row], id=f"draft-{row:04d}", reference=None)
    saved = draft.model_copy(update={"id": f"saved-{row:04d}", "reference": f"F-{row:03d}"})
    _alone(draft, explain_first)
    reused = _alone(saved, explain_then)
    assert reused == _with_a_neighbour(saved, explain_then)
    assert (reused.finding_id, reused.reference) == (saved.id, saved.reference)


def test_any_change_to_what_scoring_reads_scores_afresh() -> None:
    row = ROWS.iloc[5]
    before = _alone(_finding(row, visible_to=["catering", "pupils"], needed_by=["catering"]))
    after = _alone(_finding(row, visible_to=["catering"], needed_by=["catering"]))
    assert after == _with_a_neighbour(
        _finding(row, visible_to=["catering"], needed_by=["catering"])
    )
    assert after.excess != before.excess
    moved = score_findings([_finding(row)], UK, WALK, places={row.location_id: "servery"})[0]
    assert (
        moved
        == score_findings(
            [_finding(row), _finding(ROWS.iloc[0], id="neighbour-0001")],
            UK,
            WALK,
            places={row.location_id: "servery"},
        )[0]
    )
    later = score_findings([_finding(row)], UK, date(2031, 1, 1))[0]
    assert later == _with_a_neighbour_on(_finding(row), date(2031, 1, 1))


def _with_a_neighbour_on(finding: Finding, day: date):
    neighbour = _finding(ROWS.iloc[0], id="neighbour-0001")
    return score_findings([finding, neighbour], UK, day)[0]


def test_a_score_asked_with_reasons_after_one_without_has_its_reasons() -> None:
    finding = _finding(ROWS.iloc[7])
    assert _alone(finding, explain=False).reasons == []
    explained = _alone(finding, explain=True)
    assert explained.reasons
    assert explained == _with_a_neighbour(finding)
