"""Touch-friendly widgets shared by the pages, each with an explicit key.

Vocabulary widgets take their options and labels from the audit's pinned checklist, never from
code. User text is shown with `st.text` or escaped Markdown, never as HTML. A level is always
shown with its text label beside its colour.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from datawalk.charts.style import text_colour
from datawalk.models import Audit, AuditStatus
from datawalk.privacy.document_text import FlaggedText
from datawalk.scoring import CLASSIFICATION_NAMES
from datawalk.services.imports import IdentifierChoices
from datawalk.ui import state
from datawalk.ui.routes import PAGES, page_file
from datawalk.ui.text import escape_markdown
from datawalk.ui.uploads import (  # noqa: F401  (the widgets' API)
    Apply,
    Upload,
    limited_uploader,
    upload_limit_mb,
    upload_preview_apply,
)
from datawalk.vocabulary import Checklist, Level

# Badge colour for a level's colour name where Streamlit spells it otherwise ("amber" is the
# RAG band of checklists before uk_schools v3).
_BADGE_COLOURS = {"grey": "gray", "amber": "orange"}
STATUS_NAMES = {
    AuditStatus.IN_PROGRESS: "In progress",
    AuditStatus.COMPLETE: "Complete",
    AuditStatus.ARCHIVED: "Archived",
}

Callback = Callable[..., None]


def plain_text(text: str) -> None:
    """Show user text exactly as typed: no Markdown, no HTML."""
    st.text(text)


# (checklist id, vocabulary) -> (the checklist, kept so its id stays its own; ids; escaped names)
_LABELS: dict[tuple[int, str], tuple[Checklist, list[str], dict[str, str]]] = {}
_LABELS_SIZE = 64


def _labels(checklist: Checklist, vocabulary: str) -> tuple[list[str], Callable[[str], str]]:
    """A vocabulary's ids and its pill labels, escaped once per checklist: the walk form draws
    over a hundred labels on every tap, and a checklist never changes once loaded."""
    key = (id(checklist), vocabulary)
    known = _LABELS.get(key)
    if known is None:
        terms = getattr(checklist.objects, vocabulary)
        names = {term.id: escape_markdown(term.name) for term in terms}
        if len(_LABELS) >= _LABELS_SIZE:
            _LABELS.clear()  # one call, safe beside other sessions' threads
        known = _LABELS[key] = (checklist, [term.id for term in terms], names)
    _, ids, names = known
    return ids, lambda term_id: names[term_id] if term_id in names else escape_markdown(term_id)


def vocab_pills(
    label: str,
    checklist: Checklist,
    vocabulary: str,
    *,
    key: str,
    default: Any = None,
    multi: bool = False,
    required: bool = False,
    options: Sequence[str] | None = None,
    on_change: Callback | None = None,
    args: tuple[Any, ...] = (),
    help: str | None = None,
) -> Any:
    """Pills for one checklist vocabulary; values are ids, labels come from the checklist.

    `required` (single choice only): tapping the chosen pill again keeps it instead of clearing
    a value the finding cannot be saved without.
    """
    ids, label_of = _labels(checklist, vocabulary)
    return st.pills(
        label,
        list(options) if options is not None else ids,
        selection_mode="multi" if multi else "single",
        default=default,
        required=required and not multi,
        format_func=label_of,
        key=key,
        on_change=on_change,
        args=args,
        help=help,
    )


def vocab_segmented(
    label: str,
    checklist: Checklist,
    vocabulary: str,
    *,
    key: str,
    default: Any = None,
    required: bool = False,
    on_change: Callback | None = None,
    args: tuple[Any, ...] = (),
    help: str | None = None,
) -> Any:
    """A single-choice segmented control for a short vocabulary (evidence, reach); `required`
    stops a tap on the chosen option from clearing it."""
    ids, label_of = _labels(checklist, vocabulary)
    return st.segmented_control(
        label,
        ids,
        default=default,
        required=required,
        format_func=label_of,
        key=key,
        on_change=on_change,
        args=args,
        help=help,
    )


def level_colour(level: Level) -> str:
    """Return the Streamlit badge colour for a level: its colour's one name in the checklist."""
    return _BADGE_COLOURS.get(level.colour_name, level.colour_name)


def level_markdown(prefix: str, level: Level) -> str:
    """Return Markdown for an inline level badge (text label plus colour, never colour alone)."""
    label = escape_markdown(f"{prefix}: {level.name}")
    return f":{level_colour(level)}-badge[{label}]"


def style_levels(frame: pd.DataFrame, checklist: Checklist, columns: Sequence[str]) -> Any:
    """Colour level cells with the checklist's level colours; each cell keeps its text label, so
    the table never relies on colour alone."""
    if checklist.scoring is None or frame.empty:
        return frame
    styles = {
        level.name: f"background-color: {level.hexcolor}; color: {text_colour(level.hexcolor)}"
        for level in checklist.scoring.levels
    }
    present = [column for column in columns if column in frame]
    return frame.style.map(lambda value: styles.get(value, ""), subset=present)


