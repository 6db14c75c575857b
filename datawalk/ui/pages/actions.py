"""Action plan page (`/actions?audit=…`): the audit's overall opinion, then every action sorted by
priority, filterable by status, owner and overdue, each editable in a tablet-sized form; actions
can be merged so one fix covering several findings is shown once with all their references.

Opening the page creates the default action of any finding that needs one and has none.
"""

import zlib
from datetime import date

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.actions import (
    STATUS_LABELS,
    ActionView,
    describe_actions,
    filter_actions,
)
from datawalk.errors import ConflictError, DataWalkError
from datawalk.models import Action, ActionStatus
from datawalk.privacy.text_checks import identifier_kinds
from datawalk.scored_table import RANK_TIE_BREAK, rank_label
from datawalk.services import actions, audits
from datawalk.ui import errors, permissions, state, widgets
from datawalk.ui.text import escape_message

# A save refused because the action changed since its form opened: (form, message).
_STALE_KEY = "actions_stale_save"

audit = widgets.require_audit()
workspace = state.get_workspace()
reads = workspace.reads
actor = state.actor(audit)
widgets.audit_header(audit)
state.show_flash()
st.title("Action plan", anchor=False)
widgets.page_link(
    "export", "Export the workbook", state.audit_params(audit.id), icon=":material/download:"
)

with errors.user_errors():
    created = state.sync_default_actions(audit.id, actor)
    if created:
        # A box, not a toast: Streamlit's toast is an unnamed dialog to a screen reader.
        st.info(f"Added {len(created)} default action(s) for new findings.", icon=":material/info:")

if not permissions.may(Permission.WALK):
    # The consultant's view of the walk: read here, written by them.
    if audit.overall_opinion:
        st.subheader("Overall opinion", anchor=False)
        widgets.plain_text(audit.overall_opinion)
else:
    with st.form("overall_opinion_form"):
        opinion = st.text_area(
            "Overall opinion",
            value=audit.overall_opinion,
            height=140,
            max_chars=10_000,
            help="The consultant's overall view of the walk; shown here and in the workbook.",
            # Keyed on the stored text: a save elsewhere shows here, typing survives other writes.
            key=f"overall_opinion_{zlib.crc32(audit.overall_opinion.encode())}",
        )
        # A possible pupil identifier is saved only with this tick, and the trail records it.
        keep = bool(identifier_kinds(opinion, audit.walk_at.date())) and st.checkbox(
            "Save anyway: not a pupil identifier", key="opinion_ok"
        )
        if st.form_submit_button("Save overall opinion", key="save_opinion"):
            with errors.user_errors():
                audits.set_overall_opinion(
                    workspace, state.as_actor(actor), audit.id, opinion, keep=keep
                )
                state.flash("Overall opinion saved.")
                st.rerun()

today = date.today()
views = describe_actions(reads.list_actions(audit.id), state.scored_audit_table(audit), today)
overdue_count = sum(view.overdue for view in views)
counts = st.columns(5)
for column, (status, label) in zip(counts[:4], STATUS_LABELS.items(), strict=True):
    column.metric(label, sum(view.action.status == status for view in views))
counts[4].metric("Overdue", overdue_count)

status_col, owner_col, overdue_col = st.columns([3, 2, 1])
chosen_statuses = status_col.pills(
    "Status",
    list(STATUS_LABELS),
    selection_mode="multi",
    format_func=lambda status: STATUS_LABELS[status],
    key="actions_filter_status",
)
owners = sorted({view.action.owner for view in views if view.action.owner})
chosen_owners = owner_col.multiselect("Owner", owners, key="actions_filter_owner")
overdue_only = overdue_col.toggle("Overdue only", key="actions_filter_overdue")
shown = filter_actions(views, chosen_statuses or (), chosen_owners, overdue_only)
st.caption(
    f"{len(shown)} of {len(views)} action(s), most urgent first: "
    "1 is the most urgent finding of the walk.",
    help=RANK_TIE_BREAK,
)


def _title(view: ActionView) -> str:
    """Rank, the action's own title (place and step) and status: no raw priority number."""
    flag = "OVERDUE · " if view.overdue else ""
    flag += "NO LONGER NEEDED · " if view.no_longer_needed else ""
    rank = rank_label(view.rank, view.ranked)
    status = STATUS_LABELS[view.action.status]
    return widgets.escape_markdown(f"{flag}{rank} · {view.title} · {status}")


