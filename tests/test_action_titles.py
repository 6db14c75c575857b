"""Action titles: short, complete, naming the place and the specific step; and the plan's rank.

The sample walk is the acceptance case: every default action's title names its location, is at
most 90 characters, is never cut mid-word, and differs from every other action's title in its
step, not only in its place or reference.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from datawalk.action_titles import (
    TITLE_LIMIT,
    Item,
    Title,
    distinct_titles,
    item_names,
    short_name,
    step_text,
    title_options,
)
from datawalk.actions import default_actions, describe_actions
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, load_checklist, pin_checklist
from datawalk.samples import sample_document
from datawalk.scored_table import rank_findings, rank_label, rank_total, scored_table
from datawalk.scoring import score_findings

WORD = re.compile(r"[\w'’-]+")


@pytest.fixture(scope="module")
def sample():
    """The fictional sample walk scored with the bundled checklist (the one a new walk pins),
    and its scored table."""
    doc = sample_document()
    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    doc = doc.model_copy(
        update={"audit": doc.audit.model_copy(update={"checklist": pin_checklist(checklist)})}
    )
    table = scored_table(doc.audit, doc.findings, doc.locations, checklist)
    return doc, checklist, table


@pytest.fixture(scope="module")
def plan(sample):
    """The sample walk's default actions as the plan shows them."""
    doc, checklist, table = sample
    scored = score_findings(doc.findings, checklist, doc.audit.walk_at.date())
    actions = default_actions(doc.audit, doc.findings, scored, checklist)
    return describe_actions(actions, table, date(2025, 1, 1))


def _source_words(doc, checklist) -> set[str]:
    """Every whole word a title may use: places, rule steps and actions, vocabulary labels."""
    texts = [location.name for location in doc.locations]
    texts += [f"{rule.step} {rule.action}" for rule in checklist.scoring.rules]
    texts += [term.name for term in checklist.objects.data_categories]
    texts += [term.name for term in checklist.objects.formats]
    texts += ["the"]
    return {word.casefold() for text in texts for word in WORD.findall(text)}


def test_sample_plan_titles_name_the_place_fit_and_are_whole(sample, plan):
    doc, checklist, _ = sample
    words = _source_words(doc, checklist)
    assert len(plan) > 10
    for view in plan:
        places = view.locations.split(", ")
        assert any(view.title.startswith(f"{place}: ") for place in places), view.title
        assert len(view.title) <= TITLE_LIMIT, view.title
        assert not view.title.endswith(("…", ",", " ")), view.title
        # Never cut mid-word: every word is a whole word of the texts it is built from.
        used = {w.casefold().removesuffix("'s") for w in WORD.findall(view.title)}
        assert used <= words, view.title


def test_sample_plan_titles_differ_in_their_step(plan):
    steps = [view.title.split(": ", 1)[1] for view in plan]
    clashes = sorted({step for step in steps if steps.count(step) > 1})
    assert not clashes, clashes


def test_sample_plan_is_in_rank_order_with_a_rank_each(sample, plan):
    _, _, table = sample
    ranks = [view.rank for view in plan]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert {view.ranked for view in plan} == {rank_total(table)}


def test_rank_ties_go_to_safeguarding_then_privacy_then_reference():
    frame = pd.DataFrame(
        {
            "reference": ["F-4", "F-3", "F-2", "F-1", "F-5", "F-6"],
            "priority": [50.0, 50.0, 50.0, 50.0, 60.0, 90.0],
            "safeguarding_index": [1, 2, 2, 2, 0, 4],
            "privacy_index": [4, 1, 3, 3, 0, 4],
            "classification": ["both"] * 5 + ["proportionate"],
        }
    )
    ranks = rank_findings(frame).tolist()
    # F-5 has the highest priority needing action; F-2 and F-1 tie on all levels: F-1 first;
    # F-3 has a lower privacy level; F-4 the lowest safeguarding level; F-6 needs no action.
    assert ranks[:5] == [5, 4, 3, 2, 1]
    assert pd.isna(ranks[5])
    assert [rank_label(rank, 5) for rank in ranks] == [
        "5 of 5",
        "4 of 5",
        "3 of 5",
        "2 of 5",
        "1 of 5",
        "No action",
    ]


