"""The checklist library: every shipped file loads, every kind of bad file is refused with its
file and line, and the vocabulary helpers (containment, defaults, templates, pins) behave."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import datawalk.checklist as checklist_module
from datawalk.checklist import (
    CHECKLISTS_DIR,
    DEFAULT_CHECKLIST_PATH,
    available_checklists,
    checklist_from_pin,
    content_hash,
    default_needed_by,
    expand_audiences,
    finding_from_template,
    leaf_audiences,
    load_checklist,
    load_checklist_text,
    pin_checklist,
    validate_files,
)
from datawalk.checklist.reading import MAX_BYTES
from datawalk.errors import ChecklistError, ValidationError
from datawalk.models import PinnedChecklist
from datawalk.validation import validate_finding
from datawalk.vocabulary import Audience, Checklist

DATA = Path(__file__).parent / "data" / "checklists"
MINIMAL = DATA / "minimal.yaml"
BAD_FILES = sorted(DATA.glob("bad_*.yaml"))
LIBRARY = sorted(CHECKLISTS_DIR.glob("*.yaml"))
UK = load_checklist(DEFAULT_CHECKLIST_PATH)


def _expected(path: Path) -> list[tuple[int, str]]:
    """The `# expect: TEXT` markers of a fixture, as (line, text)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        (n, line.split("# expect:", 1)[1].strip())
        for n, line in enumerate(lines, 1)
        if "# expect:" in line
    ]


def _problems(source: Path | str, text: str | None = None) -> list[str]:
    with pytest.raises(ChecklistError) as info:
        if text is None:
            load_checklist(source)
        else:
            load_checklist_text(text, str(source))
    return info.value.problems


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# --- the shipped library ------------------------------------------------------------------------


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_library_checklist_loads_and_validates_clean(path: Path) -> None:
    assert isinstance(load_checklist(path), Checklist)
    assert validate_files([path]) == []


def test_available_checklists_lists_the_library() -> None:
    found = {(c.id, c.version) for c in available_checklists()}
    assert found == {(load_checklist(p).id, load_checklist(p).version) for p in LIBRARY}
    assert (UK.id, UK.version) in found


def test_minimal_fixture_is_valid_so_each_bad_variant_fails_only_for_its_edits() -> None:
    assert load_checklist(MINIMAL).id == "tiny_school"


# --- bad files: every problem, each on its line --------------------------------------------------


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_file_reports_every_problem_on_its_line(path: Path) -> None:
    expected = _expected(path)
    problems = _problems(path)
    assert len(problems) == len(expected), problems
    for line, text in expected:
        assert any(p.startswith(f"{path}:{line}: ") and text in p for p in problems), (
            line,
            text,
            problems,
        )


def test_problems_in_different_sections_are_all_reported() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("version: 1", "version: one").replace(
        "needed_by: [dsl]", "needed_by: [dls]"
    )
    problems = _problems("mixed.yaml", text)
    assert [p.split(":")[1] for p in problems] == [
        str(_line_of(text, "version: one")),
        str(_line_of(text, "needed_by: [dls]")),
    ]


