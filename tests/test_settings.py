"""Deployment settings are read from the environment in one place, and the README lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datawalk.errors import ValidationError
from datawalk.settings import BUNDLED_CHECKLISTS, VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[1]


def test_nothing_set_gives_the_documented_defaults():
    settings = Settings.from_environment({})
    assert settings.database_url is None and settings.password_hash is None
    assert settings.checklists_dir == BUNDLED_CHECKLISTS
    policy = settings.retention()
    assert (policy.photos_months, policy.free_text_months, policy.record_months) == (6, 6, 24)


def test_values_are_read_and_blank_ones_count_as_unset(tmp_path):
    settings = Settings.from_environment(
        {
            "DATAWALK_DATABASE_URL": " sqlite:///walks.db ",
            "DATAWALK_PASSWORD_HASH": "   ",
            "DATAWALK_CHECKLISTS_DIR": str(tmp_path),
            "DATAWALK_RETENTION_RECORD_MONTHS": "36",
        }
    )
    assert settings.database_url == "sqlite:///walks.db"
    assert settings.password_hash is None
    assert settings.checklists_dir == tmp_path
    assert settings.retention().record_months == 36


def test_a_bad_retention_period_is_one_clear_error_where_it_is_used():
    settings = Settings.from_environment({"DATAWALK_RETENTION_PHOTOS_MONTHS": "six"})
    assert settings.database_url is None  # the rest of the app still starts
    with pytest.raises(ValidationError, match="DATAWALK_RETENTION_PHOTOS_MONTHS"):
        settings.retention()


def test_every_variable_is_in_the_readmes_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for name in VARIABLES:
        assert f"`{name}`" in table, name


def test_no_module_but_settings_reads_a_datawalk_variable():
    readers = []
    for path in (ROOT / "datawalk").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ(\.get)?\s*[\[(]\s*[\"']DATAWALK_", text) or re.search(
            r"getenv\(\s*[\"']DATAWALK_", text
        ):
            readers.append(path.relative_to(ROOT).as_posix())
    assert readers == []
    for name in (
        "datawalk/ui/state.py",
        "datawalk/ui/dashboard_view.py",
        "datawalk/ui/trail_view.py",
    ):
        assert "os.environ" not in (ROOT / name).read_text(encoding="utf-8"), name


def test_sign_in_settings_are_read():
    settings = Settings.from_environment(
        {
            "DATAWALK_TRUSTED_PROXIES": "10.0.0.2, 10.0.0.3",
            "DATAWALK_SESSION_SECRET": " shared by both servers ",
            "DATAWALK_SSO_MICROSOFT_TENANTS": "tenant-one, ,tenant-two",
        }
    )
    assert settings.trusted_proxies == "10.0.0.2, 10.0.0.3"
    assert settings.session_secret == "shared by both servers"
    assert settings.sso_microsoft_tenants == {"tenant-one", "tenant-two"}
    unset = Settings.from_environment({})
    assert unset.trusted_proxies is None and unset.session_secret is None
    assert unset.sso_microsoft_tenants == frozenset()
