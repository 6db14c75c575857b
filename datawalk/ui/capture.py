"""The capture fragment of the walk page: quick templates, every field of a finding, photos, the
live previews, and Save.

It is a `st.fragment`, not a form: each tap reruns only the fragment, updates the draft and
saves it (see `capture_state`). A common finding is three taps: location, template, Save.
Hook points for the live previews are the `render_*_preview` functions in `previews.py`.
"""

from __future__ import annotations

import streamlit as st

from datawalk import drafts
from datawalk.accounts.roles import Permission
from datawalk.errors import ConflictError, DataWalkError, NotFoundError, ValidationError
from datawalk.models import LONG_TEXT, SHORT_TEXT, Finding
from datawalk.services import findings, rewalks
from datawalk.ui import (
    capture_clear,
    capture_others,
    capture_who,
    errors,
    finding_list,
    permissions,
    photos,
    previews,
    state,
    widgets,
)
from datawalk.ui import capture_state as cs

SAVE_KEY = "cap_save"
ACTIONS_KEY = "cap_actions"
NEED_OVERRIDES = [1, 2, 3, 4, 5]
# Cards listed under the form before "Show all": each is a dozen elements rebuilt on every tap.
CARDS_SHOWN = 5
# Fields whose errors are drawn at the field; any other error is drawn above the Save button.
SHOWN_FIELDS = {*drafts.EDITABLE_FIELDS, "photos"}
# Labels of the choice fields, also naming them in the "still needed" summary at Save.
FIELD_LABELS = {
    "categories": "Data categories",
    "format": "Format",
    "identifiability": "Identifiability",
    "detail_level": "Detail shown",
    "visible_to": "Visible to",
    "needed_by": "Needed by",
    "reach": "Reach",
    "needed_reach": "Reach per audience",
    "controls": "Controls present",
    "evidence": "Evidence",
    "photos": "Photo check",
}


def _pills(ctx: cs.CaptureContext, field: str, vocabulary: str, **kw: object) -> None:
    """Pills for one field; a required single choice cannot be cleared by tapping it again."""
    widgets.vocab_pills(
        FIELD_LABELS[field],
        ctx.checklist,
        vocabulary,
        key=cs.widget_key(field),
        default=cs.base_value(field),
        required=field in drafts.REQUIRED_FIELDS,
        on_change=cs.on_widget_change,
        args=(ctx, field),
        **kw,  # type: ignore[arg-type]
    )
    errors.field_error(cs.SCOPE, field)


def _segmented(ctx: cs.CaptureContext, field: str, vocabulary: str) -> None:
    """A segmented control for one field; a required one keeps its choice when tapped again."""
    widgets.vocab_segmented(
        FIELD_LABELS[field],
        ctx.checklist,
        vocabulary,
        key=cs.widget_key(field),
        default=cs.base_value(field),
        required=field in drafts.REQUIRED_FIELDS,
        on_change=cs.on_widget_change,
        args=(ctx, field),
    )
    errors.field_error(cs.SCOPE, field)


def _on_template(ctx: cs.CaptureContext) -> None:
    """Pre-fill every field from the tapped template, keeping photos and the edit target."""
    template_id = st.session_state[cs.widget_key("template_id")]
    if not template_id:  # tapped again to deselect: the fields keep what they hold
        cs.change(ctx, "template_id", None)
        return
    try:
        draft = drafts.draft_from_template(
            cs.current_draft(), ctx.checklist, template_id, ctx.audit_id, ctx.location_id
        )
    except DataWalkError as exc:
        errors.record_error(cs.SCOPE, exc)
        return
    errors.clear_errors(cs.SCOPE)
    cs.commit(ctx, draft, source="template_id")


def _template_options(ctx: cs.CaptureContext) -> list[str]:
    """Templates offered for this location type first, then the rest."""
    templates = ctx.checklist.objects.templates
    first = [t.id for t in templates if ctx.location_type in t.location_types]
    return first + [t.id for t in templates if t.id not in first]


def _render_what(ctx: cs.CaptureContext) -> None:
    widgets.vocab_pills(
        "Quick templates",
        ctx.checklist,
        "templates",
        key=cs.widget_key("template_id"),
        default=cs.base_value("template_id"),
        options=_template_options(ctx),
        on_change=_on_template,
        args=(ctx,),
        help="Fills in every field below; change anything that differs here.",
    )
    errors.field_error(cs.SCOPE, "template_id")
    st.text_input(
        "Title (optional)",
        value=cs.base_value("title"),
        key=cs.widget_key("title"),
        on_change=cs.on_widget_change,
        args=(ctx, "title"),
        max_chars=SHORT_TEXT,
        placeholder="e.g. Allergy poster by the servery hatch",
        help="A template fills in its name. Without a title, lists show the categories.",
    )
    errors.field_error(cs.SCOPE, "title")
    previews.render_identifier_preview(ctx, "title")
    _pills(ctx, "categories", "data_categories", multi=True)
    _pills(ctx, "format", "formats")
    _pills(ctx, "identifiability", "identifiability")
    _pills(ctx, "detail_level", "detail_levels")


