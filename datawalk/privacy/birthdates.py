"""Likely pupil dates of birth in free text: dates that make someone school age on the walk date.

A date alone is not an identifier, and audit notes are full of dates (review dates, menu weeks,
"updated on"), so this module is deliberately narrow: UK day-first dates only, ages within the
school range, and context words (kept in `date_words.yaml`) that rule a date in or out. It returns
plain spans; `identifiers.py` turns them into matches and resolves overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).with_name("date_words.yaml")
CUE_WINDOW = 40  # "other date" cues: anywhere earlier in the same clause, this far back
BIRTH_WINDOW = 20  # birth cues sit right next to the date: "DOB: ", "born on ", " (DOB)"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"

_NUMERIC = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/\-]|\.\d)")
_ISO = re.compile(r"(?<![\d\-])(\d{4})-(\d{2})-(\d{2})(?![\d\-])")
_DAY_MONTH = re.compile(
    rf"(?<![\w])(\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s\-]+({_MONTH})\.?,?[\s\-]+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![\w])({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"(?:[.!?]\s|[;\n])")


@dataclass(frozen=True)
class DateSpan:
    start: int
    end: int
    value: date


@dataclass(frozen=True)
class _Words:
    min_age: int
    max_age: int
    min_age_with_cue: int
    birth: re.Pattern[str]
    other: re.Pattern[str]


def find_birth_dates(text: str, walk_date: date) -> list[DateSpan]:
    """Return spans of dates in `text` that are likely dates of birth of school-age pupils."""
    words = _words()
    found = []
    for span in _dates(text, walk_date):
        age = _age(span.value, walk_date)
        if age is None:
            continue
        if _has_birth_cue(text, span, words):
            if words.min_age_with_cue <= age <= words.max_age:
                found.append(span)
        elif words.min_age <= age <= words.max_age and not _has_other_cue(text, span, words):
            found.append(span)
    return found


def _dates(text: str, walk_date: date) -> Iterator[DateSpan]:
    for match in _NUMERIC.finditer(text):
        day, _, month, year = match.groups()
        yield from _span(match, int(day), int(month), _full_year(year, walk_date))
    for match in _ISO.finditer(text):
        year, month, day = match.groups()
        yield from _span(match, int(day), int(month), int(year))
    for match in _DAY_MONTH.finditer(text):
        day, month, year = match.groups()
        yield from _span(match, int(day), _MONTHS[month.lower()], int(year))
    for match in _MONTH_DAY.finditer(text):
        month, day, year = match.groups()
        yield from _span(match, int(day), _MONTHS[month.lower()], int(year))


def _span(match: re.Match[str], day: int, month: int, year: int) -> Iterator[DateSpan]:
    try:
        value = date(year, month, day)
    except ValueError:
        return
    yield DateSpan(match.start(), match.end(), value)


def _full_year(year: str, walk_date: date) -> int:
    """Two-digit years take the century that puts the date at or before the walk date."""
    if len(year) == 4:
        return int(year)
    century = walk_date.year // 100 * 100
    full = century + int(year)
    return full if full <= walk_date.year else full - 100


def _age(born: date, on: date) -> int | None:
    if born > on:
        return None  # a future date is a review or event date, never a birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _has_birth_cue(text: str, span: DateSpan, words: _Words) -> bool:
    before = re.split(r"[;\n]", text[max(0, span.start - BIRTH_WINDOW) : span.start])[-1]
    after = re.split(r"[;\n]", text[span.end : span.end + BIRTH_WINDOW])[0]
    return bool(words.birth.search(before) or words.birth.search(after))


def _has_other_cue(text: str, span: DateSpan, words: _Words) -> bool:
    before = text[max(0, span.start - CUE_WINDOW) : span.start]
    clause = _CLAUSE_END.split(before)[-1]
    return bool(words.other.search(clause))


@cache
def _words() -> _Words:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    ages = data["school_age"]
    return _Words(
        min_age=int(ages["min"]),
        max_age=int(ages["max"]),
        min_age_with_cue=int(ages["min_with_cue"]),
        birth=_word_pattern(data["birth_cues"]),
        other=_word_pattern(data["other_date_cues"]),
    )


def _word_pattern(words: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any listed word or phrase as whole words."""
    alternatives = sorted((re.escape(str(word)) for word in words), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
