"""The audit trail of one audit as a filterable table: when, who, what, and which fields changed.

The rows come from `datawalk.governance.trail_table`; this module only reads the filters and
draws the table, then, under its own heading, the imported history restored backups brought
(what a file claimed, never mixed into local history), each with which backup, when and by whom
it was imported. Both are drawn with `st.dataframe` (a data grid: user text is never rendered
as HTML). The events are read once per audit version, which every write bumps.
"""

from __future__ import annotations

import streamlit as st

from datawalk.governance import ENTITY_NAMES, OPERATION_NAMES, trail_table
from datawalk.governance.trail_table import (
    TrailNames,
    imported_sources,
    imported_table,
    trail_names,
)
from datawalk.models import Audit, ImportedEvent, TrailEvent
from datawalk.ui import state, widgets

COLUMN_CONFIG = {
    "When": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm:ss"),
    "Changes": st.column_config.TextColumn("Changes", width="large"),
}


@st.cache_resource(max_entries=16, show_spinner=False)
def _events_at(
    url: str | None, audit_id: str, version: int, _audit: Audit
) -> tuple[list[TrailEvent], TrailNames]:
    """The trail, and the names of what the audit holds now (so the table shows F-012 and
    "Servery", not ids), read once per audit version; shared read-only between sessions."""
    reads = state.reads()
    names = trail_names(
        _audit,
        reads.list_locations(audit_id),
        reads.list_findings(audit_id),
        reads.list_actions(audit_id),
    )
    return reads.list_trail(audit_id), names


@st.cache_resource(max_entries=16, show_spinner=False)
def _imported_at(url: str | None, audit_id: str, version: int) -> list[ImportedEvent]:
    """The audit's imported history, read once per audit version (it is written only when the
    audit is restored); shared read-only between sessions."""
    return state.reads().list_imported_trail(audit_id)


def render_trail(audit: Audit) -> None:
    """Entity and operation filters, then the events newest first."""
    reads = state.reads()
    url = state.database_url()
    events, names = _events_at(url, audit.id, reads.audit_version(audit.id), audit)
    entities = st.pills(
        "Entity",
        list(ENTITY_NAMES),
        selection_mode="multi",
        format_func=ENTITY_NAMES.__getitem__,
        key="trail_entities",
        help="Show only changes to these. None chosen: all.",
    )
    operations = st.pills(
        "Operation",
        list(OPERATION_NAMES),
        selection_mode="multi",
        format_func=OPERATION_NAMES.__getitem__,
        key="trail_operations",
        help="Show only these kinds of change. None chosen: all.",
    )
    table = trail_table(events, entities=entities or (), operations=operations or (), names=names)
    st.caption(
        f"{len(table)} of {len(events)} events, newest first. Free text is never copied into the "
        'trail: a change to it shows as "changed". The trail is part of the JSON backup.'
    )
    st.dataframe(table, hide_index=True, column_config=COLUMN_CONFIG, key="trail_table")
    imported = _imported_at(url, audit.id, reads.audit_version(audit.id))
    if imported:
        _render_imported(imported, entities or (), operations or (), names)


def _render_imported(
    imported: list[ImportedEvent], entities: list[str], operations: list[str], names: TrailNames
) -> None:
    """Imported history under its own heading: which backup, when and by whom, then the events
    as each file gave them."""
    st.subheader("Imported history", anchor=False)
    st.caption(
        "Events that restored backups carried, shown as each file gave them: their times and "
        "names are the file's claims, not changes made here. Kept for the record and never "
        "changed; the backup is named by the start of its SHA-256."
    )
    for line in imported_sources(imported):
        st.caption(widgets.escape_markdown(line))
    table = imported_table(imported, entities=entities, operations=operations, names=names)
    st.dataframe(table, hide_index=True, column_config=COLUMN_CONFIG, key="imported_trail_table")
