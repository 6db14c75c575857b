"""The settings page's Privacy section in AppTest: the notice with the retention periods in force,
the database location without credentials, the roles, redaction, exports and deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from datawalk.privacy import RetentionPolicy
from datawalk.privacy.retention import ENV_PREFIX
from datawalk.ui import settings_privacy
from datawalk.ui.widgets import escape_markdown


def notice(at) -> str:
    (text,) = [m.value for m in at.markdown if "controller" in m.value]
    return text


@pytest.fixture
def periods(monkeypatch) -> RetentionPolicy:
    """Retention periods set in the environment, unlike the defaults."""
    monkeypatch.setenv(ENV_PREFIX + "PHOTOS_MONTHS", "3")
    monkeypatch.setenv(ENV_PREFIX + "FREE_TEXT_MONTHS", "4")
    monkeypatch.setenv(ENV_PREFIX + "RECORD_MONTHS", "18")
    return RetentionPolicy.from_env()


def test_the_notice_states_periods_location_and_roles(open_page, walk, app_db, periods):
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    assert "Privacy" in [h.value for h in at.header]
    text = notice(at)
    assert f"photos: **{periods.photos_months} months**" in text
    assert f"**{periods.free_text_months} months**" in text
    assert f"**{periods.record_months} months**" in text
    database = str(Path(app_db.removeprefix("sqlite:///")).resolve())
    assert escape_markdown(database) in text
    for point in ("school is the controller", "processor", "Only the redacted picture"):
        assert point in text
    assert "DataWalk cannot delete it" in text
    assert "python -m datawalk export" in text and "Due for deletion" in text


def test_without_settings_the_default_periods_are_stated(open_page, app_db, monkeypatch):
    for name in ("PHOTOS_MONTHS", "FREE_TEXT_MONTHS", "RECORD_MONTHS"):
        monkeypatch.delenv(ENV_PREFIX + name, raising=False)
    at = open_page("settings")  # no audit open: the notice is the same
    assert not at.exception
    defaults = RetentionPolicy()
    assert f"photos: **{defaults.photos_months} months**" in notice(at)
    assert f"**{defaults.record_months} months**" in notice(at)


def test_invalid_retention_settings_are_reported(open_page, walk, monkeypatch):
    monkeypatch.setenv(ENV_PREFIX + "RECORD_MONTHS", "soon")
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    assert any(ENV_PREFIX + "RECORD_MONTHS" in e.value for e in at.error)


def test_every_placeholder_of_the_notice_is_filled():
    text = settings_privacy.privacy_notice(RetentionPolicy(), "/srv/data_walk/$x*db")
    assert "$photos" not in text and "$database" not in text and "$record" not in text
    assert escape_markdown("/srv/data_walk/$x*db") in text
