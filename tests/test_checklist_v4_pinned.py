"""An audit pinned to uk_schools v4 keeps scoring and advising as v4 did, under the scorer that
now also reads places, templates, reach after each step and medication formats: a pinned copy
has none of them, so nothing changes for it until the audit is rescored with v5.

`data/checklists/uk-schools-v4.yaml` is the bundled checklist as it was at version 4.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import reference_scorer

from datawalk.checklist import (
    DEFAULT_CHECKLIST_PATH,
    checklist_from_pin,
    load_checklist,
    pin_checklist,
)
from datawalk.models import Finding
from datawalk.scoring import score_finding, score_findings

V4 = checklist_from_pin(
    pin_checklist(load_checklist(Path(__file__).parent / "data/checklists/uk-schools-v4.yaml"))
)
V5 = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 11)

LOCKED_PLANS = Finding(
    audit_id="audit-v4-1",
    location_id="location-v4-1",
    categories=["healthcare_plan", "anaphylaxis_aai"],
    format="folder",
    identifiability="forename_photo",
    detail_level="condition_action",
    visible_to=["first_aiders", "office"],
    needed_by=["first_aiders", "office"],
    controls=["locked_container"],
)
COURT_ORDER = Finding(
    audit_id="audit-v4-1",
    location_id="location-v4-1",
    categories=["collection_permissions", "child_protection"],
    format="poster",
    identifiability="full_name_photo",
    detail_level="diagnosis",
    visible_to=["visitors", "parents", "office", "teaching_staff"],
    needed_by=["office", "teaching_staff"],
)


def test_the_pinned_copy_is_version_4() -> None:
    assert (V4.id, V4.version) == ("uk_schools", 4) and V5.version >= 5


def test_a_v4_audit_keeps_its_lock_rule_and_its_advice() -> None:
    """v4 read any lock on AAI data as medication locked away, and locked court orders with
    the DSL: the pinned audit says so until it is rescored; v5 does neither."""
    old = score_finding(LOCKED_PLANS, V4, WALK, location_type="medical_room")
    new = score_finding(LOCKED_PLANS, V5, WALK, location_type="medical_room")
    assert old.classification == "under_available" and new.classification == "proportionate"
    old_court = [r.rule_id for r in score_finding(COURT_ORDER, V4, WALK).recommendations]
    new_court = [
        r.rule_id
        for r in score_finding(COURT_ORDER, V5, WALK, location_type="reception").recommendations
    ]
    assert "lock_child_protection" in old_court
    assert "lock_child_protection" not in new_court


def test_a_v4_audit_scores_the_same_wherever_its_findings_are() -> None:
    """v4 rules name no places, so a location type changes nothing, and production still equals
    the reference."""
    items = [LOCKED_PLANS, COURT_ORDER]
    for place in ("servery", "classroom", "minibus", None):
        places = {"location-v4-1": place} if place else None
        scored = score_findings(items, V4, today=WALK, places=places)
        assert scored == score_findings(items, V4, today=WALK)
        assert scored == [
            reference_scorer.score_finding(f, V4, today=WALK, location_type=place) for f in items
        ]
