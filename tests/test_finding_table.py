"""The findings table: labels from the checklist, sorted by location, filters, and scores."""

from __future__ import annotations

from datetime import date, time

from datawalk.audit_setup import AuditSetup, build_audit, new_location
from datawalk.checklist import finding_from_template
from datawalk.finding_table import filter_findings, findings_frame
from datawalk.scoring import CLASSIFICATIONS

TODAY = date(2025, 3, 4)


def walk(checklist):
    setup = AuditSetup(
        "Larkspur Primary (fictional)", "primary", "Main", ("Ground",), TODAY, time(9), "A. C."
    )
    audit = build_audit(setup, checklist, TODAY)
    floor = audit.site.floors[0].id
    servery = new_location(audit, "Servery", "servery", floor)
    office = new_location(audit, "Office", "school_office", floor)
    findings = [
        finding_from_template(checklist, "allergy_poster_servery", audit.id, servery.id),
        finding_from_template(checklist, "emergency_contacts_office_wall", audit.id, office.id),
        finding_from_template(checklist, "cashless_till_screen", audit.id, servery.id),
    ]
    for number, finding in enumerate(findings, start=1):
        finding.reference = f"F-{number:03d}"
    return audit, [servery, office], findings


def test_rows_are_labelled_and_sorted_by_location(checklist) -> None:
    audit, locations, findings = walk(checklist)
    frame = findings_frame(audit, findings, locations, checklist)

    assert list(frame["location"]) == ["Office", "Servery", "Servery"]
    assert list(frame["reference"]) == ["F-002", "F-001", "F-003"]
    assert checklist.label("data_categories", "anaphylaxis_aai") in frame.loc[1, "categories"]
    assert set(frame["floor"]) == {"Ground"}


def test_filters_combine_and_match_any_chosen_value(checklist) -> None:
    audit, locations, findings = walk(checklist)
    frame = findings_frame(audit, findings, locations, checklist)
    servery = locations[0].id

    assert len(filter_findings(frame)) == 3
    assert list(filter_findings(frame, [servery])["reference"]) == ["F-001", "F-003"]
    by_category = filter_findings(frame, category_ids=["emergency_contacts", "cashless_till"])
    assert list(by_category["reference"]) == ["F-002", "F-003"]
    assert filter_findings(frame, [locations[1].id], ["cashless_till"]).empty


def test_scores_are_joined_with_level_labels(checklist) -> None:
    audit, locations, findings = walk(checklist)
    frame = findings_frame(audit, findings, locations, checklist)
    level_names = {level.name for level in checklist.scoring.levels}

    assert set(frame["classification"]) <= set(CLASSIFICATIONS)
    assert set(frame["privacy_level"]) <= level_names
    assert set(frame["safeguarding_level"]) <= level_names
    chosen = frame.loc[0, "classification"]
    assert set(filter_findings(frame, classifications=[chosen])["classification"]) == {chosen}
