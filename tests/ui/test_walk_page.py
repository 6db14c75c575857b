"""The walk page in AppTest: capture from a template, drafts that outlive the session, bad input
refused at the field, and delete with undo."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from datawalk.checklist import checklist_from_pin
from datawalk.drafts import REQUIRED_FIELDS
from datawalk.ui.capture_clear import DISCARD_KEY, UNDO_CLEAR_KEY
from tests.ui.conftest import HERE
from tests.ui.walking import (
    SCRIPT_NOTES,
    TEMPLATE,
    cap_key,
    errors_of,
    jpeg,
    save,
    walk_page,
)


def test_finding_from_a_quick_template_is_saved_with_its_reference(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at = save(at)

    assert not at.exception
    saved = walk.store.list_findings(walk.audit.id, walk.location.id)
    assert [f.template_id for f in saved] == [TEMPLATE]
    assert f"Saved {saved[0].reference}" in [s.value for s in at.success]
    assert walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE) is None
    # The form was reset for the next finding.
    assert at.pills(key=cap_key(at, "template_id")).value is None
    assert at.pills(key=cap_key(at, "categories")).value == []


def test_a_save_is_confirmed_once_in_the_save_bar_and_never_by_a_toast(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at = save(at)

    reference = walk.store.list_findings(walk.audit.id)[0].reference
    assert [s.value for s in at.success if "Saved" in s.value] == [f"Saved {reference}"]
    assert len(at.toast) == 0
    # The next tap shows no stale confirmation.
    at.pills(key=cap_key(at, "categories")).set_value(["anaphylaxis_aai"]).run()
    assert not [s for s in at.success if "Saved" in s.value]


def test_a_required_single_choice_cannot_be_cleared_by_tapping_it_again(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()

    for field in ("reach", "evidence"):
        control = at.segmented_control(key=cap_key(at, field))
        assert control.value and control.proto.required, field
    for field in ("format", "identifiability", "detail_level"):
        pills = at.pills(key=cap_key(at, field))
        assert pills.value and pills.proto.required, field
    # Optional choices can still be cleared.
    assert not at.segmented_control(key=cap_key(at, "need_override")).proto.required
    assert not at.pills(key=cap_key(at, "template_id")).proto.required


def test_clear_form_can_be_undone_with_one_tap(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_area(key=cap_key(at, "notes")).input("Poster by the hatch").run()
    at.button(key=DISCARD_KEY).click().run()

    assert at.pills(key=cap_key(at, "categories")).value == []
    assert walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE) is None
    assert any("was cleared" in str(i.value) for i in at.info)

    at.button(key=UNDO_CLEAR_KEY).click().run()
    assert at.text_area(key=cap_key(at, "notes")).value == "Poster by the hatch"
    assert at.pills(key=cap_key(at, "template_id")).value == TEMPLATE
    assert (
        walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE)["notes"]
        == "Poster by the hatch"
    )
    assert not [b for b in at.button if b.key == UNDO_CLEAR_KEY]


def test_clearing_a_photo_asks_first_and_undo_brings_the_photo_back(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("poster.jpg", jpeg(), "image/jpeg")]
    ).run()
    (photo,) = at.session_state["cap_draft"].photos
    at.button(key=DISCARD_KEY).click().run()

    # Asked, not cleared yet.
    assert any("remove its 1 photo" in str(w.value) for w in at.warning)
    assert at.session_state["cap_draft"].photos == [photo]
    at.button(key="cap_clear_no").click().run()
    assert at.session_state["cap_draft"].photos == [photo]

    at.button(key=DISCARD_KEY).click().run()
    at.button(key="cap_clear_yes").click().run()
    assert at.session_state["cap_draft"].photos == []
    assert any("with its 1 photo" in str(i.value) for i in at.info)

    at.button(key=UNDO_CLEAR_KEY).click().run()
    assert [p.id for p in at.session_state["cap_draft"].photos] == [photo.id]
    stored = walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE)
    assert [p["id"] for p in stored["photos"]] == [photo.id]


def test_cancel_edit_can_be_undone_back_to_the_edit(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    save(at)
    finding = walk.store.list_findings(walk.audit.id)[0]
    at = walk_page(open_page, walk, finding=finding.id)
    at.text_area(key=cap_key(at, "notes")).input("Moved to the kitchen side").run()

    at.button(key=DISCARD_KEY).click().run()
    assert "finding" not in at.query_params
    at.button(key=UNDO_CLEAR_KEY).click().run()

    assert at.query_params["finding"] == finding.id
    assert at.text_area(key=cap_key(at, "notes")).value == "Moved to the kitchen side"
    save(at)
    assert walk.store.get_finding(finding.id).notes == "Moved to the kitchen side"


def card_headings(at: AppTest) -> list[str]:
    """The cards' bold first lines, with Markdown escapes taken out."""
    texts = [str(m.value).replace("\\", "") for m in at.markdown]
    return [t for t in texts if t.startswith("**F-")]


