"""Settings section "Floor plans": upload, replace or remove one plan image per floor.

Uploads go through `datawalk.services.plans`, which runs `floorplan.plan_from_upload` (PNG or
JPEG only, size-bounded, metadata stripped) before anything is stored. Pins are kept as
normalised positions, so replacing a plan with a rescaled or redrawn one keeps every location
where it was.
"""

from __future__ import annotations

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.errors import DataWalkError, ValidationError
from datawalk.floorplan import PLAN_LIMITS, pinned_locations
from datawalk.models import Audit, Floor
from datawalk.services import Actor, plans
from datawalk.ui import errors, permissions, state, widgets
from datawalk.vocabulary import Checklist

TITLE = "Floor plans"
SCOPE = "settings_plans"
_GEN = "settings_plan_gen"
THUMBNAIL_WIDTH = 320


def render(audit: Audit | None, checklist: Checklist) -> None:
    """One row per floor: the current plan, and an uploader to set or replace it."""
    if audit is None:
        st.info("Open an audit to add its floor plans.")
        return
    if not audit.site.floors:
        st.info("This site has no floors. Add floors to the audit first.")
        return
    limit = widgets.upload_limit_mb(PLAN_LIMITS.max_bytes)
    st.caption(
        f"One PNG or JPEG per floor, up to {limit} MB. Tap the plan on the Walk page to place "
        "each location; replacing a plan keeps the places."
    )
    locations = state.get_workspace().reads.list_locations(audit.id)
    for floor in sorted(audit.site.floors, key=lambda f: f.order):
        with st.container(border=True):
            placed = len(pinned_locations(locations, floor.id))
            _render_floor(audit, floor, placed)


def _render_floor(audit: Audit, floor: Floor, placed: int) -> None:
    st.markdown(f"**{widgets.escape_markdown(floor.name)}**")
    picture, controls = st.columns([1, 1])
    with picture:
        if floor.plan is None:
            st.caption("No plan yet.")
        else:
            st.image(floor.plan.data, width=THUMBNAIL_WIDTH, alt=f"Floor plan of {floor.name}")
            st.caption(f"{floor.plan.width} × {floor.plan.height} px · {placed} location(s) placed")
    if not permissions.may(Permission.WALK):
        return  # the plans are the consultant's to set
    with controls:
        gen = st.session_state.setdefault(_GEN, 0)
        upload = widgets.limited_uploader(
            "Replace the plan" if floor.plan else "Upload a plan",
            max_bytes=PLAN_LIMITS.max_bytes,
            help="A PNG or JPEG of this floor.",
            type=["png", "jpg", "jpeg"],
            key=f"plan_upload_{floor.id}_{gen}",
        )
        errors.field_error(SCOPE, f"plan_{floor.id}")
        if upload is not None:
            _save_plan(audit, floor, upload.getvalue())
        if floor.plan is not None:
            st.button(
                "Remove plan",
                key=f"plan_remove_{floor.id}",
                on_click=_remove_plan,
                args=(audit, floor),
                icon=":material/delete:",
            )


def _save_plan(audit: Audit, floor: Floor, data: bytes) -> None:
    errors.clear_errors(SCOPE)
    try:
        plans.upload_plan(state.get_workspace(), _actor(audit), audit.id, floor.id, data)
    except DataWalkError as exc:
        # Shown under the uploader of the floor it concerns, whatever field the core named.
        errors.record_error(SCOPE, ValidationError(str(exc), field=f"plan_{floor.id}"))
    else:
        state.flash(f"Saved the plan of {floor.name}.")
    st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1
    st.rerun()


def _remove_plan(audit: Audit, floor: Floor) -> None:
    try:
        plans.remove_plan(state.get_workspace(), _actor(audit), audit.id, floor.id)
    except DataWalkError as exc:
        errors.record_error(SCOPE, ValidationError(str(exc), field=f"plan_{floor.id}"))
    else:
        state.flash(f"Removed the plan of {floor.name}; its locations keep their places.")


def _actor(audit: Audit) -> Actor:
    return state.current_actor(audit)
