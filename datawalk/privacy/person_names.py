"""Likely pupil names in free text, with few false alarms on ordinary audit wording.

Audit notes are full of Titlecase words that are not people ("Oak Class", "Staff Room", "Head
Teacher", "St Mary's hall") and of staff named by title ("Mrs Patel's office"), which is fine.
So a name is reported only when it looks like "Given Surname" by the word lists in
`name_words.yaml` (data, so it can be tuned without code), is not introduced by a title or a
saint, and does not name a place ("Mary Seacole House"). Names typed in lower case or with
accents count when both words are listed ("zoë o'brien"). A single forename is reported only
beside a medical condition ("Jo – epileptic"), since alone too many are everyday words. This
module returns spans only; `identifiers.py` makes matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).with_name("name_words.yaml")

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_GAP = re.compile(r"[ \t]+")
_INITIAL = re.compile(r"[ \t]+([A-Z])\.?(?![\w'’])")
_SURNAME_AFTER_INITIAL = re.compile(r"[ \t]+([A-Z][a-z]+(?:['’\-][A-Za-z]+)*)")
_REGISTER_GAP = re.compile(r",[ \t]*")
# Between a forename and its condition: "Jo – epileptic", "Jo: asthma", "Jo (diabetic)", "Jo is
# epileptic", "Jo has asthma".
_CONDITION_GAP = re.compile(
    r"[ \t]*(?:[-–—:(,][ \t]*|(?:is|has|with|needs|-)[ \t]+)?(?:(?:an?|type[ \t]+\d)[ \t]+)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int


@dataclass(frozen=True)
class _Token:
    start: int
    end: int  # excludes a possessive "'s"
    key: str  # lower case, straight apostrophe, possessive removed
    titlecase: bool
    capitals: bool
    possessive: bool


@dataclass(frozen=True)
class _Lists:
    titles: frozenset[str]
    prefixes: frozenset[str]
    places: frozenset[str]
    stop: frozenset[str]
    given: frozenset[str]
    ambiguous: frozenset[str]
    surnames: frozenset[str]
    conditions: frozenset[str]


def find_person_names(text: str) -> list[NameSpan]:
    """Return non-overlapping spans of likely personal names ("Amelia Johnson", "Amelia J.")."""
    lists = _lists()
    tokens = _tokens(text)
    spans: list[NameSpan] = []
    i = 0
    while i < len(tokens):
        end_index = _name_at(text, tokens, i, lists)
        if end_index is not None:
            spans.append(NameSpan(tokens[i].start, tokens[end_index].end))
            i = end_index + 1
            continue
        initial = _given_with_initial(text, tokens, i, lists)
        register = _surname_comma_given(text, tokens, i, lists)
        condition = _forename_by_condition(text, tokens, i, lists)
        for span in (initial, register, condition):
            if span is not None:
                spans.append(span)
        i += 1
    return _non_overlapping(spans)


def _name_at(text: str, tokens: list[_Token], i: int, lists: _Lists) -> int | None:
    """Return the index of the last token of a name starting at token i, or None."""
    first = tokens[i]
    lower = text[first.start].islower()
    second = _next_adjacent(text, tokens, i, any_case=lower)
    if second is None or first.possessive or _after_title(text, tokens, i, lists):
        return None
    a, b = first, tokens[second]
    if a.capitals != b.capitals or a.key in lists.titles or a.key in lists.prefixes:
        return None
    if lower or not (b.titlecase or b.capitals):
        # Typed in lower case ("zoë o'brien"): only a listed forename and a listed surname.
        ok = a.key in lists.given and b.key in lists.surnames
    elif a.capitals:
        # Posters shout names: accept only when both words are listed, to spare acronyms.
        ok = _is_given(a.key, lists) and b.key in lists.surnames
    else:
        ok = a.titlecase and b.titlecase and _looks_like_name(text, a, b, lists)
    if not ok or _names_a_place(text, tokens, second, lists):
        return None
    third = _next_adjacent(text, tokens, second)
    if third is not None and tokens[third].key in lists.surnames:  # "Amelia Rose Johnson"
        return second if _names_a_place(text, tokens, third, lists) else third
    return second


def _looks_like_name(text: str, a: _Token, b: _Token, lists: _Lists) -> bool:
    if _is_given(a.key, lists):
        return b.key in lists.surnames or (b.key not in lists.stop and b.key not in lists.places)
    if a.key in lists.ambiguous:
        return b.key in lists.surnames
    if a.key in lists.stop or a.key in lists.places:
        return False
    # An unlisted first word with a listed surname, unless it opens a sentence (where every
    # word is capitalised anyway and "Supply Smith"-like pairs are rarely names).
    surname = b.key in lists.surnames and b.key not in lists.places
    return surname and not _opens_sentence(text, a.start)


def _is_given(key: str, lists: _Lists) -> bool:
    """Listed given names, including double-barrelled ones by their first part ("Ella-Rose")."""
    return key in lists.given or ("-" in key and key.split("-", 1)[0] in lists.given)


def _names_a_place(text: str, tokens: list[_Token], last: int, lists: _Lists) -> bool:
    """True when the name is followed by a place word: "Mary Seacole House", "... building"."""
    if tokens[last].possessive:
        return False
    following = _next_adjacent(text, tokens, last, any_case=True)
    return following is not None and tokens[following].key in lists.places


def _after_title(text: str, tokens: list[_Token], i: int, lists: _Lists) -> bool:
    """Staff are named by title ("Mrs Amelia Patel") and saints name buildings: both are fine."""
    if i == 0:
        return False
    previous = tokens[i - 1]
    gap = text[previous.end : tokens[i].start]
    titled = previous.key in lists.titles or previous.key in lists.prefixes
    return titled and _GAP.fullmatch(gap.lstrip(".")) is not None


def _given_with_initial(text: str, tokens: list[_Token], i: int, lists: _Lists) -> NameSpan | None:
    token = tokens[i]
    if not token.titlecase or token.possessive or not _is_given(token.key, lists):
        return None
    if _after_title(text, tokens, i, lists):
        return None
    initial = _INITIAL.match(text, token.end)
    if initial is None:
        return None
    surname = _SURNAME_AFTER_INITIAL.match(text, initial.end())
    if surname is not None and surname.group(1).lower() in lists.surnames:
        return NameSpan(token.start, surname.end(1))  # "Amelia J. Johnson"
    return NameSpan(token.start, initial.end())


def _forename_by_condition(
    text: str, tokens: list[_Token], i: int, lists: _Lists
) -> NameSpan | None:
    """A listed forename right before a medical condition: "Jo – epileptic", "Sam: asthma"."""
    token = tokens[i]
    if not token.titlecase or token.key not in lists.given or i + 1 >= len(tokens):
        return None
    if _after_title(text, tokens, i, lists):
        return None
    end = token.end + (2 if token.possessive else 0)
    gap = _CONDITION_GAP.match(text, end)
    following = next((t for t in tokens[i + 1 :] if t.start >= gap.end()), None)
    if following is None or following.start != gap.end():
        return None
    return NameSpan(token.start, token.end) if following.key in lists.conditions else None


def _surname_comma_given(text: str, tokens: list[_Token], i: int, lists: _Lists) -> NameSpan | None:
    """Registers list "Johnson, Amelia": a listed surname, a comma, a listed given name."""
    if i + 1 >= len(tokens):
        return None
    surname, given = tokens[i], tokens[i + 1]
    gap = text[surname.end : given.start]
    if not (surname.titlecase and given.titlecase) or surname.possessive:
        return None
    if surname.key not in lists.surnames or not _is_given(given.key, lists):
        return None
    if not _REGISTER_GAP.fullmatch(gap) or _after_title(text, tokens, i, lists):
        return None
    return NameSpan(surname.start, given.end)


def _next_adjacent(
    text: str, tokens: list[_Token], i: int, *, any_case: bool = False
) -> int | None:
    """Index of the next token if only spaces separate it from token i (no comma or newline)."""
    j = i + 1
    if j >= len(tokens) or tokens[i].possessive:
        return None
    if not _GAP.fullmatch(text[tokens[i].end : tokens[j].start]):
        return None
    if not any_case and not (tokens[j].titlecase or tokens[j].capitals):
        return None
    return j


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t")
    if not before:
        return start < 40
    return before[-1] in '.!?:;\n•*-–("“'


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group()
        possessive = bool(_POSSESSIVE.search(word)) and len(word) > 2
        core = word[:-2] if possessive else word
        letters = [c for c in core if c.isalpha()]
        titlecase = core[0].isupper() and any(c.islower() for c in letters)
        capitals = len(letters) > 1 and all(c.isupper() for c in letters)
        key = _plain(core.lower().replace("’", "'"))
        end = match.start() + len(core)
        tokens.append(_Token(match.start(), end, key, titlecase, capitals, possessive))
    return tokens


def _plain(word: str) -> str:
    """The word without accents, as the lists hold it: "zoë" → "zoe", "josé" → "jose"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _non_overlapping(spans: list[NameSpan]) -> list[NameSpan]:
    result: list[NameSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not result or span.start >= result[-1].end:
            result.append(span)
    return result


@cache
def _lists() -> _Lists:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(word).lower() for word in data[key])

    return _Lists(
        titles=words("titles"),
        prefixes=words("place_prefixes"),
        places=words("place_nouns"),
        stop=words("stop_words"),
        given=words("given_names"),
        ambiguous=words("ambiguous_given_names"),
        surnames=words("surnames"),
        conditions=words("conditions"),
    )
