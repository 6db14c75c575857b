"""Store: findings (references, versions, photos, delete and undo) and locations."""

from __future__ import annotations

from datetime import date

import pytest

from datawalk.editing import stale_message
from datawalk.errors import ConflictError, NotFoundError, ValidationError
from datawalk.models import Position, Reach

ACTOR = "Test Consultant"


def test_new_findings_get_sequential_references(store, audit, location, make_finding):
    saved = [store.save_finding(make_finding(audit.id, location.id), ACTOR) for _ in range(3)]
    assert [f.reference for f in saved] == ["F-001", "F-002", "F-003"]
    assert all(f.version == 1 for f in saved)
    assert [f.reference for f in store.list_findings(audit.id)] == ["F-001", "F-002", "F-003"]


def test_references_are_per_audit(store, make_audit, make_location, make_finding):
    refs = []
    for _ in range(2):
        audit = store.create_audit(make_audit(), ACTOR)
        location = store.add_location(make_location(audit.id), ACTOR)
        refs.append(store.save_finding(make_finding(audit.id, location.id), ACTOR).reference)
    assert refs == ["F-001", "F-001"]


def test_references_are_never_reused_after_delete(store, audit, location, make_finding):
    first = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    second = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    store.delete_finding(second.id, ACTOR)
    store.delete_finding(first.id, ACTOR)
    assert store.save_finding(make_finding(audit.id, location.id), ACTOR).reference == "F-003"


def test_round_trip_keeps_every_field(store, audit, location, make_finding, make_photo):
    finding = make_finding(
        audit.id,
        location.id,
        categories=["food_allergy", "anaphylaxis_aai"],
        visible_to=["visitors", "pupils"],
        reach=Reach.WITHIN_5_MINUTES,
        controls=["covered"],
        evidence="staff_asked",
        review_date=date(2025, 9, 1),
        need_override=4,
        good_practice=True,
        good_practice_note="Dated and reviewed.",
        template_id="allergy_poster_servery",
        photos=[make_photo(), make_photo(caption="Close-up")],
    )
    saved = store.save_finding(finding, ACTOR)
    loaded = store.get_finding(finding.id)
    assert loaded == saved
    assert loaded.model_dump(exclude={"reference", "created_at", "updated_at"}) == (
        finding.model_dump(exclude={"reference", "created_at", "updated_at"})
    )
    assert [p.caption for p in loaded.photos] == ["", "Close-up"]


def test_update_bumps_version_and_keeps_reference(store, audit, location, make_finding):
    saved = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    edited = saved.model_copy(update={"notes": "Moved behind the counter.", "reference": "F-999"})
    updated = store.save_finding(edited, ACTOR)
    assert updated.version == 2
    assert updated.reference == saved.reference
    assert updated.created_at == saved.created_at
    assert store.get_finding(saved.id).notes == "Moved behind the counter."


def test_stale_version_is_a_conflict(store, audit, location, make_finding):
    saved = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    store.save_finding(saved.model_copy(update={"notes": "First edit"}), "A. Consultant")
    edited = store.list_trail(audit.id)[-1]  # who changed it and when, as the trail says
    expected = stale_message(edited.actor, edited.at)
    with pytest.raises(ConflictError) as refused:
        store.save_finding(saved.model_copy(update={"notes": "Second edit"}), ACTOR)
    assert str(refused.value) == expected
    assert expected.startswith("Changed by A. Consultant at ")
    assert expected.endswith(": review their change and apply yours again")
    assert store.get_finding(saved.id).notes == "First edit"


def test_saving_a_deleted_finding_is_a_conflict(store, audit, location, make_finding):
    saved = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    store.delete_finding(saved.id, ACTOR)
    with pytest.raises(ConflictError, match="deleted"):
        store.save_finding(saved, ACTOR)


def test_finding_needs_a_location_of_its_audit(store, make_audit, make_location, make_finding):
    one = store.create_audit(make_audit(), ACTOR)
    other = store.create_audit(make_audit(), ACTOR)
    elsewhere = store.add_location(make_location(other.id), ACTOR)
    with pytest.raises(ValidationError, match="another audit"):
        store.save_finding(make_finding(one.id, elsewhere.id), ACTOR)
    with pytest.raises(NotFoundError):
        store.save_finding(make_finding(one.id, "no-such-location"), ACTOR)
    assert store.list_findings(one.id) == []


