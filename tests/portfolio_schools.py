"""Three fictional schools' walks for the portfolio tests: different ages, actions in every
status, due dates either side of today, review dates coming up. Stored through the app's own
store with the bundled checklist, so every figure the portfolio shows is computed, not given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.models import Action, ActionStatus, Audit, AuditStatus, Finding, Location
from datawalk.store import Store

ACTOR = "A. Consultant"
CLOSED = (ActionStatus.DONE, ActionStatus.RISK_ACCEPTED)


@dataclass
class School:
    """What the test made for one school: its audits (oldest first) and the latest's actions."""

    name: str
    audits: list[Audit] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def latest(self) -> Audit:
        return max(self.audits, key=lambda audit: audit.walk_at)

    def overdue(self, today: date) -> int:
        """Counted by the test's own rule: open or in progress, due before today."""
        return sum(
            a.status not in CLOSED and a.due_date is not None and a.due_date < today
            for a in self.actions
        )


def _walk(store: Store, checklist, name: str, walked: date) -> tuple[Audit, Location]:
    setup = AuditSetup(
        school_name=name,
        phase="primary",
        site_name="Main site",
        floor_names=("Ground floor",),
        walk_date=walked,
        walk_time=time(9, 0),
        auditor=ACTOR,
    )
    audit = store.create_audit(build_audit(setup, checklist, walked), ACTOR)
    location = store.add_location(
        Location(
            audit_id=audit.id,
            name="Servery",
            location_type="servery",
            floor_id=audit.site.floors[0].id,
        ),
        ACTOR,
    )
    return audit, location


def _finding(store: Store, audit: Audit, location: Location, **fields) -> Finding:
    values = {
        "audit_id": audit.id,
        "location_id": location.id,
        "categories": ["food_allergy"],
        "format": "poster",
        "identifiability": "full_name_photo",
        "detail_level": "condition_action",
        "visible_to": ["visitors"],
        "needed_by": ["catering"],
    } | fields
    return store.save_finding(Finding(**values), ACTOR)


def _action(finding: Finding, due: date, status=ActionStatus.OPEN, **fields) -> Action:
    extra = {}
    if status == ActionStatus.RISK_ACCEPTED:
        extra = {"accepted_reason": "Agreed", "accepted_by": "Head", "accepted_on": due}
    return Action(
        audit_id=finding.audit_id,
        finding_ids=[finding.id],
        recommendation="Move the allergy poster to the kitchen side of the hatch.",
        due_date=due,
        status=status,
        **extra,
        **fields,
    )


def make_three_schools(store: Store, checklist, today: date) -> dict[str, School]:
    """Store three schools' walks; return them by name."""
    schools = {}

    ash = School("Ashgrove Primary (fictional)")
    old, old_place = _walk(store, checklist, ash.name, today - timedelta(days=400))
    _finding(store, old, old_place)
    store.set_audit_status(old.id, AuditStatus.COMPLETE, ACTOR)
    new, place = _walk(store, checklist, ash.name, today - timedelta(days=30))
    exposed = _finding(store, new, place)
    fine = _finding(store, new, place, visible_to=["catering"], good_practice=True)
    ash.audits, ash.findings = [old, new], [exposed, fine]
    ash.actions = [
        _action(exposed, today - timedelta(days=10)),
        _action(exposed, today - timedelta(days=3), ActionStatus.IN_PROGRESS),
        _action(exposed, today - timedelta(days=5), ActionStatus.DONE),
        _action(exposed, today + timedelta(days=40)),
    ]
    schools[ash.name] = ash

    birch = School("Birchwood Academy (fictional)")
    audit, place = _walk(store, checklist, birch.name, today - timedelta(days=20))
    poster = _finding(store, audit, place, review_date=today + timedelta(days=20))
    birch.audits, birch.findings = [audit], [poster]
    birch.actions = [_action(poster, today + timedelta(days=7))]
    schools[birch.name] = birch

    cedar = School("Cedar Lane Infants (fictional)")
    audit, place = _walk(store, checklist, cedar.name, today - timedelta(days=380))
    folder = _finding(store, audit, place, visible_to=[], needed_by=["supply"])
    store.set_audit_status(audit.id, AuditStatus.COMPLETE, ACTOR)
    cedar.audits, cedar.findings = [audit], [folder]
    cedar.actions = [
        _action(folder, today - timedelta(days=200)),
        _action(folder, today - timedelta(days=100), ActionStatus.RISK_ACCEPTED),
    ]
    schools[cedar.name] = cedar

    for school in schools.values():
        store.add_actions(school.latest.id, school.actions, ACTOR)
    return schools
