"""The Portfolio page's parts: the cached rows, a school's card, the due-soon list and the
calendar downloads.

Each school's row is built by `datawalk.portfolio` once per state of that school's audits (any
write bumps an audit's `updated_at`) and day. A school's name is the link to its latest audit, so
one tap opens it. Levels are badges with their names; user text is escaped Markdown, never HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

import streamlit as st

from datawalk.accounts.roles import Permission
from datawalk.models import AuditStatus
from datawalk.portfolio import SchoolRow, group_by_school, in_scope, school_row, sort_rows
from datawalk.reminders import Reminder, calendar_filename, calendar_ics
from datawalk.services import Actor, AuditSummary, downloads
from datawalk.ui import permissions, state, widgets
from datawalk.ui.text import escape_markdown
from datawalk.vocabulary import Level

log = logging.getLogger(__name__)
KIND_NAMES = {"action": "Action due", "review": "Review date", "walk": "Walk due"}
ICS_MIME = "text/calendar"


@st.cache_resource(max_entries=1024, show_spinner=False)
def _school_row(
    url: str | None, today: date, interval: int, stamp: tuple, _walks: list[AuditSummary]
) -> SchoolRow:
    """One school's row, built once per state of its own audits (`stamp`) and day: a save in one
    school rebuilds that school's row only."""
    reads = state._workspace_for(url).reads
    return school_row(reads, _walks, today, interval, state.get_checklist_for)


def portfolio_rows(today: date, interval: int, actor: Actor) -> list[SchoolRow]:
    """Return the row of every school in the actor's scope, by name (read-only: shared between
    sessions; a row holds nothing of a school outside the scope it was asked for)."""
    url = state.database_url()
    rows = []
    with st.spinner("Reading every school's walks…", show_time=True):
        summaries = in_scope(state.reads().list_audits(), actor)
        for walks in group_by_school(summaries).values():
            stamp = tuple((s.id, s.updated_at.isoformat()) for s in walks)
            rows.append(_school_row(url, today, interval, stamp, walks))
    return sort_rows(rows, "school")


def open_target(row: SchoolRow) -> str:
    """The page a school's latest audit opens on: the walk while it is in progress (for those
    who walk), else its dashboard."""
    walking = row.latest_status == AuditStatus.IN_PROGRESS and permissions.may(Permission.WALK)
    return "walk" if walking else "dashboard"


def _badge(side: str, level: Level | None) -> str:
    if level is None:
        return f":gray-badge[{side}: nothing open]"
    return widgets.level_markdown(side, level)


def render_card(row: SchoolRow, today: date, actor: Actor) -> None:
    """One school: its name (the link to its latest audit), dates, levels, counts, trend."""
    with st.container(border=True, key=f"school_{_slug(row.key)}"):
        widgets.page_link(
            open_target(row),
            f"**{escape_markdown(row.school)}**",
            state.audit_params(row.latest_audit_id),
            icon=":material/school:",
        )
        late = " · WALK OVERDUE" if row.walk_overdue else ""
        st.caption(
            escape_markdown(
                f"{row.site} · last walk {row.last_walk:%d %b %Y} · next due "
                f"{row.next_walk_due:%d %b %Y}{late} · {row.walks} walk(s) on file"
            )
        )
        st.markdown(
            f"{_badge('Worst open privacy', row.worst_privacy)} "
            f"{_badge('Worst open safeguarding', row.worst_safeguarding)}"
        )
        overdue = f"**{row.overdue_actions} overdue**" if row.overdue_actions else "0 overdue"
        st.markdown(
            f"{row.open_actions} open action(s) · {overdue} · {row.findings} finding(s): "
            f"{row.proportionate} proportionate, {row.good_practice} good practice"
        )
        st.caption(escape_markdown(f"Trend (privacy / safeguarding): {row.trend.text()}"))
        calendar_button([row], row.school, today, actor, key=f"ics_{_slug(row.key)}")


def _slug(key: str) -> str:
    """A widget key from a school's key (two schools may share a name, never a key)."""
    return "".join(ch if ch.isalnum() else "_" for ch in key)


def render_due_soon(items: Sequence[Reminder], today: date) -> None:
    """The dated things coming up, soonest first, each naming its school and kind in words."""
    if not items:
        st.caption("Nothing due in the next 14 days (actions) or 30 days (reviews, walks).")
        return
    for item in items:
        late = " (late)" if item.due < today else ""
        parts = [f"{item.due:%a %d %b %Y}{late}", KIND_NAMES[item.kind], item.school]
        # A walk's kind says it all; an action or a review names its finding and what it is.
        if item.kind != "walk":
            parts += [part for part in (item.reference, item.title) if part]
        st.markdown(f"- {escape_markdown(' · '.join(parts))}")


def calendar_button(
    rows: Sequence[SchoolRow], school: str | None, today: date, actor: Actor, key: str
) -> None:
    """A download of the rows' calendar; the file is built, and the download recorded in each
    school's latest audit trail, only when tapped."""
    workspace = state.get_workspace()
    filename = calendar_filename(school, today)
    audit_ids = [row.latest_audit_id for row in rows]
    rows = list(rows)

    def build() -> bytes:
        # Runs outside the script (no session state); an error would give no download and no
        # message, so it is logged.
        try:
            data = calendar_ics(rows, datetime.now().astimezone())
            downloads.record_download(workspace, actor, audit_ids, "calendar", filename)
            return data
        except Exception:
            log.exception("Could not build the calendar %s", filename)
            raise

    label = "Calendar (.ics)" if school else "Calendar for all schools (.ics)"
    st.download_button(
        label,
        data=build,
        file_name=filename,
        mime=ICS_MIME,
        on_click="ignore",
        icon=":material/event:",
        key=key,
        disabled=not rows,
    )
