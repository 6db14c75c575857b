"""Where the pages get their shared state: the cached workspace and checklists, the audit and
location held in the URL, one-shot flash messages and the name written to the audit trail.

The URL carries the audit and location (`?audit=…&location=…`) so a reload, a dropped connection
or a new tab lands back in the same place; session state holds only transient UI state. Caches
wrap core calls here, never inside the core.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import streamlit as st

from datawalk import editing
from datawalk.checklist import checklist_of_stored_pin
from datawalk.errors import DataWalkError, NotFoundError
from datawalk.finding_table import sort_for_people
from datawalk.models import Action, Audit, Finding, Location
from datawalk.scored_table_cache import KeptTables, build_table
from datawalk.services import Actor, Place, Reads, Workspace, actions, walking
from datawalk.settings import Settings
from datawalk.ui.text import escape_message
from datawalk.vocabulary import Checklist

AUDIT_PARAM = "audit"
LOCATION_PARAM = "location"
FINDING_PARAM = "finding"
_FLASH_KEY = "_datawalk_flash"
USER_KEY = "datawalk_user"
_PLACE_KEY = "_datawalk_place_remembered"
log = logging.getLogger(__name__)

FlashKind = Literal["success", "info", "warning"]


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The deployment's settings, read from the environment once per process."""
    return Settings.from_environment()


def database_url() -> str | None:
    return settings().database_url


@st.cache_resource(show_spinner="Opening the DataWalk database…", on_release=Workspace.close)
def _workspace_for(url: str | None) -> Workspace:
    """The UI's composition root: one workspace per database URL and process; a brand-new
    database gets the fictional sample walk."""
    return Workspace.open(url, sample_if_new=True)


def get_workspace() -> Workspace:
    """Return the services' handle on the database as this run's actor sees it: every change
    goes through its use cases, and its `reads` are scoped to the actor's role and schools (an
    audit of another school is "not found"; see `datawalk/services/scoped_reads.py`)."""
    return _workspace_for(database_url()).for_actor(current_actor())


def reads() -> Reads:
    """Return the read side of the database (`DATAWALK_DATABASE_URL`, read once per process)."""
    return get_workspace().reads


def get_checklist_for(audit: Audit) -> Checklist:
    """Return the checklist pinned in `audit`, parsed once per content hash (one cache for the
    pages and the services)."""
    return checklist_of_stored_pin(audit.checklist)


def current_audit_id() -> str | None:
    """Return the audit in the URL; without one, reopen this user's last place (audit and
    location) if that audit is in progress, else the last audit in progress, into the URL."""
    audit_id = st.query_params.get(AUDIT_PARAM)
    if audit_id:
        return audit_id
    place = last_place()
    if place is not None:
        for name, value in audit_params(place.audit_id, place.location_id).items():
            st.query_params[name] = value
        return place.audit_id
    audit_id = reads().last_open_audit_id()
    if audit_id:
        st.query_params[AUDIT_PARAM] = audit_id
    return audit_id


def current_audit() -> Audit | None:
    """Return the audit of the URL (or the last one in progress); None when there is none."""
    audit_id = current_audit_id()
    if not audit_id:
        return None
    try:
        return _audit_at_version(database_url(), audit_id, reads().audit_version(audit_id))
    except NotFoundError:
        return None


@st.cache_resource(max_entries=32, show_spinner=False)
def _audit_at_version(url: str | None, audit_id: str, version: int) -> Audit:
    """The audit (with its pinned checklist) parsed once per write: every rerun needs it.

    Shared read-only between sessions; keyed on the audit version the store bumps on every write.
    """
    return _workspace_for(url).reads.get_audit(audit_id)


def current_location_id() -> str | None:
    """Return the location in the URL, if any."""
    return st.query_params.get(LOCATION_PARAM) or None


def current_location(audit: Audit) -> Location | None:
    """Return the URL's location if it belongs to `audit`; a stale id is dropped from the URL."""
    location_id = current_location_id()
    if not location_id:
        return None
    try:
        location = reads().get_location(location_id)
    except NotFoundError:
        location = None
    if location is None or location.audit_id != audit.id:
        del st.query_params[LOCATION_PARAM]
        return None
    return location


def select_location(location_id: str | None) -> None:
    """Put `location_id` in the URL (or clear it), dropping any finding being edited."""
    if FINDING_PARAM in st.query_params:
        del st.query_params[FINDING_PARAM]
    if location_id:
        st.query_params[LOCATION_PARAM] = location_id
    elif LOCATION_PARAM in st.query_params:
        del st.query_params[LOCATION_PARAM]


def current_finding_id() -> str | None:
    """Return the finding being edited on the walk page (`?finding=`), if any."""
    return st.query_params.get(FINDING_PARAM) or None


