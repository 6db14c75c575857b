"""The app itself on each engine: a brand-new database (SQLite file or PostgreSQL) gets the sample
walk and every page it links from the Audits list runs; a database server that is down is one
clear message on the page, never a crash and never the password."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st

from datawalk.access import PASSWORD_HASH_SETTING
from datawalk.samples import sample_audit_id
from datawalk.services import Workspace

SECRET = "Pa55-never-shown"


@pytest.fixture
def app_url(new_database_url, monkeypatch) -> Iterator[str]:
    """The app's DATAWALK_DATABASE_URL on a brand-new database of the test's engine."""
    monkeypatch.setenv("DATAWALK_DATABASE_URL", new_database_url)
    monkeypatch.delenv(PASSWORD_HASH_SETTING, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield new_database_url
    st.cache_resource.clear()
    st.cache_data.clear()


def _page_text(at) -> str:
    parts = (
        [e.value for e in at.markdown] + [e.value for e in at.error] + [e.value for e in at.info]
    )
    return "\n".join(str(part) for part in parts) + "\n".join(e.label for e in at.button)


def test_a_new_database_gets_the_sample_and_the_pages_run(app_url, open_page):
    at = open_page("audits")
    assert not at.exception
    assert "Hollybrook" in _page_text(at)
    audit_id = sample_audit_id()
    for url_path in ("walk", "dashboard", "actions"):
        assert not open_page(url_path, audit=audit_id).exception, url_path
    workspace = Workspace.open(app_url)
    try:
        assert [s.id for s in workspace.reads.list_audits()] == [audit_id]
    finally:
        workspace.close()


def test_a_database_that_is_down_says_so_on_the_page(monkeypatch, open_page):
    monkeypatch.setenv(
        "DATAWALK_DATABASE_URL", f"postgresql+psycopg://walker:{SECRET}@127.0.0.1:9/datawalk"
    )
    monkeypatch.delenv(PASSWORD_HASH_SETTING, raising=False)
    st.cache_resource.clear()
    try:
        at = open_page("audits")
    finally:
        st.cache_resource.clear()
    assert not at.exception
    (error,) = at.error
    assert "Database unavailable" in error.value and "Nothing was lost" in error.value
    assert SECRET not in _page_text(at)


def test_the_first_page_after_a_server_restart_works(postgres_cluster, monkeypatch, open_page):
    url = postgres_cluster.create_database("app_restart")
    monkeypatch.setenv("DATAWALK_DATABASE_URL", url)
    monkeypatch.delenv(PASSWORD_HASH_SETTING, raising=False)
    st.cache_resource.clear()
    try:
        at = open_page("audits")
        assert not at.exception and "Hollybrook" in _page_text(at)
        postgres_cluster.restart()  # the cached workspace's pooled connections are now dead
        at.run()
        assert not at.exception
        assert not at.error
        assert "Hollybrook" in _page_text(at)
    finally:
        st.cache_resource.clear()