def test_rank_does_not_depend_on_row_order():
    frame = pd.DataFrame(
        {
            "reference": ["F-1", "F-2", "F-3"],
            "priority": [40.0, 40.0, 40.0],
            "safeguarding_index": [2, 2, 2],
            "privacy_index": [2, 2, 2],
            "classification": ["both"] * 3,
        }
    )
    shuffled = frame.iloc[[2, 0, 1]]
    assert rank_findings(frame).tolist() == [1, 2, 3]
    assert rank_findings(shuffled).tolist() == [3, 1, 2]


def test_short_names_keep_the_head_words_and_acronyms():
    assert short_name("Cover (supply) pack") == "cover pack"
    assert short_name("SEN support and EHCP") == "SEN support"
    assert short_name("Food allergy or intolerance") == "food allergy"
    assert short_name("Child protection, safeguarding and looked-after status") == (
        "child protection"
    )


def test_items_name_the_finding_most_specific_first():
    items = item_names(["Food allergy or intolerance", "Emergency contacts"], "List")
    assert [item.name for item in items] == [
        "food allergy and emergency contacts list",
        "food allergy list",
        "emergency contacts list",
    ]
    assert items[1].what == "food allergy"
    assert item_names([], "Poster or wall display") == [Item("poster", "poster")]


def test_a_rule_step_names_what_it_is_about():
    item = Item("anaphylaxis", "anaphylaxis cover pack")
    title = title_options("Rowan class", "add the {what} alert sheet to the cover pack", "", [item])
    assert str(title[0]) == "Rowan class: add the anaphylaxis alert sheet to the cover pack"


def test_a_rule_step_names_the_item():
    step = "move the {item} inside the staff-only cupboard"
    item = Item("medical conditions", "medical conditions list")
    title = title_options("Staff room", step, "ignored", [item])[0]
    expected = "Staff room: move the medical conditions list inside the staff-only cupboard"
    assert str(title) == expected


def test_without_a_step_the_first_sentence_names_the_item_for_it():
    action = "Update it now from the current register (add new pupils), date it. Then more."
    assert step_text("", action, Item("allergy", "allergy list")) == (
        "update the allergy list now from the current register, date it"
    )


def test_a_long_step_ends_at_a_clause_or_a_whole_word_never_mid_word():
    long_place = "Upper corridor first-aid point"
    action = (
        "Keep spare AAIs where staff can reach them; never lock them away, keep the register of "
        "pupils with them and check the expiry dates every half term without fail"
    )
    clause = title_options(long_place, "", action, [Item("AAI", "AAI box")])[0]
    assert str(clause) == f"{long_place}: keep spare AAIs where staff can reach them"
    words = "Supercalifragilistic " * 8
    cut = str(title_options(long_place, "", words, [])[0])
    assert len(cut) <= TITLE_LIMIT and cut.endswith("Supercalifragilistic…")


def test_distinct_titles_give_a_clashing_action_its_next_wording():
    first = [Title("Medical room", "move the anaphylaxis poster")]
    second = [
        Title("Servery", "move the anaphylaxis poster"),
        Title("Servery", "move the food allergy poster"),
    ]
    assert distinct_titles([first, second]) == [first[0], second[1]]


def test_every_bundled_rule_has_a_short_step_naming_its_item():
    """A rule without a step falls back to its action's first sentence, which may not fit: the
    bundled checklist gives every recommending rule one, with only the known placeholders."""
    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    item = Item("anaphylaxis and emergency contacts", "anaphylaxis and emergency contacts list")
    for rule in checklist.scoring.rules:
        if rule.guard:
            continue
        assert rule.step.strip(), f"{rule.id} has no step"
        text = step_text(rule.step, rule.action, item)
        assert "{" not in text and "}" not in text, rule.id
        assert "{item}" in rule.step or "{what}" in rule.step, rule.id