def audit_params(audit_id: str, location_id: str | None = None, **extra: str) -> dict[str, str]:
    """Return the query params that open `audit_id` (and a location) on another page."""
    params = {AUDIT_PARAM: audit_id}
    if location_id:
        params[LOCATION_PARAM] = location_id
    return params | extra


@dataclass(frozen=True)
class Flash:
    kind: FlashKind
    message: str


def flash(message: str, kind: FlashKind = "success") -> None:
    """Queue a message for the next run: anything drawn just before `st.rerun` is lost.

    Pass plain text: it is escaped when drawn, so user text in it is never read as Markdown.
    """
    st.session_state.setdefault(_FLASH_KEY, []).append(Flash(kind, message))


def show_flash() -> None:
    """Draw and forget the queued flash messages (as text, never as HTML).

    One box per message and no toast: a toast repeated the box and covered the page links.
    """
    for item in st.session_state.pop(_FLASH_KEY, []):
        getattr(st, item.kind)(escape_message(item.message))


def place_user() -> str:
    """Whose last place is remembered: the signed-in user, else the one app user (`actor()`)."""
    return actor()


def last_place() -> Place | None:
    """Return where this user last was on the walk page, if that audit is still in progress."""
    return reads().last_place(place_user())


def remember_place(audit: Audit, location: Location | None) -> None:
    """Remember the walk page's audit and location for this user, so `/`, a reload after a
    restart or a sign-in land back here. Written only when it changes; a failure only loses
    the convenience, never the walk."""
    place = (place_user(), audit.id, location.id if location else None)
    if st.session_state.get(_PLACE_KEY) == place:
        return
    try:
        walking.remember_place(get_workspace(), *place)
    except DataWalkError as error:
        log.warning("Could not remember the last place: %s", error)
        return
    st.session_state[_PLACE_KEY] = place


def actor(audit: Audit | None = None) -> str:
    """Return who is acting, for the audit trail: the signed-in user, else the audit's auditor."""
    user = st.session_state.get(USER_KEY)
    if user:
        return str(user)
    return audit.auditor if audit else "DataWalk user"


def current_actor(audit: Audit | None = None) -> Actor:
    """Return the services' actor for this run: the signed-in user with their role and school
    scope (set by the sign-in gate), else the local person of the no-accounts mode, whom the
    services refuse once accounts exist."""
    from datawalk.ui.session_gate import current_signed_in

    signed_in = current_signed_in()
    return signed_in.actor if signed_in is not None else Actor(actor(audit))


def as_actor(name: str) -> Actor:
    """Return the actor for a change a page makes on behalf of `name`: the signed-in user when
    there is one (their name, role and scope), else the no-accounts mode's local person."""
    from datawalk.ui.session_gate import current_signed_in

    signed_in = current_signed_in()
    return signed_in.actor if signed_in is not None else Actor(name)


_DEVICE_KEY = "_datawalk_device"


def device() -> str:
    """This browser's device key for drafts: the signed-in session's device, else the
    `datawalk_device` cookie, else the one shared key (no accounts yet), so a reload still
    brings the draft back."""
    from datawalk.ui.session_gate import current_signed_in

    signed_in = current_signed_in()
    if signed_in is not None:
        return editing.device_of(signed_in.device_id)
    # The cookies are those the browser sent when this session connected: fixed for the
    # session, so they are read once, not on every tap.
    if _DEVICE_KEY not in st.session_state:
        cookie = st.context.cookies.get(editing.DEVICE_COOKIE)
        st.session_state[_DEVICE_KEY] = editing.device_of(cookie)
    return st.session_state[_DEVICE_KEY]


def draft_holder(actor_name: str) -> editing.DraftHolder:
    """Whose drafts this session reads and writes: the actor, on this device. A signed-in user's
    drafts are keyed by their account, not their name, so renaming them loses nothing."""
    from datawalk.ui.session_gate import current_signed_in

    signed_in = current_signed_in()
    if signed_in is not None and signed_in.actor.user_id:
        return editing.DraftHolder(owner=f"user:{signed_in.actor.user_id}", device=device())
    return editing.DraftHolder(owner=actor_name, device=device())


@st.cache_resource(max_entries=64, show_spinner=False)
def _findings_at(url: str | None, audit_id: str, location_id: str, version: int) -> list[Finding]:
    """The findings at one location, read once per audit version (every tap reruns the list).

    Shared read-only between sessions.
    """
    return _workspace_for(url).reads.list_findings(audit_id, location_id)


def findings_at(audit_id: str, location_id: str) -> list[Finding]:
    """Return the findings at a location, by reference."""
    url = database_url()
    return _findings_at(url, audit_id, location_id, reads().audit_version(audit_id))


