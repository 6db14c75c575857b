"""The scored table brought up to date from its last version equals the table built from scratch,
after any sequence of edits through the services: findings added, edited, moved, deleted and
restored; places renamed and moved; the audit rescored with a newer copy of its checklist. After
a one-finding save it reads only what changed, in as many statements for a large audit as for a
small one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas.testing as pdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datawalk.checklist import (
    DEFAULT_CHECKLIST_PATH,
    checklist_of_stored_pin,
    finding_from_template,
    load_checklist,
    pin_checklist,
)
from datawalk.models import Audit, Floor, Location, School, Site
from datawalk.scored_table import scored_table
from datawalk.scored_table_cache import BuiltTable, build_table
from datawalk.services import Actor, Workspace, findings, locations, rescoring
from datawalk.store import Store
from tests.test_bulk_statements import counted

ACTOR = Actor("Test Consultant")
CHECKLIST = load_checklist(DEFAULT_CHECKLIST_PATH)
TEMPLATES = [template.id for template in CHECKLIST.objects.templates]
# What an edit copies from another template onto a stored finding.
EDITED = ("categories", "format", "identifiability", "detail_level", "visible_to", "needed_by")
EDITED += ("reach", "needed_reach", "controls", "evidence", "good_practice")
PLACES = [("Servery", "servery", "ground"), ("Staff room", "staff_room", "first")]


class CountingReads:
    """The workspace's reads, counting how often the whole audit's findings are read."""

    def __init__(self, reads: Any) -> None:
        self._reads = reads
        self.full_reads = 0

    def __getattr__(self, name: str) -> Any:
        if name == "list_findings":
            self.full_reads += 1
        return getattr(self._reads, name)


def _calmer(checklist):
    """A newer copy whose privacy grid puts everything at the lowest level."""
    grid = [[0] * len(row) for row in checklist.scoring.privacy_grid]
    scoring = checklist.scoring.model_copy(update={"privacy_grid": grid})
    return checklist.model_copy(update={"scoring": scoring, "version": checklist.version + 1})


def _new_walk(workspace: Workspace) -> tuple[str, list[str]]:
    audit = Audit(
        school=School(name="Oakfield Primary (fictional)", phase="primary"),
        site=Site(
            name="Main site",
            floors=[
                Floor(id="ground", name="Ground floor", order=0),
                Floor(id="first", name="First floor", order=1),
            ],
        ),
        auditor=ACTOR.name,
        walk_at=datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
        checklist=pin_checklist(CHECKLIST),
    )
    stored = workspace._store.create_audit(audit, ACTOR.name)
    places = [
        locations.add_location(
            workspace,
            ACTOR,
            Location(audit_id=stored.id, name=name, location_type=kind, floor_id=floor),
        ).id
        for name, kind, floor in PLACES
    ]
    return stored.id, places


def _build(reads: Any, audit_id: str, previous: BuiltTable | None) -> BuiltTable:
    audit = reads.get_audit(audit_id)
    checklist = checklist_of_stored_pin(audit.checklist)
    return build_table(
        reads, audit, reads.list_locations(audit_id), checklist, previous, max_changed_share=1.0
    )


def _from_scratch(workspace: Workspace, audit_id: str):
    reads = workspace.reads
    audit = reads.get_audit(audit_id)
    checklist = checklist_of_stored_pin(audit.checklist)
    found = reads.list_findings(audit_id)
    return scored_table(audit, found, reads.list_locations(audit_id), checklist)


def _assert_as_from_scratch(built: BuiltTable, workspace: Workspace, audit_id: str) -> None:
    """Same rows in the same order, same columns, same types, same values to the last bit."""
    pdt.assert_frame_equal(built.table, _from_scratch(workspace, audit_id), check_exact=True)


def _apply(workspace: Workspace, audit_id: str, places: list[str], step: tuple, bin: list) -> None:
    """One edit through the services; `bin` holds deleted findings for an undo."""
    kind, a, b = step
    stored = workspace.reads.list_findings(audit_id)
    if kind == "add" or (not stored and kind in ("edit", "move", "review", "delete")):
        template = TEMPLATES[a % len(TEMPLATES)]
        finding = finding_from_template(CHECKLIST, template, audit_id, places[b % len(places)])
        findings.save_finding(workspace, ACTOR, finding)
    elif kind == "edit":
        target = stored[a % len(stored)]
        source = finding_from_template(CHECKLIST, TEMPLATES[b % len(TEMPLATES)], audit_id, "x")
        update = {name: getattr(source, name) for name in EDITED}
        findings.save_finding(workspace, ACTOR, target.model_copy(update=update))
    elif kind == "move":
        target = stored[a % len(stored)]
        moved = target.model_copy(update={"location_id": places[b % len(places)]})
        findings.save_finding(workspace, ACTOR, moved)
    elif kind == "review":
        target = stored[a % len(stored)]
        day = workspace.reads.get_audit(audit_id).walk_at.date() + timedelta(days=b * 90 - 180)
        findings.save_finding(workspace, ACTOR, target.model_copy(update={"review_date": day}))
    elif kind == "delete":
        bin.append(findings.delete_finding(workspace, ACTOR, stored[a % len(stored)].id))
    elif kind == "undo" and bin:
        findings.undo_delete(workspace, ACTOR, bin.pop(a % len(bin)))
    elif kind == "rename":
        locations.rename_location(workspace, ACTOR, places[a % len(places)], f"Room {b}")
    elif kind == "floor":
        floor = ("ground", "first")[b % 2]
        locations.move_location(workspace, ACTOR, places[a % len(places)], floor)
    elif kind == "rescore":
        audit = workspace.reads.get_audit(audit_id)
        current = checklist_of_stored_pin(audit.checklist)
        if current.version == CHECKLIST.version:
            rescoring.rescore(workspace, ACTOR, audit_id, _calmer(current))


STEPS = st.tuples(
    st.sampled_from(
        [
            "add",
            "add",
            "add",
            "edit",
            "edit",
            "move",
            "review",
            "delete",
            "undo",
            "rename",
            "floor",
            "rescore",
        ]
    ),
    st.integers(0, 40),
    st.integers(0, 4),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4)), max_size=8),
       steps=st.lists(STEPS, min_size=1, max_size=12))  # fmt: skip
def test_the_table_kept_up_to_date_equals_the_table_built_from_scratch(start, steps) -> None:
    workspace = Workspace(Store.open("sqlite://"))
    try:
        audit_id, places = _new_walk(workspace)
        for a, b in start:
            _apply(workspace, audit_id, places, ("add", a, b), [])
        reads = CountingReads(workspace.reads)
        built = _build(reads, audit_id, None)
        _assert_as_from_scratch(built, workspace, audit_id)
        deleted: list = []
        for step in steps:
            _apply(workspace, audit_id, places, step, deleted)
            built = _build(reads, audit_id, built)
            _assert_as_from_scratch(built, workspace, audit_id)
    finally:
        workspace.close()


def test_a_save_reads_and_scores_only_what_changed() -> None:
    workspace = Workspace(Store.open("sqlite://"))
    try:
        audit_id, places = _new_walk(workspace)
        for n in range(12):
            _apply(workspace, audit_id, places, ("add", n, n), [])
        reads = CountingReads(workspace.reads)
        built = _build(reads, audit_id, None)
        _apply(workspace, audit_id, places, ("edit", 3, 5), [])
        _apply(workspace, audit_id, places, ("add", 7, 1), [])
        after = _build(reads, audit_id, built)
        assert reads.full_reads == 1  # the first build only
        _assert_as_from_scratch(after, workspace, audit_id)
        _apply(workspace, audit_id, places, ("rename", 0, 3), [])
        renamed = _build(reads, audit_id, after)
        assert reads.full_reads == 2  # a place's name is on many rows: built again
        _assert_as_from_scratch(renamed, workspace, audit_id)
    finally:
        workspace.close()


def _statements_after_one_save(n: int) -> int:
    workspace = Workspace(Store.open("sqlite://"))
    try:
        audit_id, places = _new_walk(workspace)
        for i in range(n):
            _apply(workspace, audit_id, places, ("add", i, i), [])
        reads = workspace.reads
        audit = reads.get_audit(audit_id)
        checklist = checklist_of_stored_pin(audit.checklist)
        where = reads.list_locations(audit_id)
        built = build_table(reads, audit, where, checklist)
        _apply(workspace, audit_id, places, ("edit", 1, 2), [])
        with counted(workspace._store) as statements:
            after = build_table(reads, audit, where, checklist, built)
        _assert_as_from_scratch(after, workspace, audit_id)
        return len(statements)
    finally:
        workspace.close()


def test_a_one_finding_save_is_a_fixed_number_of_statements_whatever_the_audit_size() -> None:
    few, many = _statements_after_one_save(10), _statements_after_one_save(40)
    assert few == many <= 4  # the stamps and the changed finding, each in its own read
