"""Adding a checklist to the library: newer versions only, no silent same-version edits, identical
uploads change nothing, bad or hostile files are refused with file:line and leave the directory
exactly as it was, and the file is named from the checklist id, never from the upload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datawalk.checklist import available_checklists, install_checklist, load_checklist
from datawalk.checklist.library import plan_install, read_upload
from datawalk.errors import ChecklistError

DATA = Path(__file__).parent / "data" / "checklists"
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def _version(text: str, version: int) -> str:
    changed, count = re.subn(r"(?m)^version: \d+$", f"version: {version}", text)
    assert count == 1
    return changed


def _renamed(text: str, name: str) -> str:
    return text.replace("name: Tiny test school", f"name: {name}", 1)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library directory already holding tiny_school v3."""
    directory = tmp_path / "checklists"
    install_checklist(_version(MINIMAL, 3), "tiny.yaml", directory)
    return directory


def test_installs_a_new_checklist_under_a_name_from_its_id(tmp_path: Path) -> None:
    directory = tmp_path / "library"
    checklist = install_checklist(MINIMAL, "../../evil name;rm -rf.yaml", directory)
    assert [p.name for p in directory.iterdir()] == [f"{checklist.id}-v1.yaml"]
    assert load_checklist(directory / "tiny_school-v1.yaml") == checklist
    assert [(c.id, c.version) for c in available_checklists(directory)] == [("tiny_school", 1)]
    assert not (tmp_path / "evil name;rm -rf.yaml").exists()


def test_a_newer_version_is_added_beside_the_installed_one(library: Path) -> None:
    newer = install_checklist(_renamed(_version(MINIMAL, 4), "Tiny school, revised"), "x", library)
    assert newer.version == 4
    assert [c.version for c in available_checklists(library)] == [3, 4]


def test_a_lower_version_is_refused_and_changes_nothing(library: Path) -> None:
    before = _snapshot(library)
    with pytest.raises(ChecklistError) as refused:
        install_checklist(_version(MINIMAL, 1), "old.yaml", library)
    assert refused.value.problems == [
        "old.yaml: tiny_school v1 is older than the installed v3; "
        "the library only takes newer versions"
    ]
    assert _snapshot(library) == before


def test_the_same_version_with_other_content_is_refused(library: Path) -> None:
    before = _snapshot(library)
    edited = _renamed(_version(MINIMAL, 3), "Tiny school, quietly edited")
    with pytest.raises(ChecklistError) as refused:
        install_checklist(edited, "edited.yaml", library)
    (problem,) = refused.value.problems
    assert problem.startswith("edited.yaml: tiny_school v3 is already installed")
    assert "bump the version" in problem
    assert _snapshot(library) == before


def test_identical_content_is_a_no_op_even_when_reformatted(library: Path) -> None:
    before = _snapshot(library)
    reformatted = "# a comment the hash ignores\n" + _version(MINIMAL, 3)
    assert plan_install(reformatted, "again.yaml", library).unchanged
    checklist = install_checklist(reformatted, "again.yaml", library)
    assert (checklist.id, checklist.version) == ("tiny_school", 3)
    assert _snapshot(library) == before


def test_invalid_yaml_is_refused_with_file_and_line(library: Path) -> None:
    before = _snapshot(library)
    broken = (DATA / "bad_syntax.yaml").read_text(encoding="utf-8")
    with pytest.raises(ChecklistError) as refused:
        install_checklist(broken, "broken.yaml", library)
    expected = next(n for n, line in enumerate(broken.splitlines(), 1) if "# expect:" in line)
    assert any(p.startswith(f"broken.yaml:{expected}: ") for p in refused.value.problems)
    assert _snapshot(library) == before


def test_schema_problems_are_all_reported_with_lines(library: Path) -> None:
    broken = _version(MINIMAL, 5).replace("sensitivity: 4", "sensitivity: 9", 1)
    broken = broken.replace("primary: England", "primary: [England]", 1)
    with pytest.raises(ChecklistError) as refused:
        install_checklist(broken, "schema.yaml", library)
    problems = refused.value.problems
    assert len(problems) == 2
    assert all(re.match(r"schema\.yaml:\d+: ", p) for p in problems)
    assert [c.version for c in available_checklists(library)] == [3]


def test_an_alias_bomb_is_refused_before_it_is_built(library: Path) -> None:
    before = _snapshot(library)
    with pytest.raises(ChecklistError) as refused:
        install_checklist((DATA / "bad_alias_bomb.yaml").read_text(encoding="utf-8"), "b", library)
    assert all("anchors and aliases are not allowed" in p for p in refused.value.problems)
    assert _snapshot(library) == before


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        (b"id: caf\xe9\n", "not UTF-8"),
    ],
)
def test_binary_uploads_are_refused(library: Path, data: bytes, why: str) -> None:
    before = _snapshot(library)
    with pytest.raises(ChecklistError) as refused:
        install_checklist(read_upload(data, "picture.yaml"), "picture.yaml", library)
    (problem,) = refused.value.problems
    assert problem.startswith("picture.yaml:") and why in problem
    with pytest.raises(ChecklistError):
        install_checklist(MINIMAL.replace("Tiny", "Ti\x00ny"), "nul.yaml", library)
    assert _snapshot(library) == before


def test_the_uploaded_name_is_shown_but_never_used_as_a_path(library: Path) -> None:
    with pytest.raises(ChecklistError) as refused:
        install_checklist("id: [", "C:\\Users\\me\\..\\bad\nname.yaml", library)
    assert refused.value.problems[0].startswith("badname.yaml:")


def test_a_broken_library_refuses_installs_until_mended(library: Path) -> None:
    (library / "zz.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(ChecklistError) as refused:
        install_checklist(_version(MINIMAL, 7), "new.yaml", library)
    assert "the installed library has problems" in refused.value.problems[0]
    assert not (library / "tiny_school-v7.yaml").exists()


def test_a_foreign_file_under_the_target_name_is_never_overwritten(library: Path) -> None:
    other = _renamed(MINIMAL, "Another").replace("id: tiny_school", "id: another_school", 1)
    (library / "tiny_school-v8.yaml").write_text(other, encoding="utf-8")
    before = _snapshot(library)
    with pytest.raises(ChecklistError, match="already holds another checklist"):
        install_checklist(_version(MINIMAL, 8), "new.yaml", library)
    assert _snapshot(library) == before


def test_no_temporary_file_is_left_behind(library: Path) -> None:
    install_checklist(_version(MINIMAL, 9), "new.yaml", library)
    assert sorted(p.name for p in library.iterdir()) == [
        "tiny_school-v3.yaml",
        "tiny_school-v9.yaml",
    ]