@st.cache_resource(max_entries=32, show_spinner=False)
def _photo_counts(
    url: str | None, audit_id: str, version: int, finding_ids: tuple[str, ...]
) -> dict[str, int]:
    return _workspace_for(url).reads.photo_counts(audit_id, finding_ids)


def photo_counts_of(audit_id: str, finding_ids: Sequence[str]) -> dict[str, int]:
    """Return {finding id: number of photos} for these findings of the audit (read once per
    audit version), so cards look a thumbnail up only where there is a photo. Only the cards
    shown are counted: a save bumps the version, and the walk page saves often.

    The copy is shared between sessions: the audit's scope is checked here (its version is
    read through this actor's reads), and callers ask only for someone who may read photos.
    """
    version = reads().audit_version(audit_id)
    return _photo_counts(database_url(), audit_id, version, tuple(finding_ids))


@dataclass(frozen=True)
class NewestHere:
    """The newest findings at a place, how many there are, and the photos of those shown
    ({finding id: count}; empty for someone who may not read photos)."""

    findings: list[Finding]
    total: int
    photo_counts: dict[str, int]


@st.cache_resource(max_entries=64, show_spinner=False)
def _newest_at(
    url: str | None, audit_id: str, location_id: str, limit: int, version: int, counted: bool
) -> NewestHere:
    reads = _workspace_for(url).reads
    newest, total = reads.newest_findings(audit_id, location_id, limit)
    shown = [finding.id for finding in newest]
    counts = reads.photo_counts(audit_id, shown) if counted and shown else {}
    return NewestHere(newest, total, counts)


def newest_findings_at(
    audit_id: str, location_id: str, limit: int, *, photo_counts: bool
) -> NewestHere:
    """The newest `limit` findings at a location, read once per audit version: after a save the
    walk page reads a handful of rows, not the whole place, and counts their photos in the same
    cached read when `photo_counts` (only for someone who may read photos: the copy is shared
    between sessions, and the audit's scope is checked by reading its version as this actor)."""
    version = reads().audit_version(audit_id)
    return _newest_at(database_url(), audit_id, location_id, limit, version, photo_counts)


@st.cache_resource(max_entries=32, show_spinner=False)
def _locations_of(url: str | None, audit_id: str, version: int) -> list[Location]:
    return _workspace_for(url).reads.list_locations(audit_id)


def locations_of(audit: Audit) -> list[Location]:
    """Return the audit's locations, most recently used first (read once per audit version)."""
    url = database_url()
    return _locations_of(url, audit.id, reads().audit_version(audit.id))


# The last table of each audit, which the next version's table is built from (shared read-only
# between sessions, as the tables themselves): after a save only what changed is read again.
_KEPT_TABLES = KeptTables(max_entries=8)


@st.cache_resource(max_entries=8, show_spinner="Scoring the walk…")
def _scored_table(url: str | None, audit_id: str, version: int) -> pd.DataFrame:
    """The audit's one scored table, built once per audit version (any write bumps it) and
    shared read-only by the findings page, the action plan and the dashboard. Built from the
    last version's table: a save reads and scores only the findings it changed."""
    source = _workspace_for(url).reads
    audit = _audit_at_version(url, audit_id, version)
    checklist = get_checklist_for(audit)
    places = _locations_of(url, audit_id, version)
    built = _KEPT_TABLES.update(
        (url, audit_id), lambda kept: build_table(source, audit, places, checklist, kept)
    )
    return built.table


def scored_audit_table(audit: Audit) -> pd.DataFrame:
    """Return the audit's scored table in finding order (read-only: copy before changing it)."""
    return _scored_table(database_url(), audit.id, reads().audit_version(audit.id))


@st.cache_resource(max_entries=8, show_spinner=False)
def _findings_table(url: str | None, audit_id: str, version: int) -> pd.DataFrame:
    return sort_for_people(_scored_table(url, audit_id, version))


def findings_table(audit: Audit) -> pd.DataFrame:
    """Return every finding of `audit` as a scored table, sorted by location (read-only)."""
    return _findings_table(database_url(), audit.id, reads().audit_version(audit.id))


_SYNCED_KEY = "_actions_synced_version"


def sync_default_actions(audit_id: str, actor_name: str) -> list[Action]:
    """Give every finding that needs one its default action, once per audit version.

    The action plan and the export both show the plan, so both call this; syncing on every rerun
    would score the whole audit on each tap.
    """
    workspace = get_workspace()
    if st.session_state.get(_SYNCED_KEY) == (audit_id, workspace.reads.audit_version(audit_id)):
        return []
    created = actions.sync_default_actions(workspace, as_actor(actor_name), audit_id)
    st.session_state[_SYNCED_KEY] = (audit_id, workspace.reads.audit_version(audit_id))
    return created
