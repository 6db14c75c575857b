"""An export reads the audit once, scores it once and builds findings and actions from our own
database without validating every row again:

- the findings and actions a bulk read builds are equal, field for field and type for type, to
  what the validating path (`Finding.model_validate`, a single `get_finding`) gives;
- the workbook export runs the same number of SQL statements for 40 findings as for 10, reads
  the findings and the actions once each, and keeps the plan in step from the scores it made,
  both on a first export (every default action created) and on the next one (nothing to do).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from datawalk.checklist import pin_checklist
from datawalk.cli.transfer import ExportRequest, _export_xlsx
from datawalk.models import Action, ActionStatus, Finding, Reach, School
from datawalk.services import Actor, Workspace
from tests.test_bulk_statements import counted

ACTOR = Actor("Test Consultant")


def _varied_audit(store, make_audit, make_location, make_finding, make_photo, checklist) -> str:
    """Findings using every kind of stored value: per-audience reach, dates, notes, photos."""
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR.name)
    here = store.add_location(make_location(audit.id), ACTOR.name)
    there = store.add_location(make_location(audit.id, name="Office", floor_id=None), ACTOR.name)
    store.save_finding(make_finding(audit.id, here.id), ACTOR.name)
    store.save_finding(
        make_finding(
            audit.id,
            there.id,
            categories=["medical_conditions", "food_allergy"],
            visible_to=["all_staff", "visitors"],
            needed_by=["all_staff", "supply_staff"],
            needed_reach={"supply_staff": Reach.NOT_AT_ALL},
            reach=Reach.SAME_DAY,
            review_date=date(2025, 1, 31),
            need_override=4,
            good_practice=True,
            good_practice_note="Checked termly.",
            notes="Seen at lunch.\nTwo copies.",
            title="Allergy list",
            photos=[make_photo()],
        ),
        ACTOR.name,
    )
    return audit.id


def test_bulk_read_findings_equal_validated_ones(
    store, make_audit, make_location, make_finding, make_photo, checklist
) -> None:
    audit_id = _varied_audit(store, make_audit, make_location, make_finding, make_photo, checklist)
    read = store.list_findings(audit_id, with_photos=True)
    assert len(read) == 2 and any(f.needed_reach and f.photos for f in read)
    for finding in read:
        validated = Finding.model_validate(finding.model_dump())
        assert finding == validated == store.get_finding(finding.id)
        assert finding.model_dump_json() == validated.model_dump_json()
        assert isinstance(finding.reach, Reach)
        assert all(isinstance(reach, Reach) for reach in finding.needed_reach.values())


def test_bulk_read_actions_equal_validated_ones(
    store, make_audit, make_location, make_finding, make_photo, checklist
) -> None:
    audit_id = _varied_audit(store, make_audit, make_location, make_finding, make_photo, checklist)
    finding = store.list_findings(audit_id)[0]
    store.add_actions(
        audit_id,
        [
            Action(
                audit_id=audit_id,
                finding_ids=[finding.id],
                recommendation="Move it staff-side.",
                owner="Business manager",
                due_date=date(2025, 9, 1),
                priority=12.5,
                status=ActionStatus.RISK_ACCEPTED,
                accepted_reason="Needed at the hatch.",
                accepted_by="Head teacher",
                accepted_on=date(2025, 6, 2),
            )
        ],
        ACTOR.name,
    )
    [action] = store.list_actions(audit_id)
    validated = Action.model_validate(action.model_dump())
    assert action == validated
    assert action.model_dump_json() == validated.model_dump_json()
    assert isinstance(action.status, ActionStatus)


def _audit_with(store, make_audit, make_location, make_finding, checklist, n: int) -> str:
    """An audit of its own school (another walk of the same school would join its trend)."""
    school = School(name=f"School of {n} (fictional)", phase="primary")
    audit = store.create_audit(
        make_audit(checklist=pin_checklist(checklist), school=school), ACTOR.name
    )
    location = store.add_location(make_location(audit.id), ACTOR.name)
    for _ in range(n):
        store.save_finding(make_finding(audit.id, location.id), ACTOR.name)
    return audit.id


def _export_statements(store, audit_id: str, output: Path) -> list[str]:
    request = ExportRequest(Workspace(store), audit_id, output, "leadership")
    with counted(store) as statements:
        _export_xlsx(request)
    assert output.stat().st_size > 0
    return statements


def _reads_of(statements: list[str], table: str) -> int:
    """Statements that read the table's rows (not a count or a join through it)."""
    pattern = re.compile(rf"^\s*SELECT {table}\.id\b", re.IGNORECASE)
    return sum(bool(pattern.match(statement)) for statement in statements)


def test_the_workbook_export_is_a_fixed_number_of_statements(
    store, make_audit, make_location, make_finding, checklist, tmp_path
) -> None:
    small = _audit_with(store, make_audit, make_location, make_finding, checklist, 10)
    large = _audit_with(store, make_audit, make_location, make_finding, checklist, 40)
    first = [_export_statements(store, a, tmp_path / f"{a}-1.xlsx") for a in (small, large)]
    assert len(store.list_actions(large)) == 40, "the first export made the default actions"
    again = [_export_statements(store, a, tmp_path / f"{a}-2.xlsx") for a in (small, large)]
    assert len(first[0]) == len(first[1])
    assert len(again[0]) == len(again[1])
    # Nothing to do the second time: findings and actions are each read once, and not rescored.
    assert _reads_of(again[1], "findings") == 1
    assert _reads_of(again[1], "actions") == 1
    assert not [s for s in again[1] if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    # The workbook never shows the local trail, so an export does not read it.
    assert not [s for s in again[1] if re.search(r"\bFROM trail_events\b", s)]


def test_a_document_read_without_its_trail_is_otherwise_the_same(
    store, make_audit, make_location, make_finding, make_photo, checklist
) -> None:
    audit_id = _varied_audit(store, make_audit, make_location, make_finding, make_photo, checklist)
    whole = store.export_document(audit_id)
    without = store.export_document(audit_id, with_trail=False)
    assert whole.trail and without.trail == []
    assert without == whole.model_copy(update={"trail": []})
