"""Pupil-identifier scanning: every kind found when valid, ordinary audit wording left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import phonenumbers
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.gb import nhs, upn

from datawalk.errors import PrivacyError
from datawalk.privacy import REDACTION, Match, MatchKind, redact_text, scan_text

WALK = date(2026, 10, 15)
FIXTURES = Path(__file__).parent / "fixtures"


# ---------------------------------------------------------------- generated identifiers


def make_upn(rest: str) -> str:
    """A UPN is its check letter followed by 12 characters (LA, school, year, serial)."""
    return upn.calc_check_digit(rest) + rest


def wrong_check_upn(rest: str) -> str:
    right = upn.calc_check_digit(rest)
    return next(letter for letter in "ABCDEFGH" if letter != right) + rest


def complete_mod11(nine: str) -> str:
    """Append the check digit that makes a mod-11 number valid (NHS and CHI share the check)."""
    return next(nine + digit for digit in "0123456789" if nhs.is_valid(nine + digit))


def break_check(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def spaced(number: str, sep: str = " ") -> str:
    return sep.join((number[:3], number[3:6], number[6:]))


def uk_number(kind: phonenumbers.PhoneNumberType, style: phonenumbers.PhoneNumberFormat) -> str:
    return phonenumbers.format_number(phonenumbers.example_number_for_type("GB", kind), style)


UPN = make_upn("801200005001")
UPN_TEMPORARY = make_upn("80120000501A")
NHS = complete_mod11("943476587")
NHS_OTHER = complete_mod11("401023218")
CHI = complete_mod11("120317123")  # born 12 March 2017
CHI_BAD_DATE_NHS = complete_mod11("450317123")  # day 45: cannot be a CHI, still mod-11 valid
MOBILE = uk_number(phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberFormat.NATIONAL)
LANDLINE = uk_number(
    phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberFormat.NATIONAL
)
MOBILE_INTL = uk_number(
    phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberFormat.INTERNATIONAL
)

K = MatchKind
CASES: list[tuple[str, list[tuple[MatchKind, str]]]] = [
    # UPN: check letter validated, LA code must exist
    (f"UPN {UPN} on the class list", [(K.UPN, UPN)]),
    (f"Temporary UPN {UPN_TEMPORARY}", [(K.UPN, UPN_TEMPORARY)]),
    (f"UPN {wrong_check_upn('801200005001')} with a wrong check letter", []),
    (f"Code {make_upn('000200005001')} has no real local authority", []),
    # NHS number: mod 11, with or without spaces or dashes
    (f"NHS number {spaced(NHS)} on the care plan", [(K.NHS_NUMBER, spaced(NHS))]),
    (f"NHS {NHS} written on the box", [(K.NHS_NUMBER, NHS)]),
    (f"NHS {spaced(NHS_OTHER, '-')}", [(K.NHS_NUMBER, spaced(NHS_OTHER, "-"))]),
    (f"NHS {spaced(break_check(NHS))} has a wrong check digit", []),
    (f"Reference {CHI_BAD_DATE_NHS}", [(K.NHS_NUMBER, CHI_BAD_DATE_NHS)]),
    # CHI number (Scotland): DDMMYY + 4 digits, mod 11
    (f"CHI {CHI} on the transfer form", [(K.CHI_NUMBER, CHI)]),
    (f"CHI {CHI[:6]} {CHI[6:]}", [(K.CHI_NUMBER, f"{CHI[:6]} {CHI[6:]}")]),
    (f"CHI {break_check(CHI)} mistyped", []),
    # email
    (
        "Parent email amelia.parent@example.com on the board",
        [(K.EMAIL, "amelia.parent@example.com")],
    ),
    ("Contact office+trips@oakfield.sch.uk", [(K.EMAIL, "office+trips@oakfield.sch.uk")]),
    ("Email the office at school dot uk", []),
    ("Send to amelia@ later", []),
    # UK phone numbers: UK-shaped (possible length, UK prefix), whether allocated or not
    (f"Mum's mobile {MOBILE} on the fridge", [(K.UK_PHONE, MOBILE)]),
    (f"Call {LANDLINE} in an emergency", [(K.UK_PHONE, LANDLINE)]),
    (f"Dad on {MOBILE_INTL}", [(K.UK_PHONE, MOBILE_INTL)]),
    ("Extension 0123 45 on the door", []),
    # Ofcom's drama ranges, which is_valid_number rejects: still a number on a poster
    ("Gran on 07700 900123 after school", [(K.UK_PHONE, "07700 900123")]),
    ("Dad +44 7700 900456 (work)", [(K.UK_PHONE, "+44 7700 900456")]),
    ("Childminder 01632 960789", [(K.UK_PHONE, "01632 960789")]),
    ("Aunt's mobile 07999 123456 in a range not allocated today", [(K.UK_PHONE, "07999 123456")]),
    ("Fire drill at 1400, ext 2045", []),
    # Lower case, accents, apostrophes, and a bare forename beside a condition
    ("label says zoë o'brien on the inhaler", [(K.PERSON_NAME, "zoë o'brien")]),
    ("Peg labelled Zoë O'Brien", [(K.PERSON_NAME, "Zoë O'Brien")]),
    ("Sticky note: Jo – epileptic, meds in office", [(K.PERSON_NAME, "Jo")]),
    ("Board says Sam: asthma", [(K.PERSON_NAME, "Sam")]),
    # UK postcodes
    ("Home postcode SW1A 1AA on the trip form", [(K.UK_POSTCODE, "SW1A 1AA")]),
    ("Address ends M1 1AE", [(K.UK_POSTCODE, "M1 1AE")]),
    ("lives near ls6 2qt", [(K.UK_POSTCODE, "ls6 2qt")]),
    ("Code QW1 1AA is not a postcode", []),
    # dates of birth: only school age on the walk date
    ("DOB 12/03/2017", [(K.DATE_OF_BIRTH, "12/03/2017")]),
    ("Amelia's card: 12.03.2017", [(K.DATE_OF_BIRTH, "12.03.2017")]),
    ("born 12 March 2017", [(K.DATE_OF_BIRTH, "12 March 2017")]),
    ("Date of birth 2017-03-12", [(K.DATE_OF_BIRTH, "2017-03-12")]),
    ("b. 3rd September 2010", [(K.DATE_OF_BIRTH, "3rd September 2010")]),
    ("DOB 12/3/17", [(K.DATE_OF_BIRTH, "12/3/17")]),
    ("Nursery: DOB 02/02/2025", [(K.DATE_OF_BIRTH, "02/02/2025")]),
    ("Sixth former 20/10/2007", [(K.DATE_OF_BIRTH, "20/10/2007")]),
    ("Staff DOB 14/02/1975", []),
    ("Founded 01/01/1980", []),
    ("Dated 16/10/2006, the old sign", []),
    ("Fire drill 02/02/2019", []),
    ("Reviewed 01/09/2026", []),
    ("Reviewed 01/09/2019 and never since", []),
    ("Menu for 12 March 2026", []),
    ("Poster updated 12/03/2019 still lists pupils", []),
    ("Next review 12/03/2027", []),
    ("Invalid date 31/02/2017", []),
    # likely personal names
    ("Poster shows Amelia Johnson by the hatch", [(K.PERSON_NAME, "Amelia Johnson")]),
    ("Oliver Smith's inhaler is in the tray", [(K.PERSON_NAME, "Oliver Smith")]),
    ("Register: Johnson, Amelia", [(K.PERSON_NAME, "Johnson, Amelia")]),
    ("Zofia W. has an AAI in kit B", [(K.PERSON_NAME, "Zofia W.")]),
    ("AMELIA JOHNSON - NUTS", [(K.PERSON_NAME, "AMELIA JOHNSON")]),
    (
        "Grace Taylor and Poppy Adeyemi",
        [(K.PERSON_NAME, "Grace Taylor"), (K.PERSON_NAME, "Poppy Adeyemi")],
    ),
    ("Label for Ella-Rose Thompson", [(K.PERSON_NAME, "Ella-Rose Thompson")]),
    ("see the folder for Aarav Rose Patel", [(K.PERSON_NAME, "Aarav Rose Patel")]),
    # ordinary audit wording that must not alarm
    ("Oak Class", []),
    ("Year 3", []),
    ("Mrs Patel's office", []),
    ("St Mary's hall", []),
    ("Staff Room", []),
    ("Head Teacher", []),
    ("Mr Oliver Smith, the Site Manager, holds the keys", []),
    ("Mary Seacole House and Florence Nightingale Ward", []),
    ("Grace Room is used for nurture groups", []),
    ("AAI kit B in the dining hall", []),
    ("Supply teacher folder has no medical sheet", []),
    ("Allergy register dated Autumn Term 2026, signed by the Headteacher", []),
    ("Free School Meals list on the till screen in the Dining Hall", []),
    ("Kit B contains two AAIs", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text[:40] for text, _ in CASES])
def test_scan_text_table(text: str, expected: list[tuple[MatchKind, str]]) -> None:
    matches = scan_text(text, WALK)
    assert [(m.kind, m.text) for m in matches] == expected
    for match in matches:
        assert text[match.start : match.end] == match.text


def test_the_table_is_big_and_covers_every_kind_both_ways() -> None:
    positive_kinds = {kind for _, expected in CASES for kind, _ in expected}
    assert len(CASES) >= 40
    assert positive_kinds == set(MatchKind)
    assert sum(1 for _, expected in CASES if not expected) >= 20


def test_generated_numbers_are_what_the_table_claims() -> None:
    assert upn.is_valid(UPN) and upn.is_valid(UPN_TEMPORARY)
    assert nhs.is_valid(NHS) and nhs.is_valid(CHI) and nhs.is_valid(CHI_BAD_DATE_NHS)
    assert not nhs.is_valid(break_check(NHS))
    assert phonenumbers.is_valid_number(phonenumbers.parse(MOBILE, "GB"))


def test_several_identifiers_come_back_sorted_and_separate() -> None:
    text = f"Amelia Johnson, DOB 12/03/2017, UPN {UPN}, NHS {spaced(NHS)}, mum {MOBILE}"
    kinds = [m.kind for m in scan_text(text, WALK)]
    assert kinds == [K.PERSON_NAME, K.DATE_OF_BIRTH, K.UPN, K.NHS_NUMBER, K.UK_PHONE]


def test_the_walk_date_decides_school_age() -> None:
    assert scan_text("12/03/2017", date(2026, 10, 15))
    assert not scan_text("12/03/2017", date(2018, 10, 15))  # aged 1, no birth cue
    assert not scan_text("12/03/2017", date(2040, 10, 15))  # aged 23


def test_the_walk_date_defaults_to_today() -> None:
    born = date.today().replace(year=date.today().year - 9, day=1)
    assert scan_text(born.strftime("%d/%m/%Y"))


def test_matches_carry_a_label_for_the_warning() -> None:
    match = scan_text(f"UPN {UPN}", WALK)[0]
    assert match.label == "Unique Pupil Number"


def test_empty_text_has_no_matches() -> None:
    assert scan_text("", WALK) == []


# ---------------------------------------------------------------- redaction


def test_redact_text_replaces_each_match_with_pupil() -> None:
    text = f"Amelia Johnson (UPN {UPN}) sits by the window."
    redacted = redact_text(text, scan_text(text, WALK))
    assert redacted == f"{REDACTION} (UPN {REDACTION}) sits by the window."
    assert scan_text(redacted, WALK) == []


def test_redact_text_refuses_matches_from_another_text() -> None:
    stale = scan_text("Amelia Johnson", WALK)
    with pytest.raises(PrivacyError, match="changed since it was checked"):
        redact_text("Amelia Johnston", stale)


def test_redact_text_without_matches_returns_the_text() -> None:
    assert redact_text("Oak Class", []) == "Oak Class"


# ---------------------------------------------------------------- recall and false alarms


def _corpus() -> dict[str, list[dict[str, object]]]:
    raw = (FIXTURES / "identifier_corpus.yaml").read_text(encoding="utf-8")
    values = {"upn": UPN, "nhs": spaced(NHS), "chi": CHI, "mobile": MOBILE, "landline": LANDLINE}
    return yaml.safe_load(raw.format(**values))


def test_recall_and_false_alarm_rate_on_a_labelled_corpus(record_property) -> None:
    """Realistic notes, hand-labelled; a few unlisted names are expected misses, honestly."""
    corpus = _corpus()
    expected_total = found = 0
    for item in corpus["with_identifiers"]:
        text, expected = str(item["text"]), {str(e) for e in item["expect"]}
        got = {m.text for m in scan_text(text, WALK)}
        expected_total += len(expected)
        found += len(expected & got)
    more = yaml.safe_load((FIXTURES / "ordinary_notes.yaml").read_text(encoding="utf-8"))
    clean = [str(item["text"]) for item in [*corpus["ordinary"], *more["ordinary"]]]
    alarms = sum(1 for text in clean if scan_text(text, WALK))
    recall, false_alarm_rate = found / expected_total, alarms / len(clean)
    record_property("identifier_recall", round(recall, 3))
    record_property("identifier_false_alarm_rate", round(false_alarm_rate, 3))
    print(f"identifier recall {recall:.1%}, false-alarm rate {false_alarm_rate:.1%}")
    assert len(clean) >= 200 and expected_total >= 40
    assert recall >= 0.85
    assert false_alarm_rate <= 0.05


# ---------------------------------------------------------------- properties


@settings(deadline=None)  # first calls load word lists and phone metadata
@given(st.text(max_size=400))
def test_scan_text_never_crashes_and_spans_are_sound(text: str) -> None:
    matches = scan_text(text, WALK)
    previous_end = 0
    for match in matches:
        assert 0 <= match.start < match.end <= len(text)
        assert match.start >= previous_end
        assert text[match.start : match.end] == match.text
        previous_end = match.end


_FILLER = st.lists(
    st.sampled_from(["the", "poster", "in", "Oak", "kit", "B", "Year", "3", ",", ".", "Staff"]),
    max_size=6,
).map(" ".join)
_IDENTIFIER = st.one_of(
    st.builds(make_upn, st.from_regex(r"\A8(0[1-3]|1[0-3])[0-9]{9}\Z")),
    st.from_regex(r"\A[4-7][0-9]{8}\Z")
    .filter(lambda nine: any(nhs.is_valid(nine + d) for d in "0123456789"))
    .map(complete_mod11),
    st.from_regex(r"\A[a-z]{1,8}\.[a-z]{1,8}@example\.(com|org|co\.uk)\Z"),
    st.sampled_from(["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB"]),
    st.sampled_from(["Amelia Johnson", "Oliver Smith", "Maja Nowak", "Zainab Okafor"]),
)


@settings(deadline=None)  # first calls load word lists and phone metadata
@given(_FILLER, _IDENTIFIER, _FILLER)
def test_an_embedded_identifier_is_found_and_redacted(before: str, value: str, after: str) -> None:
    text = f"{before} {value} {after}"
    matches = scan_text(text, WALK)
    redacted = redact_text(text, matches)
    assert value in {m.text for m in matches}
    assert value not in redacted


@settings(deadline=None)  # first calls load word lists and phone metadata
@given(st.text(max_size=300))
def test_redact_text_removes_every_matched_substring(text: str) -> None:
    matches = scan_text(text, WALK)
    redacted = redact_text(text, matches)
    pieces, cursor = [], 0
    for match in matches:
        pieces.append(text[cursor : match.start])
        cursor = match.end
    pieces.append(text[cursor:])
    assert redacted == REDACTION.join(pieces)


def test_match_is_immutable() -> None:
    match = Match(kind=K.EMAIL, start=0, end=1, text="a")
    with pytest.raises(AttributeError):
        match.start = 3  # type: ignore[misc]