def test_photos_are_replaced_with_the_finding(store, audit, location, make_finding, make_photo):
    keep, drop = make_photo(caption="keep"), make_photo(caption="drop")
    saved = store.save_finding(make_finding(audit.id, location.id, photos=[keep, drop]), ACTOR)
    added = make_photo(caption="new")
    edited = saved.model_copy(update={"photos": [added, keep.model_copy(update={"caption": "k"})]})
    updated = store.save_finding(edited, ACTOR)
    loaded = store.get_finding(saved.id)
    assert [p.caption for p in loaded.photos] == ["new", "k"]
    assert loaded.photos == updated.photos
    with pytest.raises(NotFoundError):
        store.get_photo(drop.id)


def test_photo_without_redaction_is_flagged(store, audit, location, make_finding, make_photo):
    photo = make_photo(redacted=False)
    saved = store.save_finding(make_finding(audit.id, location.id, photos=[photo]), ACTOR)
    assert saved.photos[0].needs_review
    assert store.get_photo(photo.id).needs_review


def test_add_and_delete_photo_bump_the_finding(store, audit, location, make_finding, make_photo):
    saved = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    photo = store.add_photo(saved.id, make_photo(), ACTOR)
    assert store.get_photo(photo.id) == photo
    assert store.get_finding(saved.id).version == 2
    with pytest.raises(ConflictError):
        store.save_finding(saved, ACTOR)  # a stale copy must not drop the new photo
    assert store.photo_counts(audit.id) == {saved.id: 1}
    assert store.delete_photo(photo.id, ACTOR) == photo
    assert store.get_finding(saved.id).photos == []
    assert store.photo_counts(audit.id) == {}


def test_photo_counts_of_some_findings_count_only_those(
    store, audit, location, make_finding, make_photo
):
    with_two = store.save_finding(
        make_finding(audit.id, location.id, photos=[make_photo(), make_photo()]), ACTOR
    )
    with_one = store.save_finding(make_finding(audit.id, location.id, photos=[make_photo()]), ACTOR)
    without = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    assert store.photo_counts(audit.id) == {with_two.id: 2, with_one.id: 1}
    assert store.photo_counts(audit.id, [with_one.id, without.id]) == {with_one.id: 1}
    assert store.photo_counts(audit.id, []) == {}


def test_update_photo_replaces_bytes(store, audit, location, make_finding, make_photo, png):
    photo = make_photo(redacted=False)
    saved = store.save_finding(make_finding(audit.id, location.id, photos=[photo]), ACTOR)
    redacted = make_photo(data=png(colour=(0, 0, 0)))
    redacted = redacted.model_copy(update={"id": photo.id})
    stored = store.update_photo(redacted, ACTOR)
    assert store.get_photo(photo.id) == stored
    assert not stored.needs_review
    assert store.get_finding(saved.id).version == 2


def test_list_findings_filters_and_photos(
    store, audit, location, make_location, make_finding, make_photo
):
    hall = store.add_location(make_location(audit.id, name="Hall", location_type="hall_pe"), ACTOR)
    store.save_finding(make_finding(audit.id, location.id, photos=[make_photo()]), ACTOR)
    store.save_finding(make_finding(audit.id, hall.id), ACTOR)
    assert [f.location_id for f in store.list_findings(audit.id, hall.id)] == [hall.id]
    assert store.list_findings(audit.id)[0].photos == []
    with_photos = store.list_findings(audit.id, with_photos=True)
    assert [len(f.photos) for f in with_photos] == [1, 0]
    assert store.findings_for_scoring(audit.id) == store.list_findings(audit.id)
    assert len(store.list_findings(audit.id)) == 2


def test_delete_returns_everything_and_restore_undoes(
    store, audit, location, make_finding, make_photo
):
    saved = store.save_finding(make_finding(audit.id, location.id, photos=[make_photo()]), ACTOR)
    store.save_finding(make_finding(audit.id, location.id), ACTOR)
    deleted = store.delete_finding(saved.id, ACTOR)
    assert deleted == saved
    assert [f.reference for f in store.list_findings(audit.id)] == ["F-002"]
    restored = store.restore_finding(deleted, ACTOR)
    assert (restored.id, restored.reference) == (saved.id, "F-001")
    assert store.get_finding(saved.id).photos == saved.photos
    assert [f.reference for f in store.list_findings(audit.id)] == ["F-001", "F-002"]
    with pytest.raises(ConflictError):
        store.restore_finding(deleted, ACTOR)
    assert store.save_finding(make_finding(audit.id, location.id), ACTOR).reference == "F-003"


