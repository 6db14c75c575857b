"""Saved findings as touch-friendly cards, with edit, a confirmed delete, and undo.

Used under the capture form on the walk page (the findings at this location) and on the findings
page (the one chosen in the table). Delete asks first; the deleted finding (with its photos) is
kept in session state so one tap brings it back with the same id and reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.models import Finding, Photo
from datawalk.scoring import ScoredFinding, score_findings
from datawalk.services import findings as finding_service
from datawalk.ui import errors, permissions, state, widgets
from datawalk.vocabulary import Checklist
from datawalk.workbook.plans import thumbnail

_CONFIRM = "confirm_delete"
_UNDO = "undo_finding"
_CARD_SCORES = "finding_card_scores"
UNDO_KEY = "undo_delete"
UNDO_DISMISS_KEY = "undo_dismiss"
THUMB_PX = 96


def _ask_delete(finding_id: str | None) -> None:
    st.session_state[_CONFIRM] = finding_id


def _delete(finding_id: str, actor: str) -> None:
    with errors.user_errors():
        deleted = finding_service.delete_finding(
            state.get_workspace(), state.as_actor(actor), finding_id
        )
        st.session_state[_UNDO] = deleted
        state.flash(f"Deleted {deleted.reference}.", "info")
    st.session_state[_CONFIRM] = None


def _undo(actor: str) -> None:
    finding: Finding | None = st.session_state.pop(_UNDO, None)
    if finding is None:
        return
    restored = finding_service.undo_delete(state.get_workspace(), state.as_actor(actor), finding)
    state.flash(f"Restored {restored.reference}.")


def _dismiss_undo() -> None:
    st.session_state.pop(_UNDO, None)


def render_undo(audit_id: str, actor: str) -> None:
    """Offer to bring back the finding deleted last in this session (in this audit)."""
    finding: Finding | None = st.session_state.get(_UNDO)
    if finding is None or finding.audit_id != audit_id:
        return
    with st.container(border=True):
        st.info(f"{finding.reference} was deleted.", icon=":material/delete:")
        undo_col, dismiss_col = st.columns(2)
        undo_col.button(
            f"Undo delete {finding.reference}",
            key=UNDO_KEY,
            on_click=_undo,
            args=(actor,),
            icon=":material/undo:",
        )
        dismiss_col.button("Dismiss", key=UNDO_DISMISS_KEY, on_click=_dismiss_undo)


def _edit_here(finding_id: str) -> None:
    """Open a finding in the capture form on this page (the form reloads from the URL)."""
    st.query_params[state.FINDING_PARAM] = finding_id


def render_findings(
    findings: list[Finding],
    checklist: Checklist,
    actor: str,
    today: date,
    photo_counts: Mapping[str, int] | None = None,
    places: Mapping[str, str] | None = None,
) -> None:
    """Cards for the findings, newest change first, edited in place, scored with the audit's
    checklist as of the walk date. `photo_counts`: the cards' photos, when the caller read them
    with the findings (lists load findings without photos); else they are counted here.
    `places` (location id -> type), when the caller knows them: a finding just saved from the
    form is then scored with the values the form and the save scored, which the scorer keeps.

    Each card is a dozen elements that Streamlit rebuilds on every rerun, and each shown card
    is scored, so callers show a handful where a place holds very many findings.
    """
    if not findings:
        st.caption("Nothing recorded here yet.")
        return
    newest = sorted(findings, key=lambda finding: finding.updated_at, reverse=True)
    scores: list[ScoredFinding | None] = [None] * len(newest)
    if checklist.scoring is not None:
        scores = list(_card_scores(newest, checklist, today, places))
    counts = photo_counts if photo_counts is not None else _photo_counts(newest)
    for finding, score in zip(newest, scores, strict=True):
        render_finding_card(
            finding,
            checklist,
            actor,
            scored=score,
            edit_in_place=True,
            photo_count=counts.get(finding.id, 0),
        )


def _photo_counts(findings: list[Finding]) -> Mapping[str, int]:
    """One count of the shown cards' photos says which have any (none for who may not see)."""
    if not permissions.may(Permission.READ):
        return {}
    return state.photo_counts_of(findings[0].audit_id, [finding.id for finding in findings])


def _card_scores(
    findings: list[Finding],
    checklist: Checklist,
    today: date,
    places: Mapping[str, str] | None = None,
) -> list[ScoredFinding]:
    """Score the shown cards, reusing this session's scores of cards that have not changed.

    After a save only the new card is scored. A score is reused only for the same finding
    version, the same checklist object (a rescore pins a new one) and the same day.
    """
    kept: dict[tuple[str, int], tuple[Checklist, date, ScoredFinding]] = st.session_state.get(
        _CARD_SCORES, {}
    )

    def known(finding: Finding) -> ScoredFinding | None:
        hit = kept.get((finding.id, finding.version))
        return hit[2] if hit and hit[0] is checklist and hit[1] == today else None

    unknown = [f for f in findings if known(f) is None]
    # Cards show no reasons. A new card alone is scored with the values the save scored, which
    # the scorer keeps (`datawalk.scoring.finding`), so it is not worked out a third time.
    fresh = iter(score_findings(unknown, checklist, today, explain=False, places=places))
    scores = [known(f) or next(fresh) for f in findings]
    st.session_state[_CARD_SCORES] = {
        (f.id, f.version): (checklist, today, score)
        for f, score in zip(findings, scores, strict=True)
    }
    return scores


def summary(finding: Finding, checklist: Checklist) -> str:
    """One line about a finding: its categories and format, in the checklist's words."""
    categories = ", ".join(checklist.label("data_categories", c) for c in finding.categories)
    return f"{categories} · {checklist.label('formats', finding.format)}"


