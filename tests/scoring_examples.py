"""The scoring tests' fictional findings: the seven worked examples of DOMAIN.md, built from the
domain brief rather than the checklist's quick templates, and the helpers that score them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, default_needed_by, load_checklist
from datawalk.models import Finding, Reach
from datawalk.scoring import score_finding
from datawalk.vocabulary import Checklist

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)
EFFECTS = {rule.id: rule.effect for rule in UK.scoring.rules}


def finding(**fields: Any) -> Finding:
    """A fictional finding; only the fields a test is about need giving."""
    base: dict[str, Any] = {
        "audit_id": "audit-scoring-1",
        "location_id": "location-scoring-1",
        "categories": ["food_allergy"],
        "format": "poster",
        "identifiability": "full_name",
        "detail_level": "condition_action",
    }
    return Finding(**{**base, **fields})


def score(item: Finding, checklist: Checklist = UK, today: date = WALK):
    return score_finding(item, checklist, today=today)


def level_index(level_id: str) -> int:
    return [level.id for level in UK.scoring.levels].index(level_id)


def effects(scored) -> set[str]:
    return {EFFECTS[r.rule_id] for r in scored.recommendations}


def with_scoring(checklist: Checklist = UK, **changes: Any) -> Checklist:
    content = checklist.model_dump(mode="json")
    content["scoring"].update(changes)
    return Checklist.model_validate(content)


# The seven worked examples ---------------------------------------------------------------------

ALLERGY_POSTER = finding(
    categories=["anaphylaxis_aai", "food_allergy"],
    identifiability="full_name_photo",
    visible_to=["pupils", "visitors", "catering"],
    needed_by=["catering"],
)
COVER_FOLDER = finding(
    categories=["anaphylaxis_aai"],
    format="cover_pack",
    identifiability="none",
    detail_level="action_only",
    visible_to=[],
    needed_by=["supply"],
    reach=Reach.NOT_AT_ALL,
    evidence="document_seen",
)
WHITEBOARD_EMAIL = finding(
    categories=["child_protection", "identifiers"],
    format="interactive_screen",
    detail_level="diagnosis",
    visible_to=["pupils", "teaching_staff"],
    needed_by=["teaching_staff"],
)
FRIDGE_MEDICATION = finding(
    categories=["medication"],
    format="label",
    detail_level="diagnosis",
    visible_to=["all_staff"],
    needed_by=["first_aiders", "office"],
    reach=Reach.WITHIN_5_MINUTES,
)
STALE_DIET_LIST = finding(
    categories=["food_allergy", "dietary_preference"],
    format="list",
    visible_to=["catering"],
    needed_by=["catering"],
    # It lacks a pupil diagnosed last month: catering cannot reach that pupil's diet at all.
    reach=Reach.NOT_AT_ALL,
    controls=["dated_review"],
    review_date=WALK - timedelta(days=40),
    evidence="document_seen",
)
# The same list with nobody missing from it: only its date has passed.
DATED_DIET_LIST = STALE_DIET_LIST.model_copy(update={"reach": Reach.IMMEDIATELY})
ALLERGY_REGISTER = finding(
    categories=["anaphylaxis_aai", "food_allergy"],
    format="folder",
    identifiability="forename_photo",
    visible_to=["all_staff"],
    needed_by=default_needed_by(UK, ["anaphylaxis_aai", "food_allergy"]),
    reach=Reach.WITHIN_5_MINUTES,
    controls=["folder_not_wall", "forename_photo_only", "minimal_detail", "dated_review"],
    review_date=WALK + timedelta(days=60),
    good_practice=True,
    good_practice_note="Copies in the staff room and kitchen.",
)
CP_RECORDS = finding(
    categories=["child_protection"],
    format="folder",
    detail_level="diagnosis_dob_history",
    visible_to=["dsl"],
    needed_by=["dsl"],
    controls=["locked_container"],
)
