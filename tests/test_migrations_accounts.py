"""0007_accounts on both engines: audits written before schools existed each get the school of
their exact name, with its phase; two spellings stay two schools until merged."""

from __future__ import annotations

from sqlalchemy import MetaData, Table, select, update
from test_migrations import _insert_at_0001

from datawalk.store import Store
from datawalk.store.engine import create_store_engine
from datawalk.store.migrate import upgrade


def test_existing_audits_get_one_school_per_exact_name(new_database_url):
    engine = create_store_engine(new_database_url)
    upgrade(engine, "0006_draft_photos")
    with engine.begin() as connection:
        _insert_at_0001(connection)  # two audits: "School audit-complete-0001" and "…-00000001"
        audits = Table("audits", MetaData(), autoload_with=connection)
        connection.execute(
            update(audits)
            .where(audits.c.id == "audit-open-00000001")
            .values(school={"name": "Hollybrook Primary", "phase": "secondary"})
        )
        connection.execute(
            update(audits)
            .where(audits.c.id == "audit-complete-0001")
            .values(school={"name": "Hollybrook Primary", "phase": "primary"})
        )
    engine.dispose()
    store = Store.open(new_database_url)
    try:
        ids = store.audit_school_ids()
        assert ids["audit-open-00000001"] == ids["audit-complete-0001"] is not None
        (school,) = store.list_school_rows()
        assert (school["name"], school["audit_count"]) == ("Hollybrook Primary", 2)
        assert school["phase"] == "secondary"  # from the most recently changed audit
        summaries = {s.id: s.school_id for s in store.list_audits()}
        assert summaries == ids
    finally:
        store.close()


def test_two_spellings_stay_two_schools(new_database_url):
    engine = create_store_engine(new_database_url)
    upgrade(engine, "0006_draft_photos")
    with engine.begin() as connection:
        _insert_at_0001(connection)
    engine.dispose()
    store = Store.open(new_database_url)
    try:
        names = sorted(row["name"] for row in store.list_school_rows())
        assert names == ["School audit-complete-0001", "School audit-open-00000001"]
        with store.engine.connect() as connection:
            schools = Table("schools", MetaData(), autoload_with=connection)
            assert len(connection.execute(select(schools.c.id)).all()) == 2
    finally:
        store.close()
