"""The walk page's optional refinements of "who": reach per audience that needs the finding, and
the warning when a finding marked as good practice scores as a risk.

Reach per audience sits in a closed expander: the common case (every needer reaches it as
"Visible to" and "Reach" say) costs no extra tap. A needer left unset takes its default: the
finding's reach when it can see the finding, otherwise not at all, exactly as the score reads it.
"""

from __future__ import annotations

import streamlit as st

from datawalk import drafts
from datawalk.checklist import leaf_audiences
from datawalk.errors import ValidationError
from datawalk.models import Reach
from datawalk.ui import capture_state as cs
from datawalk.ui import errors, widgets

REACH_FIELD = "needed_reach"
VISIBLE_HELP = (
    "Everyone who can see or reach it where it is now, including the staff who need it: a "
    "poster catering staff read at the hatch lists Catering staff here as well."
)


def needer_options(ctx: cs.CaptureContext, chosen: list[str]) -> list[str]:
    """Audiences 'Needed by' offers: those who can act on pupil information, plus any already
    chosen (a finding recorded before the checklist said otherwise keeps its value)."""
    return [a.id for a in ctx.checklist.objects.audiences if a.can_need or a.id in chosen]


def default_reach(ctx: cs.CaptureContext, draft: drafts.Draft, audience: str) -> str:
    """The reach a needer takes unless one is given: the finding's when it can see it."""
    needer = leaf_audiences(ctx.checklist, [audience])
    seen = leaf_audiences(ctx.checklist, draft.visible_to)
    if needer and needer <= seen:
        return draft.reach or Reach.NOT_AT_ALL.value
    return Reach.NOT_AT_ALL.value


def _reach_key(audience: str) -> str:
    return f"{cs.widget_key(REACH_FIELD)}_{audience}"


def _on_reach(ctx: cs.CaptureContext, audience: str) -> None:
    """Set one needer's reach; tapping the chosen option again puts it back on the default."""
    try:
        updated = drafts.change_needer_reach(
            cs.current_draft(), audience, st.session_state[_reach_key(audience)], ctx.checklist
        )
    except ValidationError as exc:
        errors.record_error(cs.SCOPE, exc)
        return
    errors.clear_errors(cs.SCOPE, REACH_FIELD)
    cs.commit(ctx, updated, source=REACH_FIELD)


def render_reach_per_audience(ctx: cs.CaptureContext, draft: drafts.Draft) -> None:
    """An expander with one reach choice per needer, for places where reach differs by
    audience: a staff-room poster all staff see, but not the supply teacher who goes straight
    to a classroom."""
    if not draft.needed_by:
        return
    given = cs.base_value(REACH_FIELD) or {}
    label = "Reach per audience (optional)"
    if draft.needed_reach:
        label = f"Reach per audience ({len(draft.needed_reach)} set)"
    with st.expander(label, expanded=bool(draft.needed_reach)):
        st.caption(
            "Only where an audience reaches it differently, e.g. all staff see the staff-room "
            "poster but supply staff never go there (add Supply and cover staff to 'Needed by' "
            "to set theirs). Unset: as 'Visible to' and 'Reach' say."
        )
        for audience in draft.needed_by:
            name = ctx.checklist.label("audiences", audience)
            fallback = ctx.checklist.label("reach_speeds", default_reach(ctx, draft, audience))
            widgets.vocab_segmented(
                name,
                ctx.checklist,
                "reach_speeds",
                key=_reach_key(audience),
                default=given.get(audience),
                on_change=_on_reach,
                args=(ctx, audience),
                help=f"Unset, {name} reach it: {fallback.lower()}. Tap the chosen one to unset.",
            )
        errors.field_error(cs.SCOPE, REACH_FIELD)


def render_good_practice_warning(draft: drafts.Draft, classification: str | None) -> None:
    """Say so when a finding marked as good practice scores as a risk: a head reading the report
    must not find a commended display that is also over-exposed or out of reach."""
    if not draft.good_practice or classification in (None, "proportionate"):
        return
    name = widgets.classification_name(classification).lower()
    st.warning(
        f"Marked as good practice, but the score shows it is {name}. Check 'Visible to', "
        "'Needed by' and 'Reach', or untick Good practice.",
        icon=":material/warning:",
    )
