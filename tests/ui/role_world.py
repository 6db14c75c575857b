"""Two fictional schools' walks and one signed-in user per role, for the page role matrix.

Each school has an audit with a location, a finding with notes, a kept identifier and a photo,
and an action with notes; each role's user is scoped to the first school ("own"), so the second
("foreign") is another school's. Signing in makes a real session row and hands the page its
signed cookie, as the browser's websocket handshake would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest

from datawalk.accounts import sessions, users
from datawalk.accounts.roles import Role
from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.models import Action, Audit, Finding, Location
from datawalk.privacy.photos import make_photo, redact_photo
from datawalk.services import Actor, Workspace
from datawalk.store import Store
from datawalk.ui import session_gate
from datawalk.ui.server import context as context_module
from datawalk.ui.server.cookies import DEVICE_COOKIE, SESSION_COOKIE, sign
from tests.pictures import noise_png

SECRET = "role matrix test secret"
SETUP = "A. Consultant"
ROLES = tuple(Role)


@dataclass
class Walked:
    """One school's stored walk and the words only its full record holds."""

    school: str
    audit: Audit
    location: Location
    finding: Finding
    action: Action
    note: str
    identifier: str
    action_note: str

    @property
    def name(self) -> str:
        """The school's name without the "(fictional)" that Markdown escaping would change."""
        return self.school.split(" (")[0]


@dataclass
class RoleWorld:
    own: Walked
    foreign: Walked
    users: dict[Role, object] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    workspace: Workspace | None = None

    def sign_in(self, role: Role) -> None:
        """Sign in as `role`'s user: a new session row, its signed cookie for the next run."""
        device = f"tablet-{role.value.replace('_', '-')}-0001"
        token = sessions.create_session(self.workspace, self.users[role].id, device).token
        self.cookies.clear()
        self.cookies.update({SESSION_COOKIE: sign(token, SECRET.encode()), DEVICE_COOKIE: device})


def _walk(store: Store, checklist, school: str, tag: str) -> Walked:
    setup = AuditSetup(
        school_name=school,
        phase="primary",
        site_name="Main site",
        floor_names=("Ground floor",),
        walk_date=date.today() - timedelta(days=3),
        walk_time=time(9, 0),
        auditor=SETUP,
    )
    audit = store.create_audit(build_audit(setup, checklist, date.today()), SETUP)
    location = store.add_location(
        Location(
            audit_id=audit.id,
            name=f"Servery {tag}",
            location_type="servery",
            floor_id=audit.site.floors[0].id,
        ),
        SETUP,
    )
    # A note that holds a pupil's name kept on purpose ("Save anyway"): governors never see it.
    note, identifier = f"Hatchnote{tag}", f"Zebedee Quill{tag}"
    photo = make_photo(redact_photo(noise_png()), f"Poster {tag}", SETUP)
    finding = store.save_finding(
        Finding(
            audit_id=audit.id,
            location_id=location.id,
            categories=["food_allergy"],
            format="poster",
            identifiability="full_name_photo",
            detail_level="condition_action",
            visible_to=["visitors"],
            needed_by=["catering"],
            notes=f"{note} by the servery, the poster names {identifier}",
            photos=[photo],
        ),
        SETUP,
    )
    action_note = f"Actionnote{tag}"
    action = Action(
        audit_id=audit.id,
        finding_ids=[finding.id],
        recommendation=f"Move the poster {tag} to the kitchen side.",
        due_date=date.today() + timedelta(days=20),
        notes=action_note,
    )
    store.add_actions(audit.id, [action], SETUP)
    return Walked(school, audit, location, finding, action, note, identifier, action_note)


def make_world(app_db: str, checklist, monkeypatch: pytest.MonkeyPatch) -> RoleWorld:
    """Store both walks and a user per role scoped to the own school; route the page gate's
    cookies to `world.cookies`."""
    monkeypatch.setenv("DATAWALK_SESSION_SECRET", SECRET)
    monkeypatch.setattr(context_module, "_CURRENT", [])
    store = Store.open(app_db)
    try:
        own = _walk(store, checklist, "Oakfield Primary (fictional)", "OWN")
        foreign = _walk(store, checklist, "Elm Academy (fictional)", "ELSEWHERE")
        workspace = Workspace(store)
        world = RoleWorld(own, foreign, workspace=workspace)
        school_id = store.audit_school_ids()[own.audit.id]
        operator = Actor.operator("Set-up")
        for role in ROLES:
            world.users[role] = users.create_user(
                workspace,
                operator,
                display_name=f"{role.label} Person",
                email=f"{role.value}@example.org",
                role=role,
                password="a long fictional password",
                totp_required=False,
                school_ids=[] if role is Role.ADMIN else [school_id],
            ).user
    except BaseException:
        store.close()
        raise
    monkeypatch.setattr(session_gate, "request_cookies", lambda: dict(world.cookies))
    return world