def _render_who(ctx: cs.CaptureContext) -> None:
    _pills(ctx, "visible_to", "audiences", multi=True, help=capture_who.VISIBLE_HELP)
    st.caption("Visible to includes the staff who need it, not only those who should not see it.")
    draft = cs.current_draft()
    _pills(
        ctx,
        "needed_by",
        "audiences",
        multi=True,
        options=capture_who.needer_options(ctx, cs.base_value("needed_by") or []),
        help="Defaults to who must act on the chosen categories; edit if this place differs.",
    )
    if not draft.needed_by_edited:
        st.caption("Following the categories' defaults.")
    _segmented(ctx, "reach", "reach_speeds")
    capture_who.render_reach_per_audience(ctx, draft)


def _render_how(ctx: cs.CaptureContext) -> None:
    _pills(ctx, "controls", "controls", multi=True)
    _segmented(ctx, "evidence", "evidence")
    left, right = st.columns(2)
    with left:
        st.date_input(
            "Review date shown",
            value=cs.base_value("review_date"),
            key=cs.widget_key("review_date"),
            on_change=cs.on_widget_change,
            args=(ctx, "review_date"),
            format="DD/MM/YYYY",
            help="The review date printed on the display, if it has one.",
        )
        errors.field_error(cs.SCOPE, "review_date")
    with right:
        st.segmented_control(
            "Need override",
            NEED_OVERRIDES,
            default=cs.base_value("need_override"),
            key=cs.widget_key("need_override"),
            on_change=cs.on_widget_change,
            args=(ctx, "need_override"),
            help="Only when this pupil's need differs from the category default (1–5).",
            required=False,  # optional: tapping the chosen need again goes back to the default
        )
        errors.field_error(cs.SCOPE, "need_override")


def _text(ctx: cs.CaptureContext, label: str, field: str, help: str | None = None) -> None:
    st.text_area(
        label,
        value=cs.base_value(field),
        key=cs.widget_key(field),
        on_change=cs.on_widget_change,
        args=(ctx, field),
        max_chars=LONG_TEXT,
        help=help,
    )
    errors.field_error(cs.SCOPE, field)
    previews.render_identifier_preview(ctx, field)


def _render_notes(ctx: cs.CaptureContext) -> None:
    st.toggle(
        "Good practice",
        value=bool(cs.base_value("good_practice")),
        key=cs.widget_key("good_practice"),
        on_change=cs.on_widget_change,
        args=(ctx, "good_practice"),
    )
    draft = cs.current_draft()
    if draft.good_practice:
        capture_who.render_good_practice_warning(draft, previews.live_classification(ctx, draft))
        _text(ctx, "Good practice note", "good_practice_note")
    _text(ctx, "Notes", "notes", help="Describe what you saw. Do not write pupils' names.")
    photos.render_photo_inputs(ctx)
    photos.render_photo_review(ctx)


def _complete(draft: drafts.Draft) -> bool:
    """Mark every empty required field at once, each at its field, and sum them up at Save."""
    missing = drafts.missing_fields(draft)
    if not missing:
        return True
    errors.clear_errors(cs.SCOPE)
    for problem in missing:
        errors.record_error(cs.SCOPE, problem)
    names = ", ".join(FIELD_LABELS[str(problem.field)] for problem in missing)
    errors.record_error(cs.SCOPE, ValidationError(f"Not saved yet. Still needed: {names}."))
    return False


def _save(ctx: cs.CaptureContext) -> str | None:
    """Validate the draft fully, then commit it in one store call; returns the reference.

    Nothing is written unless every check passes; errors are kept to show at their fields.
    """
    draft = cs.current_draft()
    if not _complete(draft):
        return None
    try:
        finding = drafts.finding_from_draft(draft, ctx.audit_id, ctx.location_id)
        saved = _save_finding(ctx, draft, finding)
    except ValidationError as exc:
        errors.record_error(cs.SCOPE, previews.at_its_field(exc))
        return None
    except ConflictError as exc:
        # Someone saved this finding since it was opened here: nothing is written over it.
        errors.record_error(cs.SCOPE, exc)
        capture_others.remember_stale(draft.finding_id)
        return None
    except DataWalkError as exc:
        errors.record_error(cs.SCOPE, exc)
        return None
    previews.log_identifier_override(ctx, previews.confirmed_fields(draft), saved)
    cs.reset(ctx, stored_draft_cleared=True)
    return saved.reference


