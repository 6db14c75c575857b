"""Every uploader has its own size limit, the one the intake for its kind of file enforces, and
says it: the widget's cap, its help text and any caption show one number, taken from the core
module that checks that kind. The server's ceiling lets the largest of them through."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from datawalk.checklist.reading import MAX_BYTES as CHECKLIST_MAX_BYTES
from datawalk.floorplan import PLAN_LIMITS
from datawalk.interchange import DEFAULT_MAX_BYTES as BACKUP_MAX_BYTES
from datawalk.privacy.images import PHOTO_LIMITS
from datawalk.samples import load_sample
from datawalk.store import Store
from datawalk.workbook.safety import DEFAULT_LIMITS as WORKBOOK_LIMITS

ROOT = Path(__file__).resolve().parents[2]
# Kind → (page, the uploader's labels, the intake's limit in MB as its own messages count it).
UPLOADERS = {
    "floor plan": ("settings", {"Upload a plan", "Replace the plan"}, PLAN_LIMITS.max_bytes / 1e6),
    "checklist": ("settings", {"Add a checklist (.yaml)"}, CHECKLIST_MAX_BYTES / 1e6),
    "workbook": ("export", {"Edited workbook (.xlsx)"}, WORKBOOK_LIMITS.max_bytes / 1_048_576),
    "backup": ("export", {"JSON backup (.json)"}, BACKUP_MAX_BYTES / 1e6),
    "photo": ("walk", {"Add photos"}, PHOTO_LIMITS.max_bytes / 1e6),
}


@pytest.fixture
def sample(app_db) -> tuple[str, str]:
    """The sample walk and one of its locations (the walk page shows the photo uploader there)."""
    store = Store.open(app_db)
    try:
        audit_id = load_sample(store)
        return audit_id, store.list_locations(audit_id)[0].id
    finally:
        store.close()


def _open(open_page, sample, page: str):
    audit_id, location_id = sample
    params = {"audit": audit_id} | ({"location": location_id} if page == "walk" else {})
    at = open_page(page, **params)
    assert not at.exception
    return at


@pytest.mark.parametrize("kind", list(UPLOADERS))
def test_each_uploader_caps_at_its_intake_limit_and_says_so(open_page, sample, kind) -> None:
    page, labels, intake_mb = UPLOADERS[kind]
    uploaders = [u for u in _open(open_page, sample, page).file_uploader if u.label in labels]
    assert uploaders
    for uploader in uploaders:
        assert uploader.proto.max_upload_size_mb == round(intake_mb)
        assert f"Up to {round(intake_mb)} MB per file." in uploader.help


def test_the_captions_give_the_same_limits(open_page, sample) -> None:
    settings = _open(open_page, sample, "settings")
    captions = " ".join(str(c.value) for c in settings.caption)
    assert f"up to {round(PLAN_LIMITS.max_bytes / 1_000_000)} MB" in captions
    export = _open(open_page, sample, "export")
    captions = " ".join(str(c.value) for c in export.caption)
    assert f"up to {round(BACKUP_MAX_BYTES / 1_000_000)} MB" in captions
    assert f"up to {round(WORKBOOK_LIMITS.max_bytes / 1_048_576)} MB" in captions


def test_the_server_ceiling_lets_the_largest_uploader_through() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    ceiling = config["server"]["maxUploadSize"]
    assert ceiling == max(round(mb) for _, _, mb in UPLOADERS.values())


def test_no_uploader_goes_without_its_own_limit() -> None:
    """Only the shared `limited_uploader` calls st.file_uploader, and always with a limit."""
    callers = []
    for path in sorted((ROOT / "datawalk" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "file_uploader":
                keywords = {keyword.arg for keyword in node.keywords}
                callers.append((path.name, "max_upload_size" in keywords))
    assert callers == [("uploads.py", True)]
