"""The Settings page's "Checklist library" section in AppTest: the installed checklists are listed;
a valid upload is previewed and added to the library only on the button; an invalid one shows
every problem as file:line in a code block and writes nothing. The library directory is a
temporary one (the section's `CHECKLISTS_DIR` is patched)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, available_checklists, load_checklist
from datawalk.ui import settings_checklists

DATA = Path(__file__).resolve().parents[1] / "data" / "checklists"
YAML = "application/x-yaml"
UPLOADER = "checklist_upload_0"


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    """A library directory holding a copy of the bundled UK schools checklist."""
    directory = tmp_path / "checklists"
    directory.mkdir()
    (directory / DEFAULT_CHECKLIST_PATH.name).write_bytes(DEFAULT_CHECKLIST_PATH.read_bytes())
    monkeypatch.setattr(settings_checklists, "CHECKLISTS_DIR", directory)
    return directory


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def _library_tables(at) -> list:
    """The section's tables (installed list first, then any preview), by their columns:
    AppTest finds dataframes by position only."""
    frames = [frame.value for frame in at.dataframe]
    return [frame for frame in frames if {"Id", "Content", "Templates"} <= set(frame.columns)]


def _open(open_page, walk):
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    return at


def test_the_installed_checklists_are_listed(open_page, walk, library):
    at = _open(open_page, walk)
    (table,) = _library_tables(at)
    uk = load_checklist(DEFAULT_CHECKLIST_PATH)
    assert table.to_dict("records") == [
        {
            "Id": uk.id,
            "Name": uk.name,
            "Version": uk.version,
            "Jurisdiction": uk.jurisdiction.primary,
            "Content": walk.audit.checklist.content_hash[:12],
            "Location types": len(uk.objects.location_types),
            "Templates": len(uk.objects.templates),
        }
    ]


def test_a_valid_upload_is_previewed_then_added(open_page, walk, library):
    at = _open(open_page, walk)
    text = (DATA / "minimal.yaml").read_bytes()
    at.file_uploader(key=UPLOADER).set_value([("My Checklist.yaml", text, YAML)]).run()
    assert not at.exception and not at.error
    installed, preview = _library_tables(at)
    assert installed["Id"].tolist() == ["uk_schools"]
    assert preview["Id"].tolist() == ["tiny_school"]
    assert _files(library).keys() == {"uk-schools.yaml"}  # previewing writes nothing

    at.button(key="checklist_install").click().run()
    assert not at.exception and not at.error
    assert _files(library)["tiny_school-v1.yaml"] == text
    assert [c.id for c in available_checklists(library)] == ["tiny_school", "uk_schools"]
    (installed,) = _library_tables(at)
    assert installed["Id"].tolist() == ["tiny_school", "uk_schools"]
    assert any("Added Tiny test school" in str(message.value) for message in at.success)
    assert "checklist_install" not in [button.key for button in at.button]


def test_an_older_version_is_refused_with_its_reason(open_page, walk, library):
    at = _open(open_page, walk)
    uk = DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8")
    newer = re.sub(r"(?m)^version: \d+$", "version: 9", uk, count=1)
    (library / "uk_schools-v9.yaml").write_text(newer, encoding="utf-8")
    before = _files(library)
    older = re.sub(r"(?m)^version: \d+$", "version: 8", uk, count=1).encode()
    at.file_uploader(key=UPLOADER).set_value([("uk.yaml", older, YAML)]).run()
    assert not at.exception
    assert len(at.error) == 1
    (problems,) = [block.value for block in at.code]
    assert "uk.yaml: uk_schools v8 is older than the installed v9" in problems
    assert "checklist_install" not in [button.key for button in at.button]
    assert _files(library) == before


@pytest.mark.parametrize(
    "fixture", ["bad_syntax.yaml", "bad_unknown_ids.yaml", "bad_alias_bomb.yaml"]
)
def test_an_invalid_upload_shows_every_problem_with_its_line(open_page, walk, library, fixture):
    at = _open(open_page, walk)
    before = _files(library)
    data = (DATA / fixture).read_bytes()
    at.file_uploader(key=UPLOADER).set_value([("upload.yaml", data, YAML)]).run()
    assert not at.exception
    (error,) = at.error
    assert "was not added" in str(error.value) and "Nothing was changed" in str(error.value)
    (problems,) = [block.value for block in at.code]
    lines = problems.splitlines()
    expected = {n for n, line in enumerate(data.decode().splitlines(), 1) if "# expect:" in line}
    assert expected and {int(line.split(":")[1]) for line in lines} >= expected
    assert all(re.match(r"upload\.yaml:\d+: ", line) for line in lines)
    assert "checklist_install" not in [button.key for button in at.button]
    assert _files(library) == before


def test_a_binary_upload_is_refused_and_nothing_is_written(open_page, walk, library):
    at = _open(open_page, walk)
    before = _files(library)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    at.file_uploader(key=UPLOADER).set_value([("plan.yaml", png, YAML)]).run()
    assert not at.exception
    assert len(at.error) == 1
    (problems,) = [block.value for block in at.code]
    assert re.match(r"plan\.yaml:\d+: not a text file", problems)
    assert _files(library) == before


def test_an_identical_upload_changes_nothing(open_page, walk, library):
    at = _open(open_page, walk)
    before = _files(library)
    data = b"# the same checklist, another comment\n" + DEFAULT_CHECKLIST_PATH.read_bytes()
    at.file_uploader(key=UPLOADER).set_value([("copy.yaml", data, YAML)]).run()
    assert not at.exception and not at.error
    assert any("already in the library" in str(info.value) for info in at.info)
    assert "checklist_install" not in [button.key for button in at.button]
    assert _files(library) == before
