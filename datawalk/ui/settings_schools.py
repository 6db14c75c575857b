"""Settings section "Schools": the school records audits point to, and merging two spellings of
one school into one record.

An audit started before schools were records, or with a school name typed another way, got a
school of its own exact name; merging moves its audits (each records the move in its trail) and
its users' scope to the school kept. Only an admin merges; others see their own schools listed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from datawalk.accounts import schools
from datawalk.accounts.roles import Role, SchoolRecord
from datawalk.models import Audit
from datawalk.ui import state
from datawalk.vocabulary import Checklist

TITLE = "Schools"


def render(audit: Audit | None, checklist: Checklist) -> None:
    """The schools this person may see, then (for an admin) the merge form."""
    actor = state.current_actor(audit)
    workspace = state.get_workspace()
    listed = schools.list_schools(workspace, actor)
    if not listed:
        st.info("No schools yet: starting an audit adds its school.")
        return
    st.dataframe(_table(listed), hide_index=True, width="stretch")
    if actor.role is not Role.ADMIN:
        st.caption("Only an admin merges schools.")
        return
    if len(listed) < 2:
        return
    _merge_form(listed)


def _table(listed: list[SchoolRecord]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "School": [s.name for s in listed],
            "Phase": [s.phase.replace("_", " ") for s in listed],
            "URN": [s.urn or "" for s in listed],
            "Audits": [s.audit_count for s in listed],
        }
    )


def _merge_form(listed: list[SchoolRecord]) -> None:
    names = {s.id: _label(s) for s in listed}
    st.subheader("Merge schools", anchor=False)
    st.caption(
        "Two spellings of one school? Keep one record: the others' audits and users move to it "
        "and each moved audit records the move in its trail."
    )
    with st.form("merge_schools", border=False):
        keep = st.selectbox("School to keep", list(names), format_func=names.get, key="keep")
        merged = st.multiselect(
            "Schools to merge into it", list(names), format_func=names.get, key="merged"
        )
        submitted = st.form_submit_button("Merge schools", type="primary")
    if submitted:
        _merge(keep, [school_id for school_id in merged if school_id != keep], names)


def _merge(keep: str | None, merged: list[str], names: dict[str, str]) -> None:
    if keep is None or not merged:
        st.warning("Choose the school to keep and at least one other school to merge into it.")
        return
    actor = state.current_actor()
    moved = schools.merge_schools(state.get_workspace(), actor, keep, merged)
    state.flash(f"Merged {len(merged)} school(s) into {names[keep]}: {moved} audit(s) moved.")
    st.rerun()


def _label(school: SchoolRecord) -> str:
    urn = f", URN {school.urn}" if school.urn else ""
    return f"{school.name} ({school.audit_count} audit(s){urn})"
