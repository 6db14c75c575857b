"""A finding's optional title: its limit, the store and migration, the audit trail, retention,
the JSON backup and the workbook's Findings sheet."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from datawalk import drafts
from datawalk.checklist import pin_checklist
from datawalk.drafts import Draft
from datawalk.errors import ValidationError
from datawalk.interchange import dump_document, parse_document
from datawalk.models import SHORT_TEXT
from datawalk.store import Store
from datawalk.store.engine import create_store_engine
from datawalk.store.migrate import MIGRATIONS_DIR, current_revision, downgrade, upgrade
from datawalk.workbook import write_workbook
from datawalk.workbook.layout import FINDINGS

ACTOR = "A. Consultant (fictional)"
TITLE = "Allergy poster by the servery hatch"


@pytest.fixture
def saved(store, checklist, make_audit, make_location, make_finding):
    audit = store.create_audit(make_audit(checklist=pin_checklist(checklist)), ACTOR)
    location = store.add_location(make_location(audit.id), ACTOR)
    finding = store.save_finding(make_finding(audit.id, location.id, title=TITLE), ACTOR)
    return audit, finding


def test_a_title_longer_than_the_limit_is_refused_at_the_title(make_finding) -> None:
    with pytest.raises(ValueError, match="title"):
        make_finding("audit-1", "location-1", title="x" * (SHORT_TEXT + 1))


def test_a_draft_with_a_too_long_title_is_refused_naming_the_title(checklist) -> None:
    draft = drafts.draft_from_template(Draft(), checklist, "allergy_poster_servery", "a", "l")
    with pytest.raises(ValidationError) as refused:
        drafts.finding_from_draft(draft.model_copy(update={"title": "x" * 201}), "a", "l")
    assert refused.value.field == "title"


def test_a_template_fills_in_its_name_and_keeps_a_typed_title(checklist) -> None:
    poster = drafts.draft_from_template(Draft(), checklist, "allergy_poster_servery", "a", "l")
    assert poster.title == checklist.label("templates", "allergy_poster_servery")

    other = checklist.objects.templates[-1].id
    switched = drafts.draft_from_template(poster, checklist, other, "a", "l")
    assert switched.title == checklist.label("templates", other)

    typed = poster.model_copy(update={"title": "Poster in the hall"})
    assert (
        drafts.draft_from_template(typed, checklist, other, "a", "l").title == "Poster in the hall"
    )


def test_the_title_is_stored_and_read_back(store, saved) -> None:
    audit, finding = saved
    assert store.get_finding(finding.id).title == TITLE
    assert [f.title for f in store.list_findings(audit.id)] == [TITLE]


def test_the_trail_says_the_title_changed_without_copying_it(store, saved) -> None:
    audit, finding = saved
    store.save_finding(finding.model_copy(update={"title": "Poster moved"}), ACTOR)
    updates = [e for e in store.list_trail(audit.id) if e.operation == "update"]
    assert updates[-1].changes["title"] == {"changed": True}
    assert "Poster moved" not in str(store.list_trail(audit.id))


def test_purging_free_text_empties_the_title(store, saved) -> None:
    audit, finding = saved
    store.purge_photos_and_text(audit.id, ACTOR)
    assert store.get_finding(finding.id).title == ""


def test_a_json_backup_carries_the_title_both_ways(store, saved) -> None:
    audit, _finding = saved
    document = parse_document(dump_document(store.export_document(audit.id)))
    assert [f.title for f in document.findings] == [TITLE]

    fresh = Store.open("sqlite://")
    try:
        restored = fresh.import_document(document, ACTOR)
        assert [f.title for f in fresh.list_findings(restored.id)] == [TITLE]
    finally:
        fresh.close()


def test_the_findings_sheet_has_the_title_in_the_leadership_edition(store, saved) -> None:
    audit, _finding = saved
    data = write_workbook(store.export_document(audit.id), today=date(2026, 6, 1))
    sheet = openpyxl.load_workbook(io.BytesIO(data))[FINDINGS]
    headers = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[headers.index("Title")] for row in rows] == [TITLE]


def test_findings_stored_before_titles_read_back_without_one(tmp_path, store, saved) -> None:
    """Migration 0005 adds the column; rows from before it get an empty title."""
    url = f"sqlite:///{tmp_path / 'at0004.db'}"
    old = Store.open(url)
    audit, _finding = saved
    old.import_document(store.export_document(audit.id), ACTOR, source_sha256="0" * 64)
    old.close()
    engine = create_store_engine(url)
    # Back to 0004 through the migrations' own downgrades: no title column, and none of the
    # tables later revisions add, however many there are.
    downgrade(engine, "0004_imported_trail")
    with engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(findings)"))]
    assert "title" not in columns
    upgrade(engine)
    assert current_revision(engine) == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    engine.dispose()
    reopened = Store.open(url)
    try:
        (restored,) = reopened.list_findings(audit.id)
        assert restored.title == ""
    finally:
        reopened.close()
