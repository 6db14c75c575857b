"""Fixtures for AppTest runs of the real app: a throwaway database, clean caches, and a helper
that opens a page with query params the way a deep link does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from datawalk.access import PASSWORD_HASH_SETTING
from datawalk.audit_setup import AuditSetup, build_audit
from datawalk.editing import DraftHolder
from datawalk.models import Audit, Location
from datawalk.store import Store
from datawalk.ui.routes import page_file

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
ACTOR = "A. Consultant"
# Whose drafts an AppTest session keeps: the auditor (no one is signed in) on the shared device
# (AppTest sends no `datawalk_device` cookie).
HERE = DraftHolder(ACTOR)
TIMEOUT = 60


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Iterator[str]:
    """The app's DATAWALK_DATABASE_URL pointed at a fresh SQLite file; caches cleared around."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATAWALK_DATABASE_URL", url)
    monkeypatch.delenv(PASSWORD_HASH_SETTING, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


@dataclass
class Walk:
    """A stored audit with one location, as the app's own store sees it."""

    store: Store
    audit: Audit
    location: Location


@pytest.fixture
def walk(app_db, checklist) -> Iterator[Walk]:
    """An in-progress audit of a fictional school (real UK checklist) with a servery location."""
    store = Store.open(app_db)
    setup = AuditSetup(
        school_name="Larkspur Primary (fictional)",
        phase="primary",
        site_name="Main site",
        floor_names=("Ground floor", "First floor"),
        walk_date=date.today(),
        walk_time=None,
        auditor=ACTOR,
    )
    audit = store.create_audit(build_audit(setup, checklist, date.today()), ACTOR)
    location = Location(
        audit_id=audit.id,
        name="Servery",
        location_type="servery",
        floor_id=audit.site.floors[0].id,
    )
    location = store.add_location(location, ACTOR)
    yield Walk(store, audit, location)
    store.close()


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    """Return open_page(url_path, **params): a fresh session on that page (None: the root URL),
    already run."""

    def run(url_path: str | None, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for name, value in params.items():
            at.query_params[name] = value
        if url_path is not None:
            at.switch_page(page_file(url_path))
        return at.run()

    return run
