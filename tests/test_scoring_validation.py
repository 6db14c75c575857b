"""A broken `scoring:` section is refused on load, each problem reported as `file:line: ...`.

Every case breaks one line of the shipped checklist's scoring section and expects the loader to
name that line (or, for a missing entry, the line of the mapping that should hold it).
"""

from __future__ import annotations

import pytest

from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist_text
from datawalk.errors import ChecklistError

SOURCE = "uk-schools.yaml"
TEXT = DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8")
SCORING = TEXT.index("\nscoring:\n")


def _break(old: str, new: str) -> tuple[str, int]:
    """Return the text with the first `old` in the scoring section replaced, and its line."""
    at = TEXT.index(old, SCORING)
    return TEXT[:at] + new + TEXT[at + len(old) :], TEXT.count("\n", 0, at) + 1


def _problems(text: str) -> list[str]:
    with pytest.raises(ChecklistError) as info:
        load_checklist_text(text, SOURCE)
    return info.value.problems


CASES = [
    (
        "grid row short",
        "- [1, 1, 2, 2, 3]  # exposure 3",
        "- [1, 1, 2, 2]  # exposure 3",
        "4 cells",
    ),
    ("level missing", "- [1, 2, 3, 4, 4]  # gap 5", "- [1, 2, 3, 4, 5]  # gap 5", "level 5"),
    ("threshold level", "concern_level: 2", "concern_level: 7", "refers to level 7"),
    ("thresholds order", "acceptable_level: 1", "acceptable_level: 3", "below concern_level"),
    ("colour", 'hexcolor: "#F4A259"', 'hexcolor: "orange"', "pattern"),
    ("colour name", "colour: yellow", "colour: amber", "'yellow'"),
    ("colour named twice", "colour: red", "colour: orange", "names two levels"),
    ("predicate", "review_overdue: true", "review_overdu: true", "predicate"),
    ("predicate type", "review_overdue: true", "review_overdue: [1]", "true or"),
    ("place feature", "places: [trip_bag]", "places: [trip_bags]", "'trip_bag'"),
    ("reach after", "reach_after: [dsl]", "reach_after: [dls]", "'dsl'"),
    ("must reach", "must_reach: [office, teaching_staff]", "must_reach: [ofice]", "'office'"),
    ("information class", "information_in: [sen]", "information_in: [send]", "'sen'"),
    ("class category", "categories: [sen_ehcp, sen_pupil_passport]", "categories: [sen]", "'sen'"),
    ("feature place", "location_types: [trip_bag, minibus]", "location_types: [bus]", "'bus'"),
    ("audience", "missing_includes: [supply]", "missing_includes: [suply]", "'supply'"),
    ("category", "categories_any: [cashless_till]", "categories_any: [till]", "unknown id"),
    ("format", "format_in: [printout_email]", "format_in: [printout]", "unknown id 'printout'"),
    ("control", "control_present: [locked_container]", "control_present: [safe]", "'safe'"),
    ("classification", "[proportionate]}", "[fine]}", "unknown id 'fine'"),
    ("reach", "reach_slower_than: within_5_minutes", "reach_slower_than: soon", "'soon'"),
    ("ids not a list", "format_in: [printout_email]", "format_in: printout_email", "list"),
    ("effect", "effect: secure", "effect: lock", "remove"),
    ("guard", "blocks: [remove_name, remove]", "blocks: []", "effects it blocks"),
    ("duplicate rule", "- id: coded_printing", "- id: tell_parents", "duplicate rule id"),
    ("need value", "planned: 1}", "planned: 9}", "1 to 5"),
    ("need severity", "serious: {under_5_min", "seriuos: {under_5_min", "unknown severity"),
    ("coefficient", "breadth: 0.5", "breadth: -0.5", "greater than or equal"),
    ("unknown coefficient", "intercept: 0", "intercep: 0", "unknown field"),
    ("priority", "urgent_need: 5", "urgent_need: 6", "less than or equal"),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_scoring_names_file_and_line(old: str, new: str, message: str) -> None:
    text, line = _break(old, new)
    problems = _problems(text)
    assert any(p.startswith(f"{SOURCE}:{line}:") and message in p for p in problems), problems


def test_a_level_without_a_colour_name_is_reported_on_the_level() -> None:
    text, _ = _break("      colour: yellow\n", "")
    line = TEXT.count("\n", 0, TEXT.index("    - id: medium", SCORING)) + 1
    problems = _problems(text)
    assert any(p.startswith(f"{SOURCE}:{line}:") and "needs `colour`" in p for p in problems), (
        problems
    )


def test_a_missing_grid_row_is_reported_on_the_grid() -> None:
    text, _ = _break("    - [1, 2, 2, 3, 3]  # gap 4\n", "")
    line = TEXT.count("\n", 0, TEXT.index("  safeguarding_grid:", SCORING) + 1) + 1
    problems = _problems(text)
    assert any(p.startswith(f"{SOURCE}:{line}:") and "5 rows" in p for p in problems), problems


def test_a_missing_need_value_is_reported_on_its_severity() -> None:
    text, line = _break(
        "routine: {under_5_min: 3, same_session: 2, planned: 1}",
        "routine: {under_5_min: 3, same_session: 2}",
    )
    problems = _problems(text)
    assert any(p.startswith(f"{SOURCE}:{line}:") and "'planned'" in p for p in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    text, first = _break("concern_level: 2", "concern_level: 7")
    at = text.index("missing_includes: [supply]", SCORING)
    text = text[:at] + "missing_includes: [suply]" + text[at + len("missing_includes: [supply]") :]
    second = text.count("\n", 0, at) + 1
    problems = _problems(text)
    assert any(p.startswith(f"{SOURCE}:{first}:") for p in problems)
    assert any(p.startswith(f"{SOURCE}:{second}:") for p in problems)


def test_the_shipped_scoring_section_is_clean() -> None:
    assert load_checklist_text(TEXT, SOURCE).scoring is not None


def test_action_due_day_bands_are_part_of_the_checklist_and_checked() -> None:
    assert load_checklist_text(TEXT, SOURCE).scoring.priority.due_days[0].days == 7
    text, line = _break("{min_priority: 100, days: 7}", "{min_priority: 100, days: -7}")
    problems = _problems(text)
    assert any(p.startswith(f"{SOURCE}:{line}:") and "days" in p for p in problems), problems