def test_restore_of_unsaved_finding_is_refused(store, audit, location, make_finding):
    with pytest.raises(ValidationError):
        store.restore_finding(make_finding(audit.id, location.id), ACTOR)


def test_every_write_bumps_audit_version(store, audit, location, make_finding, make_photo):
    versions = [store.audit_version(audit.id)]

    def wrote() -> None:
        versions.append(store.audit_version(audit.id))
        assert versions[-1] > versions[-2]

    finding = store.save_finding(make_finding(audit.id, location.id), ACTOR)
    wrote()
    finding = store.save_finding(finding.model_copy(update={"notes": "x"}), ACTOR)
    wrote()
    photo = store.add_photo(finding.id, make_photo(), ACTOR)
    wrote()
    store.delete_photo(photo.id, ACTOR)
    wrote()
    store.set_location_position(location.id, Position(x=0.5, y=0.5), ACTOR)
    wrote()
    deleted = store.delete_finding(finding.id, ACTOR)
    wrote()
    store.restore_finding(deleted, ACTOR)
    wrote()


# --- locations --------------------------------------------------------------------------------


def test_location_crud(store, audit, make_location):
    added = store.add_location(make_location(audit.id), ACTOR)
    assert store.get_location(added.id) == added
    moved = store.set_location_position(added.id, Position(x=0.25, y=0.75), ACTOR)
    assert store.get_location(added.id).position == Position(x=0.25, y=0.75)
    renamed = store.update_location(moved.model_copy(update={"name": "Servery (north)"}), ACTOR)
    assert renamed.name == "Servery (north)"
    assert renamed.position == moved.position
    cleared = store.set_location_position(added.id, None, ACTOR)
    assert cleared.position is None
    visited = store.set_location_nothing_found(added.id, True, ACTOR)
    assert store.get_location(added.id).nothing_found is visited.nothing_found is True
    prompts = ["Is the allergy list on the staff side?", "Are photos of pupils visible?"]
    store.update_location_prompts(added.id, prompts, ACTOR)
    assert store.get_location(added.id).prompts_checked == prompts
    store.delete_location(added.id, ACTOR)
    with pytest.raises(NotFoundError):
        store.get_location(added.id)


def test_location_floor_must_exist(store, audit, make_location):
    with pytest.raises(ValidationError) as caught:
        store.add_location(make_location(audit.id, floor_id="attic"), ACTOR)
    assert caught.value.field == "floor_id"
    assert store.list_locations(audit.id) == []
    with pytest.raises(NotFoundError):
        store.add_location(make_location("no-such-audit-id"), ACTOR)


def test_location_with_findings_cannot_be_deleted(store, audit, location, make_finding):
    store.save_finding(make_finding(audit.id, location.id), ACTOR)
    with pytest.raises(ConflictError, match="1 finding"):
        store.delete_location(location.id, ACTOR)
    assert store.get_location(location.id) == location


def test_locations_most_recently_used_first(store, audit, make_location, make_finding):
    names = ["Reception", "Kitchen", "Hall"]
    added = {n: store.add_location(make_location(audit.id, name=n), ACTOR) for n in names}
    assert [x.name for x in store.list_locations(audit.id)] == ["Hall", "Kitchen", "Reception"]
    store.save_finding(make_finding(audit.id, added["Reception"].id), ACTOR)
    assert store.list_locations(audit.id)[0].name == "Reception"


def test_one_findings_photos_are_read_without_the_finding(
    store, audit, location, make_finding, make_photo
):
    with_photos = store.save_finding(
        make_finding(audit.id, location.id, photos=[make_photo(), make_photo()]), "Tester"
    )
    without = store.save_finding(make_finding(audit.id, location.id), "Tester")
    assert store.list_photos(with_photos.id) == store.get_finding(with_photos.id).photos
    assert len(store.list_photos(with_photos.id)) == 2
    assert store.list_photos(without.id) == []


def test_newest_findings_are_the_last_changed_few_and_the_count(
    store, audit, location, make_finding
):
    saved = [store.save_finding(make_finding(audit.id, location.id), ACTOR) for _ in range(7)]
    edited = store.save_finding(saved[0].model_copy(update={"notes": "Edited last."}), ACTOR)
    newest, total = store.newest_findings(audit.id, location.id, 3)
    assert total == 7
    assert [f.id for f in newest] == [edited.id, saved[6].id, saved[5].id]
    assert newest[0].notes == "Edited last."
