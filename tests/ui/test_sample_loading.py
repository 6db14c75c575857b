"""The fictional sample walk arrives once, in a brand-new database, and never comes back after a
school deletes its last real audit."""

from __future__ import annotations

import streamlit as st

from datawalk.samples import sample_audit_id
from datawalk.store import Store


def _audit_ids(url: str) -> list[str]:
    store = Store.open(url)
    try:
        return [summary.id for summary in store.list_audits()]
    finally:
        store.close()


def test_a_brand_new_database_opens_with_the_sample_walk(open_page, app_db) -> None:
    at = open_page("audits")
    assert not at.exception
    assert _audit_ids(app_db) == [sample_audit_id()]


def test_the_sample_does_not_come_back_after_the_last_audit_is_deleted(open_page, app_db) -> None:
    open_page("audits")  # first start: the sample is added
    store = Store.open(app_db)
    store.delete_audit(sample_audit_id(), "A. Consultant")
    store.close()
    st.cache_resource.clear()  # as after a server restart
    st.cache_data.clear()
    at = open_page("audits")
    assert not at.exception
    assert _audit_ids(app_db) == []


def test_only_the_open_that_created_the_schema_is_told_it_is_brand_new(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'walks.db'}"
    first = Store.open(url)
    second = Store.open(url)
    try:
        assert first.brand_new and not second.brand_new
    finally:
        first.close()
        second.close()