def title(finding: Finding, checklist: Checklist) -> str:
    """What a finding is called: its title, or its categories and format when it has none."""
    return finding.title.strip() or summary(finding, checklist)


def _shown_photo(photos: list[Photo]) -> Photo | None:
    """The first photo a person has checked: an unreviewed one is never shown on a card."""
    return next(
        (p for p in photos if not p.awaiting_review and p.redaction and p.redaction.confirmed_by),
        None,
    )


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def _thumbnail(finding_id: str, version: int) -> bytes | None:
    """A small copy of the finding's first checked photo, made once per finding version.

    Lists load findings without photo bytes; the version in the key drops a stale thumbnail
    as soon as a photo is changed, removed or purged.
    """
    photo = _shown_photo(state.reads().list_photos(finding_id))
    return thumbnail(photo.data, photo.media_type, THUMB_PX * 2).data if photo else None


def _render_levels(scored: ScoredFinding, checklist: Checklist) -> None:
    """The finding's two levels as badges with their labels, and its classification."""
    levels = {level.id: level for level in checklist.scoring.levels} if checklist.scoring else {}
    privacy, safeguarding = levels.get(scored.privacy_level), levels.get(scored.safeguarding_level)
    badges = [widgets.escape_markdown(widgets.classification_name(scored.classification))]
    if privacy:
        badges.append(widgets.level_markdown("Privacy", privacy))
    if safeguarding:
        badges.append(widgets.level_markdown("Safeguarding", safeguarding))
    st.markdown(" ".join(badges))


def _render_heading(
    finding: Finding,
    checklist: Checklist,
    reference: str,
    scored: ScoredFinding | None,
    photo_count: int,
) -> None:
    """Reference and title (the categories under it), the levels, and a thumbnail of the first
    checked photo beside them."""
    # The thumbnail cache is shared between sessions: only a reader of photos may ask it.
    shows_photos = bool(finding.id) and photo_count > 0 and permissions.may(Permission.READ)
    picture = _thumbnail(finding.id, finding.version) if shows_photos else None
    if not picture:  # straight into the card: no column blocks for Streamlit to rebuild
        _render_title(finding, checklist, reference, scored)
        return
    image_col, text_col = st.columns([1, 5], vertical_alignment="center")
    with image_col:
        widgets.private_image(picture, width=THUMB_PX, alt=f"Photo of {reference}")
    with text_col:
        _render_title(finding, checklist, reference, scored)


def _render_title(
    finding: Finding, checklist: Checklist, reference: str, scored: ScoredFinding | None
) -> None:
    heading = f"{reference} · {title(finding, checklist)}"
    st.markdown(f"**{widgets.escape_markdown(heading)}**")
    if finding.title.strip():
        st.caption(widgets.escape_markdown(summary(finding, checklist)))
    if scored is not None:
        _render_levels(scored, checklist)


def _needer(checklist: Checklist, finding: Finding, audience: str) -> str:
    """A needer's label, with its own reach when one was given ("Supply staff (not at all)")."""
    label = checklist.label("audiences", audience)
    given = finding.needed_reach.get(audience)
    if given is None:
        return label
    return f"{label} ({checklist.label('reach_speeds', given.value).lower()})"


def render_finding_card(
    finding: Finding,
    checklist: Checklist,
    actor: str,
    location_name: str = "",
    scored: ScoredFinding | None = None,
    edit_in_place: bool = False,
    photo_count: int | None = None,
) -> None:
    """One finding: what it is, who sees and needs it, its levels, its notes as text, Edit and
    Delete. `photo_count`: how many photos it has, when it was read without them."""
    reference = finding.reference or "New"
    photos = len(finding.photos) if photo_count is None else photo_count
    with st.container(border=True, key=f"finding_{finding.id}"):
        _render_heading(finding, checklist, reference, scored, photos)
        visible = ", ".join(checklist.label("audiences", a) for a in finding.visible_to) or "nobody"
        needed = ", ".join(_needer(checklist, finding, a) for a in finding.needed_by) or "nobody"
        details = f"Visible to: {visible}. Needed by: {needed}."
        if location_name:
            details = f"{location_name}. {details}"
        if finding.good_practice:
            details = f"Good practice. {details}"
        if photos:
            details += f" {photos} photo(s)."
        st.caption(widgets.escape_markdown(details))
        if finding.notes:
            widgets.plain_text(finding.notes)
        if not permissions.may(Permission.WALK):
            return  # a school's own people read findings; the consultant edits them
        if st.session_state.get(_CONFIRM) == finding.id:
            st.warning(f"Delete {reference}? You can undo this straight after.")
            yes_col, no_col = st.columns(2)
            yes_col.button(
                f"Yes, delete {reference}",
                key=f"delete_yes_{finding.id}",
                type="primary",
                on_click=_delete,
                args=(finding.id, actor),
            )
            no_col.button(
                f"Keep {reference}",
                key=f"delete_no_{finding.id}",
                on_click=_ask_delete,
                args=(None,),
            )
            return
        # One horizontal row, not two columns: two fewer blocks on every card, every rerun.
        buttons = st.container(horizontal=True)
        if edit_in_place:
            buttons.button(
                f"Edit {reference}",
                key=f"edit_{finding.id}",
                on_click=_edit_here,
                args=(finding.id,),
                icon=":material/edit:",
            )
        else:
            with buttons:
                widgets.page_link(
                    "walk",
                    f"Edit {reference}",
                    state.audit_params(finding.audit_id, finding.location_id, finding=finding.id),
                    icon=":material/edit:",
                )
        buttons.button(
            f"Delete {reference}",
            key=f"delete_{finding.id}",
            on_click=_ask_delete,
            args=(finding.id,),
            icon=":material/delete:",
        )
