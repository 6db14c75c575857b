"""The role matrix, on both engines: every role (and the no-accounts local actor once accounts
exist) against every service use case and every read, on an audit of their own school and one
of another school.

A use case's outcome is "allowed" (it ran, or got past the checks to a rule of the domain, such
as "nothing is due for deletion"), "refused" (PermissionDeniedError) or "not found". Another
school's audit is always "not found" to anyone but an admin, in the words a missing one gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete

from datawalk.accounts import users
from datawalk.accounts.roles import Role
from datawalk.editing import DraftHolder
from datawalk.errors import (
    ChecklistError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from datawalk.models import Action, ActionStatus, AuditStatus, School
from datawalk.services import (
    Workspace,
    actions,
    audits,
    findings,
    imports,
    locations,
    plans,
    rescoring,
    rewalks,
)
from datawalk.services import checklists as checklist_service
from datawalk.services.authorization import GUARDED
from datawalk.services.imports import BackupPreview, IdentifierChoices, WorkbookPreview
from datawalk.services.workspace import READ_METHODS, Actor
from datawalk.store import tables
from datawalk.workbook.changes import ActionChangeSet, FieldChange, StoredAction

OPERATOR = Actor.operator("cli")
OWN, FOREIGN = "Oakfield Primary (fictional)", "Elm Academy (fictional)"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ALL = frozenset(Role)
WALKERS = frozenset({Role.ADMIN, Role.CONSULTANT})
ACTION_UPDATERS = frozenset({Role.ADMIN, Role.CONSULTANT, Role.SCHOOL_LEAD})
ADMIN_ONLY = frozenset({Role.ADMIN})
READERS = frozenset({Role.ADMIN, Role.CONSULTANT, Role.SCHOOL_LEAD})
ACTORS = ["admin", "consultant", "school_lead", "school_viewer", "local"]


@dataclass
class Target:
    """One school's audit with a location, an empty location, a finding and two actions."""

    school: str
    audit: Any
    location: Any
    empty_location: Any
    finding: Any
    action: Action
    other_action: Action


@dataclass
class World:
    workspace: Workspace
    actors: dict[str, Actor]
    own: Target
    foreign: Target
    extra: dict[str, Any] = field(default_factory=dict)


def _target(store, school, make_audit, make_location, make_finding) -> Target:
    audit = store.create_audit(make_audit(school=School(name=school, phase="primary")), "Setup")
    location = store.add_location(make_location(audit.id), "Setup")
    empty = store.add_location(make_location(audit.id, name="Store room"), "Setup")
    finding = store.save_finding(make_finding(audit.id, location.id), "Setup")
    action = store.save_action(
        Action(audit_id=audit.id, finding_ids=[finding.id], recommendation="Move it"), "Setup"
    )
    other = store.save_action(
        Action(audit_id=audit.id, finding_ids=[finding.id], recommendation="Cover it"), "Setup"
    )
    return Target(school, audit, location, empty, finding, action, other)


def _build_world(store, make_audit, make_location, make_finding) -> World:
    workspace = Workspace(store)
    own = _target(store, OWN, make_audit, make_location, make_finding)
    foreign = _target(store, FOREIGN, make_audit, make_location, make_finding)
    own_school = store.audit_school_ids()[own.audit.id]
    actors: dict[str, Actor] = {"local": Actor("Someone at the laptop")}
    for role in Role:
        created = users.create_user(
            workspace,
            OPERATOR,
            display_name=f"{role.label} Person",
            email=f"{role.value}@example.org",
            role=role,
            totp_required=False,
            school_ids=[own_school],
        )
        actors[role.value] = users.actor_for(created.user)
    return World(workspace, actors, own, foreign, {"make_audit": make_audit})


