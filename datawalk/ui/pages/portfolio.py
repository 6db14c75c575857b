"""Portfolio page (`/portfolio`): every school on file, one card each, for the consultant who
covers many: the last walk and when the next is due, open and overdue actions, the worst open
level on each side, proportionate and good-practice counts and a small trend. Filters and a sort
on top, what is due soon, and the same dates as a calendar file. Tapping a school's name opens
its latest audit.
"""

from datetime import date, timedelta

import streamlit as st

from datawalk.portfolio import SORTS, filter_rows, sort_rows
from datawalk.reminders import WALK_DAYS, due_soon
from datawalk.ui import errors, portfolio_view, state

FILTERS = {
    "overdue": "Overdue actions",
    "walk_due": f"Walk due in {WALK_DAYS} days",
    "concern": "Open concerns",
}

st.title("Portfolio", anchor=False)
state.show_flash()
today = date.today()
# Who is looking: the signed-in user's school scope decides which schools are listed; without
# accounts, the one local user sees every school.
actor = state.current_actor()
with errors.user_errors():
    interval = state.settings().walk_interval_months()
    rows = portfolio_view.portfolio_rows(today, interval, actor)
    st.caption(
        f"{len(rows)} school(s) on file. A school's next walk is due {interval} months after "
        "its last. Tap a school to open its latest audit."
    )

    soon = due_soon(rows, today)
    with st.expander(f"Due soon ({len(soon)})", icon=":material/alarm:", expanded=bool(soon)):
        portfolio_view.render_due_soon(soon, today)
        portfolio_view.calendar_button(rows, None, today, actor, key="ics_all")

    search = st.text_input("Find a school", key="portfolio_search", max_chars=200)
    chosen = st.pills(
        "Show only",
        list(FILTERS),
        selection_mode="multi",
        format_func=FILTERS.__getitem__,
        key="portfolio_filters",
    )
    sort_by = st.segmented_control(
        "Sort by",
        list(SORTS),
        default="school",
        format_func=lambda key: SORTS[key][0],
        required=True,
        key="portfolio_sort",
    )
    shown = filter_rows(
        rows,
        text=search,
        overdue_actions_only="overdue" in chosen,
        walk_due_by=today + timedelta(days=WALK_DAYS) if "walk_due" in chosen else None,
        concern_only="concern" in chosen,
    )
    shown = sort_rows(shown, sort_by or "school")
    st.caption(f"{len(shown)} of {len(rows)} school(s).")
    if not rows:
        st.info("No audits yet. Start one on the Audits page.", icon=":material/info:")
    for row in shown:
        portfolio_view.render_card(row, today, actor)