@st.fragment
def _render_action(view: ActionView) -> None:
    """One action's editor. No form: a status or text change reruns this fragment, so the
    risk-acceptance fields appear only for "Risk accepted" and the "save anyway" tick only when
    the identifier scan flags the text as it stands."""
    action = view.action
    suffix = f"{action.id}_{action.updated_at.timestamp():.0f}"
    icon = ":material/warning:" if view.overdue else None
    with st.expander(_title(view), icon=icon):
        st.caption(
            widgets.escape_markdown(
                f"Urgency {rank_label(view.rank, view.ranked)} · "
                f"findings {view.references} · {view.locations}"
            ),
            help=f"Priority score {action.priority:.1f}. {RANK_TIE_BREAK}",
        )
        if view.overdue:
            st.warning(f"Overdue: it was due on {action.due_date:%d/%m/%Y}.")
        if view.no_longer_needed:
            st.info(
                "Its findings no longer need an action (now proportionate or good practice). "
                "It was edited, so it is kept: close it if you agree.",
                icon=":material/task_alt:",
            )
        if not permissions.may(Permission.UPDATE_ACTIONS):
            _render_read_only(action)
            return
        recommendation = st.text_area(
            "Recommendation",
            action.recommendation,
            key=f"action_rec_{suffix}",
            # Writing the plan is the consultant's; the school updates its progress.
            disabled=not permissions.may(Permission.PLAN_ACTIONS),
        )
        left, right = st.columns(2)
        owner = left.text_input("Owner (name or role)", action.owner, key=f"action_owner_{suffix}")
        due = right.date_input(
            "Due date", action.due_date, format="DD/MM/YYYY", key=f"action_due_{suffix}"
        )
        status = ActionStatus(
            st.segmented_control(
                "Status",
                list(STATUS_LABELS),
                default=action.status,
                format_func=lambda s: STATUS_LABELS[s],
                key=f"action_status_{suffix}",
                required=True,
            )
            or action.status
        )
        notes = st.text_area("Notes", action.notes, key=f"action_notes_{suffix}")
        accepted = _acceptance(action, suffix) if status == ActionStatus.RISK_ACCEPTED else {}
        texts = [recommendation, notes, str(accepted.get("accepted_reason", ""))]
        flagged = any(identifier_kinds(text, audit.walk_at.date()) for text in texts)
        keep = flagged and st.checkbox(
            "Save anyway: the text holds no pupil identifiers", key=f"action_keep_{suffix}"
        )
        if st.button("Save action", key=f"action_save_{suffix}", type="primary"):
            update = {
                "recommendation": recommendation,
                "owner": owner.strip(),
                "due_date": due,
                "status": status,
                "notes": notes,
                **accepted,
            }
            _save_action(view, action.model_copy(update=update), keep, suffix)
        _render_stale(suffix)


def _render_read_only(action: Action) -> None:
    """The action as the governors edition shows it, for a role that may not update it."""
    widgets.plain_text(action.recommendation)
    due = f"{action.due_date:%d/%m/%Y}" if action.due_date else "no date"
    owner = action.owner or "no owner yet"
    st.caption(widgets.escape_markdown(f"{STATUS_LABELS[action.status]} · {owner} · due {due}"))


def _save_action(view: ActionView, edited: Action, keep: bool, suffix: str) -> None:
    """Save the form's edit, made from the version the form was opened at. If someone changed
    the action since, nothing is written: who and when stay shown under the form (which keeps
    what was typed) until the person opens their change."""
    try:
        kept = actions.TEXT_LABELS if keep else ()
        actions.save_action(workspace, state.as_actor(actor), edited, keep=kept)
    except ConflictError as error:
        st.session_state[_STALE_KEY] = (suffix, errors.message_for(error))
        return
    except DataWalkError as error:
        errors.show_error(error)
        return
    state.flash(f"Action for {view.references} saved.")
    st.rerun(scope="app")


def _render_stale(suffix: str) -> None:
    stale = st.session_state.get(_STALE_KEY)
    if not stale or stale[0] != suffix:
        return
    st.error(escape_message(stale[1]), icon=":material/sync_problem:")
    if st.button("Show their change", key=f"action_theirs_{suffix}"):
        del st.session_state[_STALE_KEY]
        st.rerun(scope="app")


def _acceptance(action: Action, suffix: str) -> dict[str, object]:
    """The three risk-acceptance fields, shown only while the status is "Risk accepted"."""
    st.caption("Risk accepted needs all three: why, who (a senior leader or governor), when.")
    reason = st.text_area("Accepted reason", action.accepted_reason, key=f"action_reason_{suffix}")
    by_col, on_col = st.columns(2)
    accepted_by = by_col.text_input(
        "Accepted by (senior leader or governor)", action.accepted_by, key=f"action_by_{suffix}"
    )
    accepted_on = on_col.date_input(
        "Accepted on", action.accepted_on, format="DD/MM/YYYY", key=f"action_on_{suffix}"
    )
    return {
        "accepted_reason": reason.strip(),
        "accepted_by": accepted_by.strip(),
        "accepted_on": accepted_on,
    }


for view in shown:
    _render_action(view)

if len(views) >= 2 and permissions.may(Permission.PLAN_ACTIONS):
    with st.expander("Merge actions", icon=":material/merge:"):
        st.caption(
            "One fix for several findings: the merged action keeps the highest priority, the "
            "earliest due date and every finding's reference."
        )
        labels = {view.action.id: f"{view.references} · {view.locations}" for view in views}
        chosen = st.multiselect(
            "Actions to merge", list(labels), format_func=labels.__getitem__, key="merge_choice"
        )
        if st.button("Merge selected actions", key="merge_actions", disabled=len(chosen) < 2):
            try:
                actions.merge(workspace, state.as_actor(actor), audit.id, chosen)
            except DataWalkError as error:
                errors.show_error(error)
            else:
                # Views are in priority order, as the merged action lists its findings.
                refs = ", ".join(v.references for v in views if v.action.id in set(chosen))
                state.flash(f"Merged {len(chosen)} actions into one for {refs}.")
                st.rerun()