def test_nul_byte_is_refused_as_binary_with_its_line(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    line = _line_of(text, "objects:")
    data = text.replace("objects:", "obj\x00ects:").encode()
    path = tmp_path / "nul.yaml"
    path.write_bytes(data)
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:{line}: ") and "not a text file" in problem


def test_invalid_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    line = _line_of(text, "name: Kitchen")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(text.replace("name: Kitchen", "name: Kitchen café").encode("latin-1"))
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:{line}: ") and "not UTF-8" in problem


def test_image_file_is_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    path.write_bytes(data)
    [problem] = _problems(path)
    line = data.count(b"\n", 0, data.index(b"\x00")) + 1
    assert problem.startswith(f"{path}:{line}: ") and "not a text file" in problem


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    # Broken YAML after the cap: a parser would complain about syntax, the size check comes first.
    path.write_text("a: [\n" + "# padding\n" * (MAX_BYTES // 10 + 1), encoding="utf-8")
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:1: ") and "larger than" in problem
    [problem] = _problems("huge-text", "x" * (MAX_BYTES + 1))
    assert "larger than" in problem


def test_single_anchor_and_alias_in_an_otherwise_valid_file_are_refused() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("needed_by: [staff]", "needed_by: &needers [staff]")
    text = text.replace("needed_by: [dsl]", "needed_by: *needers")
    problems = _problems("alias.yaml", text)
    assert [int(p.split(":")[1]) for p in problems] == [
        _line_of(text, "&needers"),
        _line_of(text, "*needers"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("a: 1\n---\nb: 2\n", "YAML syntax error"),
        ("a: " + "[" * 200 + "]" * 200 + "\n", "nested deeper than"),
        ("- just\n- a list\n", "valid dictionary"),
        ("a: !!python/object/apply:os.system [echo unsafe]\n", "unsupported YAML"),
    ],
    ids=["empty", "comment-only", "two-documents", "deep", "list", "python-tag"],
)
def test_other_unreadable_documents_name_the_source_and_a_line(text: str, message: str) -> None:
    problems = _problems("odd.yaml", text)
    assert problems and all(re.match(r"odd\.yaml:\d+: ", p) for p in problems)
    assert any(message in p for p in problems), problems


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    [problem] = _problems(path)
    assert problem.startswith(str(path)) and "cannot read" in problem


_YAML_BITS = st.text(alphabet=":-[]{}&*!#'\"|>\n ,?%@`ab1", max_size=8)


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0), cut=st.integers(0, 12), insert=_YAML_BITS)
def test_any_edit_either_loads_or_fails_with_file_and_line(
    position: int, cut: int, insert: str
) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    position %= len(text) + 1
    edited = text[:position] + insert + text[position + cut :]
    try:
        load_checklist_text(edited, "edit.yaml")
    except ChecklistError as exc:
        last_line = edited.count("\n") + 1
        for problem in exc.problems:
            match = re.match(r"edit\.yaml:(\d+): \S", problem)
            assert match and 1 <= int(match.group(1)) <= last_line, problem


# --- the cross-checks and the CLI entry ---------------------------------------------------------


def test_a_cross_checks_path_is_resolved_to_a_line(monkeypatch) -> None:
    def poster_needs_help(checklist: Checklist):
        return (
            [(("objects", "formats", 0, "help"), "needs help text")]
            if checklist.objects.formats
            else []
        )

    monkeypatch.setattr(checklist_module, "cross_checks", lambda: [poster_needs_help])
    text = MINIMAL.read_text(encoding="utf-8")
    [problem] = _problems(MINIMAL)
    assert (
        problem
        == f"{MINIMAL}:{_line_of(text, 'id: poster')}: objects.formats[0].help: needs help text"
    )


def test_every_load_runs_the_object_and_the_scoring_checks() -> None:
    from datawalk.checklist.checks import OBJECT_CHECKS
    from datawalk.scoring.config import check_scoring

    assert checklist_module.cross_checks() == [*OBJECT_CHECKS, check_scoring]


def test_validate_files_reports_only_the_bad_files_and_expands_directories(tmp_path: Path) -> None:
    bad = DATA / "bad_flags.yaml"
    assert validate_files([MINIMAL, bad]) == _problems(bad)
    (tmp_path / "a.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yml").write_text("a: [", encoding="utf-8")
    problems = validate_files([tmp_path])
    assert problems and all(p.startswith(str(tmp_path / "b.yml")) for p in problems)


def test_available_checklists_orders_versions_and_refuses_a_broken_library(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(text.replace("version: 1", "version: 2"), encoding="utf-8")
    (tmp_path / "v1.yaml").write_text(text, encoding="utf-8")
    assert [c.version for c in available_checklists(tmp_path)] == [1, 2]
    (tmp_path / "zz.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(ChecklistError):
        available_checklists(tmp_path)


# --- pins and hashes --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*LIBRARY, MINIMAL], ids=lambda p: p.name)
def test_pin_round_trip_keeps_the_checklist_and_its_hash(path: Path) -> None:
    checklist = load_checklist(path)
    pin = pin_checklist(checklist)
    stored = PinnedChecklist.model_validate_json(pin.model_dump_json())
    assert checklist_from_pin(stored) == checklist
    assert (
        content_hash(stored.content)
        == pin.content_hash
        == pin_checklist(checklist_from_pin(stored)).content_hash
    )


def test_hash_ignores_formatting_but_not_content() -> None:
    reformatted = yaml.safe_dump(UK.model_dump(mode="json"), sort_keys=True, width=60)
    assert (
        pin_checklist(load_checklist_text(reformatted, "re.yaml")).content_hash
        == pin_checklist(UK).content_hash
    )
    edited = UK.model_copy(update={"description": UK.description + " Edited."})
    assert pin_checklist(edited).content_hash != pin_checklist(UK).content_hash


def test_tampered_pin_is_refused() -> None:
    pin = pin_checklist(UK)
    content = {**pin.content, "name": "Someone else's checklist"}
    with pytest.raises(ChecklistError, match="does not match its hash"):
        checklist_from_pin(pin.model_copy(update={"content": content}))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


def _reversed_keys(value):
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=6))
def test_content_hash_does_not_depend_on_key_order(content: dict) -> None:
    assert content_hash(content) == content_hash(_reversed_keys(content))
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(content))


