"""Each user's last place on the walk page is kept in the database: it survives reopening the
store (a server restart), is per user, follows the audit's status, and forgets a location or an
audit that was deleted."""

from __future__ import annotations

import pytest

from datawalk.errors import NotFoundError, ValidationError
from datawalk.models import AuditStatus
from datawalk.store import Store
from datawalk.store.places import Place

ACTOR = "A. Consultant"
USER = "DataWalk user"


def test_a_remembered_place_survives_reopening_the_store(
    file_store, make_audit, make_location
) -> None:
    audit = file_store.create_audit(make_audit(), ACTOR)
    location = file_store.add_location(make_location(audit.id), ACTOR)
    assert file_store.last_place(USER) is None
    file_store.remember_place(USER, audit.id, location.id)
    url = file_store.engine.url.render_as_string(hide_password=False)
    file_store.close()

    reopened = Store.open(url)
    try:
        assert reopened.last_place(USER) == Place(audit.id, location.id)
    finally:
        reopened.close()


def test_the_latest_place_wins_and_each_user_has_their_own(
    store, audit, location, make_audit, make_location
) -> None:
    other = store.create_audit(make_audit(), ACTOR)
    hall = store.add_location(make_location(other.id, name="Hall"), ACTOR)
    store.remember_place(USER, audit.id, location.id)
    store.remember_place("Second Consultant", other.id, hall.id)
    store.remember_place(USER, other.id, None)

    assert store.last_place(USER) == Place(other.id, None)
    assert store.last_place("Second Consultant") == Place(other.id, hall.id)
    assert store.audit_version(other.id) == 1 + 1  # the location only: remembering writes none


def test_a_place_in_an_audit_no_longer_in_progress_is_not_offered(store, audit, location) -> None:
    store.remember_place(USER, audit.id, location.id)
    store.set_audit_status(audit.id, AuditStatus.COMPLETE, ACTOR)
    assert store.last_place(USER) is None
    store.set_audit_status(audit.id, AuditStatus.IN_PROGRESS, ACTOR)
    assert store.last_place(USER) == Place(audit.id, location.id)


def test_a_deleted_location_or_audit_is_forgotten(store, audit, location, make_audit) -> None:
    store.remember_place(USER, audit.id, location.id)
    store.delete_location(location.id, ACTOR)
    assert store.last_place(USER) == Place(audit.id, None)

    store.remember_place(USER, audit.id, "no-such-location")
    assert store.last_place(USER) == Place(audit.id, None)

    doomed = store.create_audit(make_audit(), ACTOR)
    store.remember_place(USER, doomed.id, None)
    store.delete_audit(doomed.id, ACTOR)
    assert store.last_place(USER) is None


def test_remembering_needs_a_user_and_an_existing_audit(store, audit) -> None:
    with pytest.raises(ValidationError):
        store.remember_place("  ", audit.id, None)
    with pytest.raises(NotFoundError):
        store.remember_place(USER, "no-such-audit", None)