def classification_name(classification: str) -> str:
    """Return the words for a classification id (over-exposed, under-available …)."""
    return CLASSIFICATION_NAMES.get(classification, classification)


def page_link(
    url_path: str, label: str, params: dict[str, str], *, icon: str | None = None
) -> None:
    """Link to another page carrying the query params (the sidebar's own links drop them)."""
    st.page_link(page_file(url_path), label=label, icon=icon, query_params=params)


def audit_header(audit: Audit, location_id: str | None = None) -> None:
    """Show which audit is open and links to every page, carrying the audit in the URL (the
    sidebar's own links drop it)."""
    walk_date = f"{audit.walk_at:%d %b %Y %H:%M}"
    status = STATUS_NAMES[audit.status]
    st.markdown(f"**{escape_markdown(f'{audit.school.name} · {audit.site.name}')}**")
    st.caption(escape_markdown(f"Walk {walk_date} · {audit.auditor} · {status}"))
    if audit.status != AuditStatus.IN_PROGRESS:
        st.info(
            f"This audit is {status.lower()}. Any change is still recorded in its audit trail; "
            "reopen it on the Audits page to carry on walking.",
            icon=":material/info:",
        )
    with st.container(horizontal=True, wrap=True, key="audit_nav"):
        for route in PAGES:
            if not route.visible:
                continue
            if route.url_path == "audits":
                page_link(route.url_path, "All audits", {}, icon=route.icon)
            else:
                keep = location_id if route.url_path == "walk" else None
                params = state.audit_params(audit.id, keep)
                page_link(route.url_path, route.title, params, icon=route.icon)
        page_link("trail", "Audit trail", state.audit_params(audit.id), icon=":material/history:")


def require_audit() -> Audit:
    """Return the open audit, or explain there is none, link to the audits page and stop."""
    audit = state.current_audit()
    if audit is None:
        if st.query_params.get(state.AUDIT_PARAM):
            st.warning("This audit no longer exists. Choose another one.")
        else:
            st.info("No audit is open. Create or open one on the Audits page.")
        page_link("audits", "Go to Audits", {}, icon=":material/assignment:")
        st.stop()
    return audit


def data_uri(data: bytes, media_type: str | None = None) -> str:
    """Return `data` as a `data:` URI; PNG is recognised by its signature, anything else is JPEG."""
    kind = media_type or ("image/png" if data.startswith(b"\x89PNG") else "image/jpeg")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def private_image(data: bytes, *, media_type: str | None = None, **kwargs: Any) -> None:
    """Show a photo inline as a `data:` URI, never through Streamlit's media files.

    `st.image` of bytes publishes them at a `/media/` URL that anyone can fetch without a session
    or password, and that outlives the tab; a redacted poster still shows names and conditions.
    """
    st.image(data_uri(data, media_type), **kwargs)


_CHOICE_LABELS = {"replace": "Replace with [pupil]", "keep": "Keep"}


def identifier_choices(
    flagged: Sequence[FlaggedText], key: str, on_record: frozenset[str] = frozenset()
) -> IdentifierChoices:
    """Ask, for each imported field that may hold a pupil identifier, to replace or keep it.

    `on_record` are fields the file's own trail records as kept on purpose; one tap keeps
    those and replaces the rest. Labels and kinds only: the flagged text itself is not repeated.
    """
    if not flagged:
        return IdentifierChoices()
    keys = [f"{key}_{index}" for index in range(len(flagged))]
    st.warning(
        f"{len(flagged)} field(s) may hold a pupil identifier. Choose for each before importing.",
        icon=":material/policy:",
    )

    def set_all(choice_of: Callable[[FlaggedText], str]) -> None:
        for widget_key, item in zip(keys, flagged, strict=True):
            st.session_state[widget_key] = choice_of(item)

    columns = st.columns(2)
    columns[0].button(
        "Replace all with [pupil]",
        key=f"{key}_replace_all",
        on_click=set_all,
        args=(lambda _item: "replace",),
    )
    if on_record & {item.key for item in flagged}:
        columns[1].button(
            "Keep those this file's trail records as kept",
            key=f"{key}_keep_on_record",
            on_click=set_all,
            args=(lambda item: "keep" if item.key in on_record else "replace",),
        )
    for widget_key, item in zip(keys, flagged, strict=True):
        st.segmented_control(
            escape_markdown(item.describe()),
            list(_CHOICE_LABELS),
            format_func=_CHOICE_LABELS.__getitem__,
            key=widget_key,
            required=False,  # no choice until the person makes one; applying then asks again
        )
    chosen = {item.key: st.session_state.get(k) for k, item in zip(keys, flagged, strict=True)}
    return IdentifierChoices(
        replace=frozenset(k for k, v in chosen.items() if v == "replace"),
        keep=frozenset(k for k, v in chosen.items() if v == "keep"),
    )
