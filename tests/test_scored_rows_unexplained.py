"""A walk scored without its prose (another walk's summary on the school's trend) has exactly the
levels, scores and rules of the same walk scored with it; only the reasons are left empty."""

from __future__ import annotations

import pandas as pd

from datawalk.checklist import pin_checklist
from datawalk.models import Reach
from datawalk.rewalk.history import level_names, summary_of
from datawalk.rewalk.summary import summarise_walk
from datawalk.scored_table import scored_rows, scored_table
from datawalk.services import Workspace

ACTOR = "Test Consultant"


def _walk(store, make_audit, make_location, make_finding, checklist):
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR)
    hall = store.add_location(make_location(audit.id), ACTOR)
    office = store.add_location(make_location(audit.id, name="Office", floor_id=None), ACTOR)
    store.add_location(make_location(audit.id, name="Library", floor_id=None), ACTOR)
    store.save_finding(make_finding(audit.id, hall.id), ACTOR)
    store.save_finding(
        make_finding(
            audit.id,
            office.id,
            categories=["anaphylaxis_aai", "food_allergy"],
            visible_to=["all_staff", "visitors"],
            needed_by=["all_staff", "supply"],
            reach=Reach.NOT_AT_ALL,
        ),
        ACTOR,
    )
    return audit


def test_unexplained_rows_differ_only_in_their_prose(
    store, make_audit, make_location, make_finding, checklist
):
    audit = _walk(store, make_audit, make_location, make_finding, checklist)
    findings, locations = store.findings_for_scoring(audit.id), store.list_locations(audit.id)
    explained = scored_rows(audit, findings, locations, checklist)
    plain = scored_rows(audit, findings, locations, checklist, explain=False)
    assert list(plain.columns) == list(explained.columns)
    assert all(reasons == [] for reasons in plain["reasons"])
    assert set(plain["first_reason"]) == {""}
    assert all(explained["first_reason"] != "")
    prose = ["reasons", "first_reason"]
    pd.testing.assert_frame_equal(plain.drop(columns=prose), explained.drop(columns=prose))


def test_a_walk_summarised_from_the_store_matches_its_full_table(
    store, make_audit, make_location, make_finding, checklist
):
    audit = _walk(store, make_audit, make_location, make_finding, checklist)
    locations = store.list_locations(audit.id)
    full = scored_table(audit, store.findings_for_scoring(audit.id), locations, checklist)
    reads = Workspace(store).reads
    expected = summarise_walk(audit, locations, full, level_names(checklist))
    summary = summary_of(reads, audit, checklist)
    assert summary.locations == expected.locations
    assert [location.findings for location in summary.locations] == [1, 1, 0]
