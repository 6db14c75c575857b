"""Pupil identifiers in free text: find them before a note is saved, and redact them on request.

Check-digit identifiers (UPN, NHS and CHI numbers) are validated, so a random number does not
alarm. Phone numbers must be UK-shaped (a possible length and a UK prefix). Dates of birth and
names are heuristics kept in `birthdates.py` and `person_names.py`, tuned for few false alarms
on ordinary audit wording.
This module knows nothing of the UI: the walk page shows the matches; saving anyway is the
consultant's logged decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import phonenumbers
from stdnum.gb import nhs, upn

from datawalk.errors import PrivacyError
from datawalk.privacy.birthdates import find_birth_dates
from datawalk.privacy.person_names import find_person_names

REDACTION = "[pupil]"
UK_COUNTRY_CODE = 44
# First digit after the trunk 0: 01/02 geographic, 03 non-geographic, 07 mobile.
UK_PHONE_PREFIXES = ("1", "2", "3", "7")
UK_PHONE_MIN_DIGITS = 9  # after the 0: a bare extension or a time ("1400") is not a number
# Written as dialled: with the trunk 0 or +44/0044, so a bare 10-digit reference (a mistyped CHI
# number) is not taken for a phone number.
_UK_DIALLED = re.compile(r"^\(?(?:0(?!0)|\+[ ]?44|0044)")


class MatchKind(StrEnum):
    """Kinds of identifier, in the order they win when two candidates overlap."""

    UPN = "upn"
    NHS_NUMBER = "nhs_number"
    CHI_NUMBER = "chi_number"
    EMAIL = "email"
    UK_PHONE = "uk_phone"
    UK_POSTCODE = "uk_postcode"
    DATE_OF_BIRTH = "date_of_birth"
    PERSON_NAME = "person_name"


KIND_LABELS = {
    MatchKind.UPN: "Unique Pupil Number",
    MatchKind.NHS_NUMBER: "NHS number",
    MatchKind.CHI_NUMBER: "CHI number",
    MatchKind.EMAIL: "email address",
    MatchKind.UK_PHONE: "phone number",
    MatchKind.UK_POSTCODE: "postcode",
    MatchKind.DATE_OF_BIRTH: "possible date of birth",
    MatchKind.PERSON_NAME: "possible name",
}
_PRIORITY = {kind: rank for rank, kind in enumerate(MatchKind)}


@dataclass(frozen=True, slots=True)
class Match:
    """One identifier found in a text: `text == source[start:end]`."""

    kind: MatchKind
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


_UPN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\d{11}[0-9A-Za-z](?![A-Za-z0-9])")
_TEN_DIGITS = re.compile(
    r"(?<![\d+])(?:(?P<nhs>\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4})|(?P<chi>\d{6}[ -]\d{4}))(?![\d])"
)
_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
# The UK postcode grammar (outward code, space optional, inward code), after the ONS/Royal Mail
# rules: letters that never appear in given positions are excluded, so "AB1 2CD"-like words in
# ordinary text rarely match by accident.
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def scan_text(text: str, walk_date: date | None = None) -> list[Match]:
    """Return the pupil identifiers in `text`, non-overlapping and sorted by start.

    `walk_date` decides which dates would make someone school age; it defaults to today.
    """
    if not text:
        return []
    on = walk_date or date.today()
    candidates = [
        *_upns(text),
        *_health_numbers(text),
        *_emails(text),
        *_phones(text),
        *_postcodes(text),
        *(
            _match(MatchKind.DATE_OF_BIRTH, text, s.start, s.end)
            for s in find_birth_dates(text, on)
        ),
        *(_match(MatchKind.PERSON_NAME, text, s.start, s.end) for s in find_person_names(text)),
    ]
    return _resolve(candidates)


def redact_text(text: str, matches: Sequence[Match]) -> str:
    """Return `text` with every match replaced by "[pupil]".

    Raises:
        PrivacyError: a match no longer fits the text (it changed since it was scanned).
    """
    for match in matches:
        if not 0 <= match.start <= match.end <= len(text) or (
            text[match.start : match.end] != match.text
        ):
            raise PrivacyError("The text changed since it was checked; check it again first.")
    pieces = []
    cursor = 0
    for start, end in _merged_spans(matches):
        pieces.extend((text[cursor:start], REDACTION))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _match(kind: MatchKind, text: str, start: int, end: int) -> Match:
    return Match(kind=kind, start=start, end=end, text=text[start:end])


def _upns(text: str) -> Iterator[Match]:
    for found in _UPN.finditer(text):
        if upn.is_valid(found.group()):
            yield _match(MatchKind.UPN, text, found.start(), found.end())


def _health_numbers(text: str) -> Iterator[Match]:
    """NHS (England, Wales) and CHI (Scotland) numbers share the mod-11 check; CHI starts DDMMYY."""
    for found in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", found.group())
        if not nhs.is_valid(digits):
            continue
        spaced_like_nhs = found.group("nhs") is not None and found.group("sep") != ""
        kind = MatchKind.NHS_NUMBER
        if not spaced_like_nhs and _is_ddmmyy(digits[:6]):
            kind = MatchKind.CHI_NUMBER
        yield _match(kind, text, found.start(), found.end())


def _is_ddmmyy(digits: str) -> bool:
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _emails(text: str) -> Iterator[Match]:
    for found in _EMAIL.finditer(text):
        yield _match(MatchKind.EMAIL, text, found.start(), found.end())


def _phones(text: str) -> Iterator[Match]:
    """UK-shaped numbers: a possible length with a geographic (01, 02), non-geographic (03) or
    mobile (07) prefix. Not `is_valid_number`: it rejects Ofcom's drama ranges (07700 900xxx,
    01632 960xxx) and any range allocated after the library's data, and a parent's number on a
    poster is an identifier whatever its range."""
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for found in matcher:
        number = found.number
        national = str(number.national_number)
        if (
            number.country_code == UK_COUNTRY_CODE
            and _UK_DIALLED.match(found.raw_string)
            and national[:1] in UK_PHONE_PREFIXES
            and len(national) >= UK_PHONE_MIN_DIGITS
            and phonenumbers.is_possible_number(number)
        ):
            yield _match(MatchKind.UK_PHONE, text, found.start, found.end)


def _postcodes(text: str) -> Iterator[Match]:
    for found in _POSTCODE.finditer(text):
        yield _match(MatchKind.UK_POSTCODE, text, found.start(), found.end())


def _resolve(candidates: list[Match]) -> list[Match]:
    """Keep the strongest of overlapping candidates: checked numbers beat heuristics."""
    chosen: list[Match] = []
    ranked = sorted(candidates, key=lambda m: (_PRIORITY[m.kind], -(m.end - m.start), m.start))
    for candidate in ranked:
        if candidate.end > candidate.start and not any(
            candidate.start < kept.end and kept.start < candidate.end for kept in chosen
        ):
            chosen.append(candidate)
    return sorted(chosen, key=lambda m: m.start)


def _merged_spans(matches: Sequence[Match]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in sorted(matches, key=lambda m: (m.start, m.end)):
        if match.end == match.start:
            continue
        if spans and match.start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], match.end))
        else:
            spans.append((match.start, match.end))
    return spans
