"""A finding's levels and classification do not depend on where it is: a place changes only the
advice. Cards show levels and classification, so a card scored without its place (a list that
does not know the places) shows what it would show with it."""

from __future__ import annotations

from datetime import date

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, finding_from_template, load_checklist
from datawalk.scoring import score_findings

WALK_DATE = date(2026, 3, 2)


def test_every_template_scores_the_same_levels_in_every_kind_of_place() -> None:
    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    templates = checklist.objects.templates
    places = [place.id for place in checklist.objects.location_types]
    findings = [
        finding_from_template(checklist, template.id, "audit", f"{template.id}-{place}")
        for template in templates
        for place in places
    ]
    placed = {finding.location_id: finding.location_id.rsplit("-", 1)[1] for finding in findings}
    with_place = score_findings(findings, checklist, WALK_DATE, places=placed)
    without = score_findings(findings, checklist, WALK_DATE, explain=False)
    assert len(findings) == len(templates) * len(places) > 50
    for here, anywhere in zip(with_place, without, strict=True):
        assert (here.privacy_level, here.safeguarding_level, here.classification) == (
            anywhere.privacy_level,
            anywhere.safeguarding_level,
            anywhere.classification,
        )