def test_a_template_fills_in_the_title_and_the_card_shows_it(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    name = at.text_input(key=cap_key(at, "title")).value
    assert name == checklist_from_pin(walk.audit.checklist).label("templates", TEMPLATE)
    at = save(at)

    (finding,) = walk.store.list_findings(walk.audit.id)
    assert finding.title == name
    assert card_headings(at) == [f"**{finding.reference} · {name}**"]


def test_a_custom_finding_takes_a_typed_title_and_without_one_shows_its_categories(
    open_page, walk
) -> None:
    at = walk_page(open_page, walk)
    at.text_input(key=cap_key(at, "title")).input("Medical list on the staff room wall").run()
    for field, value in [("format", "poster"), ("identifiability", "full_name")]:
        at.pills(key=cap_key(at, field)).set_value(value).run()
    at.pills(key=cap_key(at, "categories")).set_value(["anaphylaxis_aai"]).run()
    at.pills(key=cap_key(at, "detail_level")).set_value("diagnosis").run()
    at = save(at)
    (titled,) = walk.store.list_findings(walk.audit.id)
    assert titled.title == "Medical list on the staff room wall"

    for field, value in [("format", "poster"), ("identifiability", "full_name")]:
        at.pills(key=cap_key(at, field)).set_value(value).run()
    at.pills(key=cap_key(at, "categories")).set_value(["anaphylaxis_aai"]).run()
    at.pills(key=cap_key(at, "detail_level")).set_value("diagnosis").run()
    at = save(at)

    untitled = next(f for f in walk.store.list_findings(walk.audit.id) if f.id != titled.id)
    assert untitled.title == ""
    headings = card_headings(at)
    assert f"**{titled.reference} · Medical list on the staff room wall**" in headings
    (fallback,) = [h for h in headings if untitled.reference in h]
    assert "Poster" in fallback and "Medical list" not in fallback


def test_a_pupil_identifier_in_the_title_is_flagged_before_saving(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_input(key=cap_key(at, "title")).input("Poster for jo.bloggs@example.com").run()

    assert any("identifier(s) in Title" in str(w.value) for w in at.warning)
    at = save(at)
    assert "Title may contain" in errors_of(at)
    assert walk.store.list_findings(walk.audit.id) == []

    at.button(key="cap_redact_title").click().run()
    save(at)
    assert "jo.bloggs" not in walk.store.list_findings(walk.audit.id)[0].title


def test_a_card_shows_a_thumbnail_of_its_checked_photo_only(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at = save(at)
    assert len(at.image) == 0  # no photo, no thumbnail

    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("poster.jpg", jpeg(), "image/jpeg")]
    ).run()
    photo_id = at.session_state["cap_draft"].photos[0].id
    at.checkbox(key=f"cap_checked_{photo_id}").check().run()
    at = save(at)

    with_photo = [f for f in walk.store.list_findings(walk.audit.id) if f.reference == "F-002"]
    assert with_photo
    alts = [str(image.proto) for image in at.image]
    assert len([alt for alt in alts if "Photo of F-002" in alt]) == 1
    assert not [alt for alt in alts if "Photo of F-001" in alt]
    # The list reads findings without their photos; the card still says how many it has.
    captions = [c.value for c in at.caption if "Needed by" in c.value]
    assert sum("1 photo" in c for c in captions) == 1


def test_a_fresh_session_with_the_same_params_lists_the_saved_finding(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    save(at)
    reference = walk.store.list_findings(walk.audit.id)[0].reference

    fresh = walk_page(open_page, walk)

    assert not fresh.exception
    finding_id = walk.store.list_findings(walk.audit.id)[0].id
    assert fresh.button(key=f"delete_{finding_id}").label == f"Delete {reference}"


def test_a_draft_survives_a_new_session(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "categories")).set_value(["anaphylaxis_aai"]).run()
    at.text_area(key=cap_key(at, "notes")).input("Poster by the hatch").run()

    fresh = walk_page(open_page, walk)

    assert fresh.pills(key=cap_key(fresh, "categories")).value == ["anaphylaxis_aai"]
    assert fresh.text_area(key=cap_key(fresh, "notes")).value == "Poster by the hatch"
    # Needed by followed the category's default needers.
    assert "supply" in fresh.pills(key=cap_key(fresh, "needed_by")).value
    assert walk.store.list_findings(walk.audit.id) == []


def in_page_order(node):
    """Every element under `node`, in the order the page shows them."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from in_page_order(child)


def test_empty_required_fields_are_named_and_nothing_is_saved(open_page, walk) -> None:
    at = save(walk_page(open_page, walk))

    assert "Choose at least one data category." in errors_of(at)
    assert walk.store.list_findings(walk.audit.id) == []


def test_every_missing_field_is_marked_at_once_at_its_field_and_summed_up_at_save(
    open_page, walk
) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "identifiability")).set_value("full_name").run()
    at = save(at)

    missing = [f for f in REQUIRED_FIELDS if f not in ("identifiability", "reach", "evidence")]
    shown = list(in_page_order(at.main))
    for field in missing:
        (at_field,) = [
            i for i, e in enumerate(shown) if getattr(e, "key", None) == cap_key(at, field)
        ]
        # The element right after the field is its message.
        assert shown[at_field + 1].type == "error", field
        assert shown[at_field + 1].value == REQUIRED_FIELDS[field]
    (summary,) = [e.value for e in at.error if "Still needed" in e.value]
    assert summary == "Not saved yet. Still needed: Data categories, Format, Detail shown."
    assert walk.store.list_findings(walk.audit.id) == []

    # Filling a field takes its message away; the others stay until they are filled.
    at.pills(key=cap_key(at, "format")).set_value("poster").run()
    assert REQUIRED_FIELDS["format"] not in errors_of(at)
    assert REQUIRED_FIELDS["categories"] in errors_of(at)


def test_script_in_notes_is_stored_as_typed_and_shown_as_text(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at.text_area(key=cap_key(at, "notes")).input(SCRIPT_NOTES).run()
    at = save(at)

    assert walk.store.list_findings(walk.audit.id)[0].notes == SCRIPT_NOTES
    assert SCRIPT_NOTES in [t.value for t in at.text]
    assert not any("<script>" in str(m.value) for m in at.markdown)


def test_delete_asks_first_and_can_be_undone(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at = save(at)
    finding = walk.store.list_findings(walk.audit.id)[0]

    at.button(key=f"delete_{finding.id}").click().run()
    assert walk.store.list_findings(walk.audit.id) != []
    at.button(key=f"delete_yes_{finding.id}").click().run()
    assert walk.store.list_findings(walk.audit.id) == []

    at.button(key="undo_delete").click().run()
    restored = walk.store.list_findings(walk.audit.id)
    assert [(f.id, f.reference) for f in restored] == [(finding.id, finding.reference)]


def test_edit_link_loads_the_finding_and_saves_a_new_version(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    save(at)
    finding = walk.store.list_findings(walk.audit.id)[0]

    at = walk_page(open_page, walk, finding=finding.id)
    assert at.text_area(key=cap_key(at, "notes")).value == finding.notes
    at.text_area(key=cap_key(at, "notes")).input("Moved to the kitchen side").run()
    at = save(at)

    updated = walk.store.get_finding(finding.id)
    assert (updated.notes, updated.version) == ("Moved to the kitchen side", finding.version + 1)
    assert "finding" not in at.query_params


def test_no_params_reopens_the_last_audit_in_progress(open_page, walk) -> None:
    at = open_page("walk")

    assert at.query_params["audit"] == walk.audit.id
    assert not at.exception


def test_the_live_score_shows_levels_with_their_labels(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()

    badges = " ".join(str(m.value) for m in at.markdown if "-badge[" in str(m.value))
    assert "Privacy" in badges
    assert "Safeguarding" in badges
    assert walk.store.list_findings(walk.audit.id) == []


def test_a_saved_finding_that_needs_action_has_its_action_at_once(open_page, walk) -> None:
    """The dashboard's open actions are right straight after a walk, before anyone opens the
    action plan or exports."""
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    save(at)
    (finding,) = walk.store.list_findings(walk.audit.id)
    actions = [a for a in walk.store.list_actions(walk.audit.id) if finding.id in a.finding_ids]
    assert len(actions) == 1 and actions[0].status == "open"
    created = [e for e in walk.store.list_trail(walk.audit.id) if e.entity == "action"]
    assert [e.operation for e in created] == ["create"]


def test_a_new_card_shows_the_form_s_score_without_scoring_it_again(
    open_page, walk, monkeypatch
) -> None:
    """The form scores the draft; the save (for its default action) and the new card reuse
    that score: the save's run never works a score out."""
    from datawalk.scoring import finding as scoring_finding
    from datawalk.scoring import score_findings
    from datawalk.ui import widgets

    worked_out: list[int] = []
    score_columns = scoring_finding.score_columns

    def counted(columns, *args, **kwargs):
        worked_out.append(len(columns["format"]))
        return score_columns(columns, *args, **kwargs)

    monkeypatch.setattr(scoring_finding, "score_columns", counted)
    at = walk_page(open_page, walk)
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    assert worked_out  # the form's live score
    worked_out.clear()
    at = save(at)
    assert worked_out == []
    (finding,) = walk.store.list_findings(walk.audit.id)
    checklist = checklist_from_pin(walk.audit.checklist)
    (fresh,) = score_findings([finding], checklist, walk.audit.walk_at.date(), explain=False)
    levels = {level.id: level for level in checklist.scoring.levels}
    expected = " ".join(
        [
            widgets.escape_markdown(widgets.classification_name(fresh.classification)),
            widgets.level_markdown("Privacy", levels[fresh.privacy_level]),
            widgets.level_markdown("Safeguarding", levels[fresh.safeguarding_level]),
        ]
    )
    assert [str(m.value) for m in at.markdown if "-badge[Privacy" in str(m.value)] == [expected]
    (kept,) = [score for _, _, score in at.session_state["finding_card_scores"].values()]
    assert (kept.finding_id, kept.reference) == (finding.id, finding.reference)
