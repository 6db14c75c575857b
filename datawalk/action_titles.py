"""What an action is called on the plan: "Staff room: move the medical conditions list inside the
staff-only cupboard". A title names the place and the specific step, fits in 90 characters and
is never cut mid-word, so six actions never read the same and a leader can scan the plan.

The step comes from the finding's first recommendation: the rule's short `step` from the
checklist, with `{item}` replaced by what the finding is (its categories and format in a few
words: "anaphylaxis poster") and `{what}` by what it is about ("anaphylaxis"). A rule without a
`step` gives the first sentence of its action text. Pure text: no streamlit, no store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

TITLE_LIMIT = 90
_ELLIPSIS = "…"
# A label is cut to its head noun phrase: "Food allergy or intolerance" -> "food allergy".
_LABEL_CUT = re.compile(r",|;| or | and | on | with ")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
# Where a long sentence may end early and still read as a whole step, best first.
_CLAUSE_BREAKS = ("; ", ": ", " — ", ", but ", ", and ", " so ")
_IT = re.compile(r"\bit\b")


class Title(NamedTuple):
    """An action's title in its two parts: the place, and the step taken there."""

    place: str
    step: str

    def __str__(self) -> str:
        return f"{self.place}: {self.step}"


def short_name(label: str) -> str:
    """Return a vocabulary label's head words in running text: "Cover (supply) pack" -> "cover
    pack", "SEN support and EHCP" -> "SEN support"."""
    text = _PARENTHESES.sub("", label)
    text = _LABEL_CUT.split(text, maxsplit=1)[0].strip() or label.strip()
    return " ".join(_in_sentence(word) for word in text.split())


class Item(NamedTuple):
    """What a finding is, in a few words: `what` it is about ("anaphylaxis") and its `name`
    with the format ("anaphylaxis poster"); a rule's step uses `{what}` or `{item}`."""

    what: str
    name: str


def item_names(categories: Sequence[str], format_label: str) -> list[Item]:
    """Return ways to name what a finding is, most specific first: all its categories' short
    names ("anaphylaxis and food allergy poster"), then fewer, then each alone, so a long title
    still fits and two findings can differ. Never the finding's own title: a template names the
    problem there ("Allergy poster faces pupils"), which reads wrongly inside a step."""
    thing = short_name(format_label) if format_label else "information"
    names = list(dict.fromkeys(short_name(label) for label in categories if label.strip()))
    groups = [names[:count] for count in range(len(names), 1, -1)] + [[name] for name in names]
    whats = list(dict.fromkeys(_joined(group) for group in groups))
    return [Item(what, f"{what} {thing}") for what in whats] or [Item(thing, thing)]


def step_text(step: str, action: str, item: Item) -> str:
    """Return the step in running text: the rule's `step` with `{item}` and `{what}` filled in,
    or, for a rule without one, the first sentence of its action text with its first "it"
    naming the item."""
    if step.strip():
        text = step.replace("{item}", item.name).replace("{what}", item.what)
        return _lower_first(" ".join(text.split()))
    sentence = re.split(r"(?<=[.!?])\s", " ".join(action.split()), maxsplit=1)[0]
    sentence = _PARENTHESES.sub("", sentence).rstrip(".!? ")
    return _lower_first(_IT.sub(f"the {item.name}", sentence, count=1))


def title_options(location: str, step: str, action: str, items: Sequence[Item]) -> list[Title]:
    """Return every way to title this action within `TITLE_LIMIT`, best first: one per item that
    fits (the most specific first). When none fits, the step ends at a clause break, and only as
    a last resort at a word, marked with an ellipsis."""
    place = " ".join(location.split()) or "Unplaced"
    fallback = [Item("information", "information")]
    steps = list(dict.fromkeys(step_text(step, action, item) for item in items or fallback))
    fitting = [Title(place, text) for text in steps if _fits(place, text)]
    if fitting:
        return fitting
    budget = TITLE_LIMIT - len(place) - 2
    shortest = min(steps, key=len)
    return [Title(place, _clause_within(shortest, budget) or _words_within(shortest, budget))]


def distinct_titles(options: Sequence[Sequence[Title]]) -> list[Title]:
    """Return one title per action, each the best of its options whose step no earlier action
    already uses, so two actions never differ only by place (the first option when all clash)."""
    chosen: list[Title] = []
    steps_taken = {choices[0].step for choices in options if len(choices) == 1}
    for choices in options:
        title = next((t for t in choices if t.step not in steps_taken), choices[0])
        steps_taken.add(title.step)
        chosen.append(title)
    return chosen


def _fits(place: str, step: str) -> bool:
    return len(place) + 2 + len(step) <= TITLE_LIMIT


def _clause_within(text: str, budget: int) -> str:
    """The longest leading clause of `text` that fits, or "" when none does."""
    for separator in _CLAUSE_BREAKS:
        parts = text.split(separator)
        for count in range(len(parts) - 1, 0, -1):
            head = separator.join(parts[:count]).rstrip(",;: ")
            if len(head) <= budget and len(head.split()) >= 3:
                return head
    return ""


def _words_within(text: str, budget: int) -> str:
    """Whole words of `text` up to `budget` characters, ellipsis included."""
    kept: list[str] = []
    for word in text.split():
        if len(" ".join([*kept, word])) + len(_ELLIPSIS) > budget:
            break
        kept.append(word)
    return (" ".join(kept).rstrip(",;:") + _ELLIPSIS) if kept else _ELLIPSIS


def _joined(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _lower_first(text: str) -> str:
    """Lower-case the first word unless it is an acronym or a name ("AAIs", "SEN", "DSL")."""
    first, _, rest = text.partition(" ")
    return f"{_in_sentence(first)} {rest}".strip() if rest else _in_sentence(first)


def _in_sentence(word: str) -> str:
    """A capitalised word in running text: "Poster" -> "poster", "SEN" and "AAIs" unchanged."""
    if len(word) > 1 and any(char.isupper() for char in word[1:]):
        return word
    return word[:1].lower() + word[1:]