def _save_finding(ctx: cs.CaptureContext, draft: drafts.Draft, finding: Finding) -> Finding:
    """Save the finding; a re-walk's Changed also records what last walk's finding became."""
    workspace, actor = state.get_workspace(), state.as_actor(ctx.actor)
    kept, holder = previews.confirmed_fields(draft), cs.holder(ctx)
    if draft.rewalk_item_id:
        return rewalks.save_changed_finding(
            workspace, actor, draft.rewalk_item_id, finding,
            keep=kept, clear_draft_at=ctx.location_id, draft_holder=holder,
        )  # fmt: skip
    return findings.save_finding(
        workspace, actor, finding, keep=kept, clear_draft_at=ctx.location_id, draft_holder=holder
    )


def _on_save(ctx: cs.CaptureContext) -> None:
    """Save in the button's callback, so the one rerun that follows already shows the reset
    form, the errors at their fields, or the new finding in the list below."""
    reference = _save(ctx)
    if reference:
        state.flash(f"Saved {reference}")


def _form_title(draft: drafts.Draft) -> str:
    """What the form is recording: last walk's finding as it is now, an edit, or a new one."""
    if draft.rewalk_item_id:
        try:
            item = state.reads().get_rewalk_item(draft.rewalk_item_id)
        except NotFoundError:
            return "Changed since last walk"
        return f"Changed since last walk: {item.previous_reference}"
    return f"Editing {draft.reference}" if draft.finding_id else "New finding"


def _render_form(ctx: cs.CaptureContext) -> None:
    draft = cs.current_draft()
    st.markdown(f"#### {widgets.escape_markdown(_form_title(draft))}")
    capture_others.render_draft_elsewhere(ctx, draft)
    capture_clear.render_clear(ctx, draft)
    with st.container(border=True):
        _render_what(ctx)
    with st.container(border=True):
        _render_who(ctx)
    with st.container(border=True):
        _render_how(ctx)
    with st.container(border=True):
        _render_notes(ctx)
    # One bar, kept in view at the bottom of the screen while the form scrolls (see frame.py),
    # so a template tapped at the top can be saved without scrolling.
    previews.render_score_reasons(ctx, cs.current_draft())
    with st.container(key=ACTIONS_KEY):
        # "Saved F-012" shows here, in view wherever the form is scrolled to.
        state.show_flash()
        errors.general_errors(cs.SCOPE, shown_fields=SHOWN_FIELDS)
        capture_others.render_stale(ctx, draft)
        # One row, score beside Save: the bar must not eat a portrait screen.
        score_col, save_col = st.columns([3, 1], vertical_alignment="center")
        with score_col:
            previews.render_score_preview(ctx, cs.current_draft())
        save_col.button(
            f"Save {draft.reference}" if draft.reference else "Save finding",
            key=SAVE_KEY,
            type="primary",
            icon=":material/save:",
            on_click=_on_save,
            args=(ctx,),
            width="stretch",
        )


def _render_findings_here(ctx: cs.CaptureContext) -> None:
    st.markdown(f"#### Findings here ({widgets.escape_markdown(ctx.location_name)})")
    finding_list.render_undo(ctx.audit_id, ctx.actor)
    may_see_photos = permissions.may(Permission.READ)
    newest = state.newest_findings_at(
        ctx.audit_id, ctx.location_id, CARDS_SHOWN, photo_counts=may_see_photos
    )
    show_all = newest.total > CARDS_SHOWN and st.toggle(
        f"Show all {newest.total} findings here (newest first)", key="walk_show_all"
    )
    places = {ctx.location_id: ctx.location_type}
    if show_all:
        here = state.findings_at(ctx.audit_id, ctx.location_id)
        finding_list.render_findings(here, ctx.checklist, ctx.actor, ctx.walk_date, places=places)
        return
    finding_list.render_findings(
        newest.findings, ctx.checklist, ctx.actor, ctx.walk_date, newest.photo_counts, places
    )


@st.fragment
def render_capture(ctx: cs.CaptureContext) -> None:
    """The capture form and the findings already recorded here, rerun together on each tap.

    Saving, editing and deleting happen in callbacks, so one fragment rerun shows their result
    (the form reset, the list changed) without rerunning the whole page.
    """
    # Read the URL here, not as an argument: a fragment rerun reuses the page run's arguments.
    cs.prepare(ctx, state.current_finding_id())
    _render_form(ctx)
    _render_findings_here(ctx)