def _empty(store) -> None:
    """Delete every row, children first, so the next world starts from nothing."""
    with store.engine.begin() as connection:
        for table in reversed(tables.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture
def new_world(store, make_audit, make_location, make_finding, checklist, tmp_path):
    """Return a function that empties the test's database and builds the world in it afresh."""

    def build() -> World:
        _empty(store)
        built = _build_world(store, make_audit, make_location, make_finding)
        built.extra.update(checklist=checklist, library=tmp_path)
        return built

    return build


@pytest.fixture
def world(new_world) -> World:
    return new_world()


# --- the use cases ---------------------------------------------------------------------------

UseCase = Callable[[World, Actor, Target], Any]


@dataclass(frozen=True)
class Case:
    run: UseCase
    allowed: frozenset[Role]
    # "audit": another school's audit is not found; "create": a new audit naming another school
    # is refused; "role": no audit involved, the role alone decides.
    scope: str = "audit"


def _png() -> bytes:
    from tests.conftest import png_bytes

    return png_bytes(40, 30)


def _changed(action: Action, **update: Any) -> Action:
    return action.model_copy(update=update)


def _backup(world: World, actor: Actor, t: Target) -> Any:
    document = world.workspace.reads.export_document(t.audit.id)
    preview = BackupPreview(document=document, sha256="0" * 64)
    return imports.restore_backup(world.workspace, actor, preview, IdentifierChoices())


def _workbook(world: World, actor: Actor, t: Target) -> Any:
    action = t.action
    change = FieldChange(2, action.id, "F-001", "owner", "Owner", action.owner, "Business manager")
    changes = ActionChangeSet(
        audit_id=t.audit.id,
        edition="leadership",
        rows_read=1,
        changes=[change],
        stored={action.id: StoredAction.of(action)},
    )
    preview = WorkbookPreview(changes=changes, walk_date=t.audit.walk_at.date())
    return imports.apply_workbook(world.workspace, actor, preview, IdentifierChoices())


def _new_audit(world: World, actor: Actor, t: Target) -> Any:
    audit = world.extra["make_audit"](school=School(name=t.school, phase="primary"))
    return audits.create_audit(world.workspace, actor, audit)


CASES: dict[str, Case] = {
    # audits
    "create_audit": Case(_new_audit, WALKERS, "create"),
    "set_status": Case(
        lambda w, a, t: audits.set_status(w.workspace, a, t.audit.id, AuditStatus.COMPLETE),
        WALKERS,
    ),
    "set_overall_opinion": Case(
        lambda w, a, t: audits.set_overall_opinion(w.workspace, a, t.audit.id, "Sound."), WALKERS
    ),
    "set_legal_hold": Case(
        lambda w, a, t: audits.set_legal_hold(w.workspace, a, t.audit.id, True), ADMIN_ONLY
    ),
    "purge_due": Case(
        lambda w, a, t: audits.purge_due(w.workspace, a, t.audit.id, NOW), ADMIN_ONLY
    ),
    "delete_due": Case(
        lambda w, a, t: audits.delete_due(w.workspace, a, t.audit.id, NOW), ADMIN_ONLY
    ),
    "delete_on_request": Case(
        lambda w, a, t: audits.delete_on_request(w.workspace, a, t.audit.id, t.school), ADMIN_ONLY
    ),
    # actions
    "save_action (new)": Case(
        lambda w, a, t: actions.save_action(
            w.workspace, a, Action(audit_id=t.audit.id, finding_ids=[t.finding.id])
        ),
        WALKERS,
    ),
    "save_action (recommendation)": Case(
        lambda w, a, t: actions.save_action(
            w.workspace, a, _changed(t.action, recommendation="Move it now")
        ),
        WALKERS,
    ),
    "save_action (status, owner, due date, notes)": Case(
        lambda w, a, t: actions.save_action(
            w.workspace,
            a,
            _changed(
                t.action,
                status=ActionStatus.IN_PROGRESS,
                owner="Site manager",
                due_date=date(2026, 9, 1),
                notes="Ordered a cover.",
            ),
        ),
        ACTION_UPDATERS,
    ),
    "save_action (accept a risk, naming who decided)": Case(
        lambda w, a, t: actions.save_action(
            w.workspace,
            a,
            _changed(
                t.action,
                status=ActionStatus.RISK_ACCEPTED,
                accepted_reason="The poster must stay where staff see it.",
                accepted_by="Mrs Head (headteacher)",
                accepted_on=date(2026, 5, 1),
            ),
        ),
        ACTION_UPDATERS,
    ),
    "merge": Case(
        lambda w, a, t: actions.merge(w.workspace, a, t.audit.id, [t.action.id, t.other_action.id]),
        WALKERS,
    ),
    "sync_default_actions": Case(
        lambda w, a, t: actions.sync_default_actions(w.workspace, a, t.audit.id),
        READERS | {Role.SCHOOL_VIEWER},
    ),
    # findings
    "save_finding": Case(
        lambda w, a, t: findings.save_finding(
            w.workspace, a, t.finding.model_copy(update={"notes": "Moved behind the counter."})
        ),
        WALKERS,
    ),
    "delete_finding": Case(
        lambda w, a, t: findings.delete_finding(w.workspace, a, t.finding.id), WALKERS
    ),
    "undo_delete": Case(lambda w, a, t: findings.undo_delete(w.workspace, a, t.finding), WALKERS),
    # imports
    "restore_backup": Case(_backup, WALKERS, "create"),
    "apply_workbook": Case(_workbook, ACTION_UPDATERS),
    "load_sample": Case(lambda w, a, t: imports.load_sample(w.workspace, a), ADMIN_ONLY, "role"),
    # locations
    "add_location": Case(
        lambda w, a, t: locations.add_location(
            w.workspace, a, t.location.model_copy(update={"id": "new-location-1"})
        ),
        WALKERS,
    ),
    "rename_location": Case(
        lambda w, a, t: locations.rename_location(w.workspace, a, t.location.id, "Staff room"),
        WALKERS,
    ),
    "move_location": Case(
        lambda w, a, t: locations.move_location(w.workspace, a, t.location.id, "first"), WALKERS
    ),
    "set_prompts_checked": Case(
        lambda w, a, t: locations.set_prompts_checked(w.workspace, a, t.location.id, []), WALKERS
    ),
    "set_nothing_found": Case(
        lambda w, a, t: locations.set_nothing_found(w.workspace, a, t.empty_location.id, True),
        WALKERS,
    ),
    "delete_location": Case(
        lambda w, a, t: locations.delete_location(w.workspace, a, t.empty_location.id), WALKERS
    ),
    # plans
    "upload_plan": Case(
        lambda w, a, t: plans.upload_plan(w.workspace, a, t.audit.id, "ground", _png()), WALKERS
    ),
    "remove_plan": Case(
        lambda w, a, t: plans.remove_plan(w.workspace, a, t.audit.id, "ground"), WALKERS
    ),
    "place_location": Case(
        lambda w, a, t: plans.place_location(w.workspace, a, t.location.id, None), WALKERS
    ),
    # rescoring and re-walks
    "rescore": Case(
        lambda w, a, t: rescoring.rescore(w.workspace, a, t.audit.id, w.extra["checklist"]),
        WALKERS,
    ),
    "start_rewalk": Case(
        lambda w, a, t: rewalks.start_rewalk(w.workspace, a, t.audit.id, []), WALKERS
    ),
    # the checklist library
    "add_checklist": Case(
        lambda w, a, t: checklist_service.add_checklist(
            w.workspace, a, "id: broken", "broken.yaml", w.extra["library"]
        ),
        ADMIN_ONLY,
        "role",
    ),
}

# The domain's own refusals: past the permission checks, the use case said no for its own reason.
DOMAIN = (ValidationError, ConflictError, ChecklistError)


def _outcome(run: Callable[..., Any], *args: Any) -> str:
    try:
        run(*args)
    except PermissionDeniedError:
        return "refused"
    except NotFoundError:
        return "not found"
    except DOMAIN:
        return "allowed"
    return "allowed"


def _expected(case: Case, who: str, school: str) -> str:
    if who == "local":
        # Accounts exist: the no-accounts actor is over, the checklist library included.
        return "refused"
    role = Role(who)
    if role is Role.ADMIN:
        return "allowed"
    if school == "foreign" and case.scope == "audit":
        return "not found"
    if school == "foreign" and case.scope == "create":
        return "refused"
    return "allowed" if role in case.allowed else "refused"


COMBINATIONS = [(who, school) for who in ACTORS for school in ("own", "foreign")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_use_case_checks_role_and_school(new_world, name):
    """Every actor and school for one use case: the refusals first, all in one world (a refused
    call must leave it as it was), then each allowed call in a world of its own."""
    case = CASES[name]
    ordered = sorted(
        COMBINATIONS, key=lambda combination: _expected(case, *combination) == "allowed"
    )
    world, pristine, mismatches = new_world(), True, []
    for who, school in ordered:
        expected = _expected(case, who, school)
        if expected == "allowed":
            world = world if pristine else new_world()
            pristine = False
        target = world.own if school == "own" else world.foreign
        before = _fingerprint(world)
        outcome = _outcome(case.run, world, world.actors[who], target)
        if outcome != expected:
            mismatches.append(f"{who} on {school} school: {outcome}, expected {expected}")
        elif expected != "allowed" and _fingerprint(world) != before:
            mismatches.append(f"{who} on {school} school: refused, but something changed")
    assert mismatches == []


def _fingerprint(world: World) -> tuple[Any, ...]:
    """What any write bumps: each audit's version, and the audits there are."""
    reads = world.workspace.reads
    return tuple((s.id, reads.audit_version(s.id)) for s in reads.list_audits())


def test_every_use_case_of_the_services_is_guarded():
    """A new use case is closed to nobody by accident: it wears a guard, or says why not."""
    import inspect

    import datawalk.services as services

    internal = {
        # Helpers that run inside a guarded use case's transaction.
        "findings.keep_default_action_in_step",
        "findings.keep_default_actions_in_step",
        "rewalks.keep_trend_summary",
        # Reads and checks of a file that write nothing.
        "imports.preview_backup",
        "imports.preview_of",
        "imports.preview_workbook",
        "imports.unresolved",
        "rewalks.newest_pin",
        # Where a person is on the walk: their own bookmark, no audit content.
        "walking.remember_place",
        # Checks its actor's scope inline.
        "downloads.record_download",
    }
    unguarded = []
    for module_info in __import__("pkgutil").iter_modules(services.__path__):
        module = __import__(f"datawalk.services.{module_info.name}", fromlist=["_"])
        for name, function in inspect.getmembers(module, inspect.isfunction):
            key = f"{module_info.name}.{name}"
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            takes_actor = "actor" in inspect.signature(function).parameters
            if not takes_actor or module_info.name in ("authorization", "scoped_reads"):
                continue
            if f"{module.__name__}.{name}" not in GUARDED and key not in internal:
                unguarded.append(key)
    assert unguarded == []


def test_a_consultant_records_an_acceptance_only_naming_the_school_person(world):
    consultant = world.actors["consultant"]
    mine = _changed(
        world.own.action,
        status=ActionStatus.RISK_ACCEPTED,
        accepted_reason="Staff need it in view.",
        accepted_by=consultant.name,
        accepted_on=date(2026, 5, 1),
    )
    with pytest.raises(ValidationError, match="Name the school person"):
        actions.save_action(world.workspace, consultant, mine)
    named = _changed(mine, accepted_by="Mrs Head (headteacher)")
    actions.save_action(world.workspace, consultant, named)
    (event,) = [
        e
        for e in world.workspace.reads.list_trail(world.own.audit.id)
        if e.actor == consultant.name
    ]
    assert event.changes["accepted_by"]["new"] == "Mrs Head (headteacher)"
    assert event.changes["status"]["new"] == "risk_accepted"


def test_a_consultant_cannot_accept_a_carried_risk_in_their_own_name(world):
    with pytest.raises(PermissionDeniedError, match="school decides"):
        rewalks.accept_risk_again(
            world.workspace, world.actors["consultant"], world.own.audit.id, "x", date(2026, 5, 1)
        )


def test_the_trail_names_the_signed_in_user(world):
    lead = world.actors["school_lead"]
    actions.save_action(world.workspace, lead, _changed(world.own.action, owner="Caretaker"))
    trail = world.workspace.reads.list_trail(world.own.audit.id)
    assert trail[-1].actor == "School lead Person" and trail[-1].entity == "action"


def test_a_consultants_new_audit_goes_to_their_own_school_record(world):
    consultant = world.actors["consultant"]
    created = _new_audit(world, consultant, world.own)
    store = world.workspace._store
    assert store.audit_school_ids()[created.id] in consultant.school_ids


# --- reads -----------------------------------------------------------------------------------

Read = Callable[[Any, Target], Any]
READS: dict[str, tuple[Read, frozenset[Role]]] = {
    "audit_version": (lambda r, t: r.audit_version(t.audit.id), ALL),
    "export_document": (lambda r, t: r.export_document(t.audit.id), ALL),
    "findings_for_scoring": (lambda r, t: r.findings_for_scoring(t.audit.id), ALL),
    "get_audit": (lambda r, t: r.get_audit(t.audit.id), ALL),
    "get_audit_rules": (lambda r, t: r.get_audit_rules(t.audit.id), ALL),
    "get_finding": (lambda r, t: r.get_finding(t.finding.id), ALL),
    "get_location": (lambda r, t: r.get_location(t.location.id), ALL),
    "list_actions": (lambda r, t: r.list_actions(t.audit.id), ALL),
    "list_findings": (lambda r, t: r.list_findings(t.audit.id), ALL),
    "list_locations": (lambda r, t: r.list_locations(t.audit.id), ALL),
    "newest_findings": (lambda r, t: r.newest_findings(t.audit.id, t.location.id, 5), ALL),
    "list_trail": (lambda r, t: r.list_trail(t.audit.id), READERS),
    "list_imported_trail": (lambda r, t: r.list_imported_trail(t.audit.id), READERS),
    "photo_counts": (lambda r, t: r.photo_counts(t.audit.id), READERS),
    "list_photos": (lambda r, t: r.list_photos(t.finding.id), READERS),
    "load_draft": (lambda r, t: r.load_draft(t.audit.id, t.location.id), WALKERS),
    "drafts_elsewhere": (
        lambda r, t: r.drafts_elsewhere(t.audit.id, t.location.id, holder=DraftHolder("Someone")),
        WALKERS,
    ),
    "has_drafts": (lambda r, t: r.has_drafts(t.audit.id), WALKERS),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_every_read_checks_role_and_school(world, name):
    read, allowed = READS[name]
    mismatches = []
    for who, school in COMBINATIONS:
        target = world.own if school == "own" else world.foreign
        reads = world.workspace.reads_for(world.actors[who])
        outcome = _outcome(read, reads, target)
        expected = _expected(Case(lambda *_: None, allowed), who, school)
        if outcome != expected:
            mismatches.append(f"{who} on {school} school: {outcome}, expected {expected}")
    assert mismatches == []


def test_every_read_method_has_a_scoping_rule():
    from datawalk.services.scoped_reads import AUDIT_READS, OTHER_READS, RECORD_READS

    assert set(READ_METHODS) <= set(AUDIT_READS) | set(RECORD_READS) | OTHER_READS


@pytest.mark.parametrize("who", ["consultant", "school_lead", "school_viewer"])
def test_lists_hold_only_the_actors_schools(world, who):
    reads = world.workspace.reads_for(world.actors[who])
    assert [s.id for s in reads.list_audits()] == [world.own.audit.id]
    assert reads.last_open_audit_id() == world.own.audit.id
    assert reads.list_tombstones() == []
    everything = world.workspace.reads_for(world.actors["admin"]).list_audits()
    assert {s.id for s in everything} == {world.own.audit.id, world.foreign.audit.id}


def test_a_foreign_id_reads_exactly_as_a_missing_one(world):
    reads = world.workspace.reads_for(world.actors["consultant"])
    for read, missing in (
        (lambda i: reads.get_audit(i), world.foreign.audit.id),
        (lambda i: reads.get_location(i), world.foreign.location.id),
        (lambda i: reads.get_finding(i), world.foreign.finding.id),
    ):
        with pytest.raises(NotFoundError) as foreign:
            read(missing)
        with pytest.raises(NotFoundError) as absent:
            read("no-such-id-000")
        assert str(foreign.value).replace(missing, "ID") == str(absent.value).replace(
            "no-such-id-000", "ID"
        )


def test_a_school_viewer_reads_the_governors_edition_only(world, make_photo):
    store = world.workspace._store
    finding = world.own.finding.model_copy(
        update={"title": "Allergy poster", "photos": [make_photo()]}
    )
    store.save_finding(finding, "Setup")
    reads = world.workspace.reads_for(world.actors["school_viewer"])
    (seen,) = reads.list_findings(world.own.audit.id)
    assert (seen.notes, seen.title, seen.photos) == ("", "", [])
    document = reads.export_document(world.own.audit.id)
    assert document.trail == [] and all(f.notes == "" for f in document.findings)
    assert all(a.notes == "" for a in document.actions)
    lead = world.workspace.reads_for(world.actors["school_lead"])
    assert lead.list_findings(world.own.audit.id)[0].notes != ""
