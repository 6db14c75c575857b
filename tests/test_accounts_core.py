"""The accounts core on both engines: passwords, TOTP, users, the sign-in rate limit, sessions,
single sign-on identities and schools as records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from datawalk.accounts import identities, passwords, rate_limit, sessions, sign_in, totp, users
from datawalk.accounts import schools as school_accounts
from datawalk.accounts.roles import Role
from datawalk.accounts.sign_in import Outcome
from datawalk.errors import ConflictError, PermissionDeniedError, ValidationError
from datawalk.services import Workspace
from datawalk.services.workspace import Actor
from datawalk.settings import SessionLifetime, Settings

OPERATOR = Actor.operator("cli")
PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIFETIME = SessionLifetime(absolute=timedelta(hours=12), idle=timedelta(hours=2))


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def admin(workspace):
    return users.create_user(
        workspace,
        OPERATOR,
        display_name="Ann Admin",
        email="Ann.Admin@Example.org",
        role=Role.ADMIN,
        password=PASSWORD,
    )


def _secret(workspace, email: str) -> str:
    return workspace._store.find_user_row(email)["totp_secret"]


# --- passwords and codes ---------------------------------------------------------------------


def test_a_password_is_kept_as_an_argon2id_hash_and_checked():
    hashed = passwords.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert passwords.verify_password(PASSWORD, hashed)
    assert not passwords.verify_password(PASSWORD + "!", hashed)
    assert not passwords.verify_password(PASSWORD, None)  # no account: a dummy is checked
    assert not passwords.needs_rehash(hashed)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    assert passwords.needs_rehash(weak)


def test_the_same_password_in_another_unicode_composition_matches():
    hashed = passwords.hash_password("caf\u00e9 au lait!")
    assert passwords.verify_password("cafe\u0301 au lait!", hashed)


@pytest.mark.parametrize("password", ["short", "x" * 1025])
def test_a_password_too_short_or_too_long_is_refused(password):
    with pytest.raises(ValidationError):
        passwords.hash_password(password)


def test_a_totp_code_matches_now_and_one_step_either_side_only():
    secret = totp.new_secret()
    step = int(T0.timestamp()) // 30
    for offset in (-1, 0, 1):
        code = totp.current_code(secret, T0 + timedelta(seconds=30 * offset))
        assert totp.matching_step(secret, code, T0) == step + offset
    far = totp.current_code(secret, T0 + timedelta(minutes=5))
    assert totp.matching_step(secret, far, T0) is None
    assert totp.matching_step(secret, "abcdef", T0) is None
    uri = totp.provisioning_uri(secret, "ann@example.org")
    assert uri.startswith("otpauth://totp/") and secret in uri and "issuer=DataWalk" in uri


# --- users -----------------------------------------------------------------------------------


def test_the_first_account_must_be_an_admin(workspace):
    assert not users.has_users(workspace)
    with pytest.raises(PermissionDeniedError, match="first account must be an admin"):
        users.create_user(
            workspace, OPERATOR, display_name="C", email="c@example.org", role=Role.CONSULTANT
        )
    assert not users.has_users(workspace)


def test_the_first_admin_has_a_second_factor_to_enrol(workspace, admin):
    assert users.has_users(workspace)
    assert admin.user.email == "ann.admin@example.org"
    assert admin.user.totp_required and admin.user.totp_enrolled
    assert admin.totp_uri is not None and "otpauth://" in admin.totp_uri
    assert users.find_user(workspace, " ANN.ADMIN@example.ORG ").id == admin.user.id


def test_once_an_account_exists_the_local_no_accounts_actor_manages_nothing(workspace, admin):
    with pytest.raises(PermissionDeniedError, match="sign in"):
        users.create_user(
            workspace, Actor("local"), display_name="B", email="b@example.org", role="admin"
        )
    consultant = users.create_user(
        workspace,
        users.actor_for(admin.user),
        display_name="Cy Consultant",
        email="cy@example.org",
        role=Role.CONSULTANT,
    )
    with pytest.raises(PermissionDeniedError):
        users.list_users(workspace, users.actor_for(consultant.user))
    listed = users.list_users(workspace, users.actor_for(admin.user))
    assert [u.display_name for u in listed] == ["Ann Admin", "Cy Consultant"]


def test_an_email_is_one_account_however_it_is_typed(workspace, admin):
    with pytest.raises(ConflictError):
        users.create_user(
            workspace, OPERATOR, display_name="Ann 2", email="ANN.admin@example.org", role="admin"
        )


def test_school_roles_need_no_second_factor_by_default(workspace, admin):
    lead = users.create_user(
        workspace, OPERATOR, display_name="L", email="l@example.org", role=Role.SCHOOL_LEAD
    )
    assert not lead.user.totp_required and lead.totp_uri is None


# --- signing in ------------------------------------------------------------------------------


def _code(workspace, at=T0, email="ann.admin@example.org") -> str:
    return totp.current_code(_secret(workspace, email), at)


def test_sign_in_asks_for_the_code_then_signs_in_once_per_code(workspace, admin):
    asked = sign_in.sign_in(workspace, "ann.admin@example.org", PASSWORD, client="10.0.0.5", now=T0)
    assert asked.outcome is Outcome.NEEDS_CODE and asked.user is None
    code = _code(workspace)
    done = sign_in.sign_in(workspace, "Ann.Admin@example.org", PASSWORD, code, client="x", now=T0)
    assert done.signed_in and done.user.id == admin.user.id
    again = sign_in.sign_in(workspace, "ann.admin@example.org", PASSWORD, code, client="x", now=T0)
    assert again.outcome is Outcome.REFUSED and "already used" in again.message


def test_unknown_disabled_and_wrong_all_get_the_same_answer(workspace, admin):
    wrong = sign_in.sign_in(
        workspace, "ann.admin@example.org", "wrong password", client="a", now=T0
    )
    unknown = sign_in.sign_in(workspace, "nobody@example.org", PASSWORD, client="b", now=T0)
    users.set_active(workspace, OPERATOR, admin.user.id, False)
    disabled = sign_in.sign_in(workspace, "ann.admin@example.org", PASSWORD, client="c", now=T0)
    assert {r.outcome for r in (wrong, unknown, disabled)} == {Outcome.REFUSED}
    assert wrong.message == unknown.message == disabled.message


def test_failures_back_off_per_account_and_the_wait_is_capped_not_a_lockout(workspace, admin):
    policy = rate_limit.DEFAULT_POLICY
    account, at = "ann.admin@example.org", T0
    for _ in range(policy.free_failures + 1):  # the free ones, then one that starts the backoff
        result = sign_in.sign_in(workspace, account, "bad", client="9.9.9.9", now=at)
        assert result.outcome is Outcome.REFUSED
    waits = []
    for n in range(12):  # guesses from ever new machines: only the account's count grows
        told = sign_in.sign_in(workspace, account, "bad", client=f"10.0.0.{n}", now=at)
        assert told.outcome is Outcome.WAIT  # refused without checking the password
        waits.append(told.retry_after)
        at += timedelta(seconds=told.retry_after + 0.5)
        sign_in.sign_in(workspace, account, "bad", client=f"10.0.1.{n}", now=at)
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert waits[-1] <= policy.account_cap.total_seconds()
    # The owner, from their own machine, signs in once the capped wait is over.
    at += policy.account_cap
    code = _code(workspace, at)
    mine = sign_in.sign_in(workspace, account, PASSWORD, code, client="1.1.1.1", now=at)
    assert mine.signed_in


def test_the_limit_is_kept_in_the_database_so_a_new_workspace_does_not_reset_it(store, admin):
    for _ in range(5):
        sign_in.sign_in(Workspace(store), "ann.admin@example.org", "bad", client="c1", now=T0)
    fresh = sign_in.sign_in(
        Workspace(store), "ann.admin@example.org", PASSWORD, client="c1", now=T0
    )
    assert fresh.outcome is Outcome.WAIT


def test_one_client_guessing_many_accounts_is_slowed_by_its_address(workspace, admin):
    for n in range(6):
        sign_in.sign_in(workspace, f"user{n}@example.org", "bad", client="6.6.6.6", now=T0)
    slowed = sign_in.sign_in(workspace, "other@example.org", "bad", client="6.6.6.6", now=T0)
    assert slowed.outcome is Outcome.WAIT
    elsewhere = sign_in.sign_in(workspace, "other@example.org", "bad", client="7.7.7.7", now=T0)
    assert elsewhere.outcome is Outcome.REFUSED


def test_failed_sign_ins_are_logged_without_the_password(workspace, admin, caplog):
    with caplog.at_level("WARNING", logger="datawalk.accounts.rate_limit"):
        sign_in.sign_in(
            workspace, "ann.admin@example.org", "hunter2-secret", client="5.5.5.5", now=T0
        )
    assert "failed sign-in" in caplog.text and "5.5.5.5" in caplog.text
    assert "hunter2-secret" not in caplog.text
    rows = workspace._store.list_attempt_rows()
    assert [(r["account"], r["succeeded"], r["reason"]) for r in rows] == [
        ("ann.admin@example.org", False, "password")
    ]


# --- sessions --------------------------------------------------------------------------------


def test_a_session_is_kept_only_as_a_hash_and_validates(workspace, admin):
    new = sessions.create_session(workspace, admin.user.id, "device-1", lifetime=LIFETIME, now=T0)
    assert workspace._store.get_session_row(new.token) is None
    assert workspace._store.get_session_row(sessions.hash_token(new.token)) is not None
    valid = sessions.validate_session(workspace, new.token, now=T0 + timedelta(minutes=5))
    assert valid.user.id == admin.user.id and valid.record.device_id == "device-1"
    assert sessions.validate_session(workspace, "not-a-token", now=T0) is None
    assert sessions.validate_session(workspace, None, now=T0) is None


def test_idle_expiry_moves_with_use_but_never_past_the_absolute_one(workspace, admin):
    new = sessions.create_session(workspace, admin.user.id, "d", lifetime=LIFETIME, now=T0)
    for n in range(1, 8):  # used every 90 minutes, up to 10 h 30
        at = T0 + timedelta(minutes=90 * n)
        assert sessions.touch(workspace, new.token, lifetime=LIFETIME, now=at)
    assert sessions.validate_session(workspace, new.token, now=T0 + timedelta(hours=11.9))
    assert sessions.validate_session(workspace, new.token, now=T0 + timedelta(hours=12)) is None
    idle = sessions.create_session(workspace, admin.user.id, "d", lifetime=LIFETIME, now=T0)
    assert sessions.validate_session(workspace, idle.token, now=T0 + timedelta(hours=2)) is None
    assert not sessions.touch(workspace, idle.token, lifetime=LIFETIME, now=T0 + timedelta(hours=3))


def test_sign_out_and_disabling_a_user_end_sessions(workspace, admin):
    one = sessions.create_session(workspace, admin.user.id, "d1", lifetime=LIFETIME, now=T0)
    two = sessions.create_session(workspace, admin.user.id, "d2", lifetime=LIFETIME, now=T0)
    assert sessions.end_session(workspace, one.token, now=T0)
    assert sessions.validate_session(workspace, one.token, now=T0) is None
    assert sessions.validate_session(workspace, two.token, now=T0) is not None
    consultant = users.create_user(
        workspace, OPERATOR, display_name="C", email="c@example.org", role="consultant"
    )
    three = sessions.create_session(workspace, consultant.user.id, "d3", lifetime=LIFETIME)
    users.set_active(workspace, users.actor_for(admin.user), consultant.user.id, False)
    assert sessions.validate_session(workspace, three.token) is None


def test_the_session_lifetime_is_a_setting():
    assert Settings.from_environment({}).session_lifetime() == LIFETIME
    custom = Settings.from_environment(
        {"DATAWALK_SESSION_HOURS": "8", "DATAWALK_SESSION_IDLE_MINUTES": "30"}
    ).session_lifetime()
    assert custom == SessionLifetime(timedelta(hours=8), timedelta(minutes=30))
    with pytest.raises(ValidationError, match="DATAWALK_SESSION_HOURS"):
        Settings.from_environment({"DATAWALK_SESSION_HOURS": "twelve"}).session_lifetime()
    with pytest.raises(ValidationError, match="idle"):
        Settings.from_environment(
            {"DATAWALK_SESSION_HOURS": "1", "DATAWALK_SESSION_IDLE_MINUTES": "90"}
        ).session_lifetime()


# --- single sign-on identities ---------------------------------------------------------------

ISSUER = "http://127.0.0.1:9400"


def _claims(**extra):
    return {"iss": ISSUER, "sub": "sub-1", "email": "ann.admin@example.org"} | extra


def test_an_identity_links_once_through_a_verified_email_then_by_issuer_and_subject(
    workspace, admin
):
    assert identities.user_for_identity(workspace, _claims()) is None  # not verified
    assert identities.user_for_identity(workspace, _claims(email_verified=False)) is None
    linked = identities.user_for_identity(workspace, _claims(email_verified=True))
    assert linked.id == admin.user.id
    # Later the subject alone decides, whatever the email claim says.
    moved = identities.user_for_identity(workspace, _claims(email="someone@else.org"))
    assert moved.id == admin.user.id
    # Another subject at the same issuer claiming the same verified email gets nothing.
    other = _claims(sub="sub-2", email_verified=True)
    assert identities.user_for_identity(workspace, other) is None


def test_unknown_identities_get_nothing_and_are_logged(workspace, admin, caplog):
    with caplog.at_level("WARNING", logger="datawalk.accounts.identities"):
        stranger = _claims(email="stranger@example.org", email_verified=True)
        assert identities.user_for_identity(workspace, stranger) is None
    assert "single sign-on refused" in caplog.text and "sub-1" not in caplog.text


def test_microsoft_identities_link_only_from_an_allowed_tenant(workspace, admin):
    microsoft = _claims(
        iss="https://login.microsoftonline.com/tenant-a/v2.0", email_verified=True, tid="tenant-a"
    )
    assert identities.user_for_identity(workspace, microsoft, allowed_tenants={"tenant-b"}) is None
    linked = identities.user_for_identity(workspace, microsoft, allowed_tenants={"tenant-a"})
    assert linked.id == admin.user.id


def test_a_disabled_users_identity_signs_in_nobody(workspace, admin):
    identities.user_for_identity(workspace, _claims(email_verified=True))
    users.set_active(workspace, OPERATOR, admin.user.id, False)
    assert identities.user_for_identity(workspace, _claims()) is None


# --- schools ---------------------------------------------------------------------------------


def test_audits_get_the_school_of_their_exact_name(store, workspace, make_audit):
    first = store.create_audit(make_audit(), "A. Consultant")
    second = store.create_audit(make_audit(), "A. Consultant")
    typo = store.create_audit(
        make_audit(school={"name": "Oakfield Primary (fictionl)", "phase": "primary"}), "A"
    )
    ids = store.audit_school_ids()
    assert ids[first.id] == ids[second.id] != ids[typo.id]
    listed = school_accounts.list_schools(workspace, OPERATOR)
    assert sorted((s.name, s.audit_count) for s in listed) == [
        ("Oakfield Primary (fictional)", 2),
        ("Oakfield Primary (fictionl)", 1),
    ]


def test_merging_schools_moves_audits_and_scope_and_records_the_move(
    store, workspace, make_audit, admin
):
    right = store.create_audit(make_audit(), "A")
    typo = store.create_audit(
        make_audit(school={"name": "Oakfeld Primary", "phase": "primary"}), "A"
    )
    ids = store.audit_school_ids()
    keep, gone = ids[right.id], ids[typo.id]
    lead = users.create_user(
        workspace,
        OPERATOR,
        display_name="Lee Lead",
        email="lee@example.org",
        role="school_lead",
        school_ids=[gone],
    )
    assert school_accounts.merge_schools(workspace, OPERATOR, keep, [gone]) == 1
    assert store.audit_school_ids()[typo.id] == keep
    assert users.get_user(workspace, lead.user.id).school_ids == {keep}
    (event,) = store.list_trail(typo.id)[-1:]
    assert event.actor == "cli" and event.changes["school_id"] == {"old": gone, "new": keep}
    assert [s.id for s in school_accounts.list_schools(workspace, OPERATOR)] == [keep]


def test_only_an_admin_adds_or_merges_schools(workspace, admin):
    school = school_accounts.add_school(workspace, OPERATOR, "Elm Academy", "secondary", "123456")
    assert (school.name, school.phase, school.urn) == ("Elm Academy", "secondary", "123456")
    consultant = users.create_user(
        workspace, OPERATOR, display_name="C", email="c@example.org", role="consultant"
    )
    with pytest.raises(PermissionDeniedError):
        school_accounts.add_school(workspace, users.actor_for(consultant.user), "X", "primary")
    with pytest.raises(ValidationError, match="URN"):
        school_accounts.add_school(workspace, OPERATOR, "Y", "primary", "12")
    with pytest.raises(ConflictError):
        school_accounts.add_school(workspace, OPERATOR, "Z", "primary", "123456")


def test_old_attempts_and_sessions_are_forgotten_at_a_later_sign_in(workspace, admin):
    long_ago = T0 - timedelta(days=120)
    sign_in.sign_in(workspace, "ann.admin@example.org", "bad", client="4.4.4.4", now=long_ago)
    old = sessions.create_session(workspace, admin.user.id, "d", lifetime=LIFETIME, now=long_ago)
    code = _code(workspace)
    assert sign_in.sign_in(workspace, "ann.admin@example.org", PASSWORD, code, client="4", now=T0)
    sessions.create_session(workspace, admin.user.id, "d", lifetime=LIFETIME, now=T0)
    reasons = [row["reason"] for row in workspace._store.list_attempt_rows()]
    assert reasons == ["ok"]
    assert workspace._store.get_session_row(sessions.hash_token(old.token)) is None


def test_a_workspace_and_its_views_share_one_answer_to_whether_accounts_exist(workspace):
    view = workspace.for_actor(Actor("Someone at the laptop"))
    assert not workspace.accounts_exist() and not view.accounts_exist()
    users.create_user(
        view, OPERATOR, display_name="Ann Admin", email="ann@example.org", role=Role.ADMIN
    )
    assert workspace.accounts_exist()  # at once, not a second later
    with pytest.raises(PermissionDeniedError):
        workspace.for_actor(Actor("Someone at the laptop")).reads.list_audits()