# --- audiences, defaults and templates -----------------------------------------------------------


def test_all_staff_expands_to_its_roles_and_the_roles_cover_all_staff() -> None:
    group = next(a for a in UK.objects.audiences if a.id == "all_staff")
    expanded = expand_audiences(UK, ["all_staff"])
    assert expanded == {"all_staff", *group.contains}
    assert expand_audiences(UK, group.contains) == expanded
    assert "all_staff" not in expand_audiences(UK, ["catering"])


def test_excess_of_all_staff_over_catering_is_the_other_roles_not_all_staff() -> None:
    excess = leaf_audiences(UK, ["all_staff"]) - leaf_audiences(UK, ["catering"])
    covered = expand_audiences(UK, excess)
    assert "catering" not in covered and "all_staff" not in covered
    assert {"supply", "midday"} <= covered


@st.composite
def _audience_dags(draw) -> tuple[Checklist, list[str]]:
    size = draw(st.integers(1, 8))
    audiences = [
        Audience(
            id=f"a{i}",
            name=f"A{i}",
            breadth=1,
            need_weight=1,
            contains=sorted(
                draw(st.sets(st.sampled_from([f"a{j}" for j in range(i)]))) if i else []
            ),
        )
        for i in range(size)
    ]
    objects = UK.objects.model_copy(update={"audiences": audiences})
    return UK.model_copy(update={"objects": objects}), [a.id for a in audiences]


@given(data=st.data(), dag=_audience_dags())
def test_expansion_is_closed_monotone_and_determined_by_leaves(data, dag) -> None:
    checklist, ids = dag
    small = data.draw(st.sets(st.sampled_from(ids)))
    large = small | data.draw(st.sets(st.sampled_from(ids)))
    expanded = expand_audiences(checklist, small)
    assert small <= expanded
    assert expand_audiences(checklist, expanded) == expanded
    assert expanded <= expand_audiences(checklist, large)
    assert expand_audiences(checklist, leaf_audiences(checklist, small)) == expanded


@given(st.sets(st.sampled_from([c.id for c in UK.objects.data_categories])))
def test_default_needed_by_is_the_union_of_category_defaults(category_ids: set[str]) -> None:
    needed = default_needed_by(UK, sorted(category_ids))
    union = {a for c in UK.objects.data_categories if c.id in category_ids for a in c.needed_by}
    assert needed == sorted(union)
    assert default_needed_by(UK, [*category_ids, "not_a_category"]) == needed


@pytest.mark.parametrize("path", [*LIBRARY, MINIMAL], ids=lambda p: p.name)
def test_every_template_gives_a_valid_finding(path: Path) -> None:
    checklist = load_checklist(path)
    for template in checklist.objects.templates:
        finding = finding_from_template(checklist, template.id, "audit-0001", "location-01")
        validate_finding(finding, checklist)
        expected_needers = template.finding.needed_by
        if expected_needers is None:
            expected_needers = default_needed_by(checklist, template.finding.categories)
        assert finding.needed_by == sorted(set(expected_needers))
        assert finding.template_id == template.id and finding.reach.value == template.finding.reach
        assert template.finding.notes in (finding.notes, finding.good_practice_note)


def test_unknown_template_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        finding_from_template(UK, "no_such_template", "audit-0001", "location-01")
    assert info.value.field == "template_id"


def test_a_syntax_error_at_the_end_names_the_last_line() -> None:
    with pytest.raises(ChecklistError) as caught:
        load_checklist_text("id: x\nname: [a, b\n", "end.yaml")

    assert caught.value.problems[0].startswith("end.yaml:2: YAML syntax error")


def test_a_stored_pin_is_parsed_once_per_content_hash(checklist):
    from datawalk.checklist import checklist_of_stored_pin, pin_checklist

    first = checklist_of_stored_pin(pin_checklist(checklist))
    again = checklist_of_stored_pin(pin_checklist(checklist))
    assert first is again and first == checklist
