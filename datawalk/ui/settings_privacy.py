"""Settings section "Privacy": what DataWalk stores, where, for how long, who is responsible, and
how to export and delete.

The prose is a static Markdown file beside this module (`privacy_notice.md`), so it can be read
and reviewed as a document; only the retention periods (from `state.settings().retention()`, the
values the Audits page works with) and the database location (from the store, without
credentials) are filled in, the location escaped as text.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

import streamlit as st

from datawalk.models import Audit
from datawalk.privacy import RetentionPolicy
from datawalk.ui import state, widgets
from datawalk.vocabulary import Checklist

TITLE = "Privacy"
NOTICE_PATH = Path(__file__).with_name("privacy_notice.md")


def privacy_notice(policy: RetentionPolicy, database: str) -> str:
    """Return the notice as Markdown with the periods and the (escaped) database location.

    Raises:
        KeyError: the notice names a value this function does not fill (a broken notice file).
    """
    template = Template(NOTICE_PATH.read_text(encoding="utf-8"))
    return template.substitute(
        photos_months=policy.photos_months,
        free_text_months=policy.free_text_months,
        record_months=policy.record_months,
        database=widgets.escape_markdown(database),
    )


def render(audit: Audit | None, checklist: Checklist) -> None:
    """The privacy notice; the same whatever audit is open.

    Raises:
        ValidationError: the retention settings in the environment are invalid.
    """
    policy = state.settings().retention()
    st.markdown(privacy_notice(policy, state.reads().database_location()))
