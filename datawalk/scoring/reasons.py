"""Plain-English reasons for a score, written from checklist labels so a head can follow them.

Reasons are built only when someone will read them (one finding, or a frame with explain=True);
the numbers never depend on this module.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

from datawalk.models import Reach
from datawalk.scoring.result import CLASSIFICATION_NAMES, PROPORTIONATE
from datawalk.vocabulary import Checklist, derived

_CLASSIFICATION_SENTENCES = {
    "over_exposed": "Over-exposed: more people can see it than need to.",
    "under_available": "Under-available: someone who must act on it cannot reach it in time.",
    "both": "Both over-exposed and under-available: seen by the wrong people, missed by the right.",
    PROPORTIONATE: "Proportionate: seen by those who need it, and reachable in time.",
}


@dataclass(frozen=True)
class Explanation:
    """Everything a reason mentions; ids are turned into labels here, nowhere else."""

    excess: list[str]
    anonymous: bool
    identifiability: str
    detail_level: str
    applied_controls: list[str]
    exposure: int
    sensitivity: int
    sensitive_category: str
    privacy: int
    need: int
    need_category: str | None
    unseen: list[str]
    needers: list[str]
    too_slow: bool
    reach: str
    limit_category: str
    overdue: bool
    review_date: date | None
    locked_control: str | None
    gap: int
    safeguarding: int
    classification: str
    good_practice: bool
    guard_notes: list[str] = field(default_factory=list)
    # Needers that take the finding's reach (no reach of their own given): the ones its reach
    # being too slow leaves without it.
    default_needers: list[str] = field(default_factory=list)
    # (audience, reach) given per audience that is slower than the time allowed.
    slow_given: list[tuple[str, str]] = field(default_factory=list)
    stale_days: int = 0  # with graded review dates: days since it passed
    stale_band: str = ""  # its band's name, e.g. "over a term"


def explain(checklist: Checklist, e: Explanation) -> list[str]:
    """Return the reasons for one finding's scores, the side that drives it first.

    Previews and tables show only the first one or two reasons, so the order is: the failing
    side's main reason, the other side's, the classification, then the details behind the levels.
    """
    exposure, gap = _exposure_reason(checklist, e), _gap_reason(checklist, e)
    main = [gap, exposure] if e.classification == "under_available" else [exposure, gap]
    reasons = [
        *main,
        _CLASSIFICATION_SENTENCES[e.classification],
        _sensitivity_reason(checklist, e),
        _level_reason(checklist, "Privacy", e.privacy, f"exposure {e.exposure}", e.sensitivity),
        _need_reason(checklist, e),
        _level_reason(checklist, "Safeguarding", e.safeguarding, f"gap {e.gap}", e.need, "need"),
    ]
    if e.good_practice and e.classification != PROPORTIONATE:
        name = CLASSIFICATION_NAMES[e.classification].lower()
        reasons.append(f"Marked as good practice, but the scores show it is {name}.")
    reasons += e.guard_notes
    return reasons


def _exposure_reason(checklist: Checklist, e: Explanation) -> str:
    if e.anonymous:
        return (
            f"No one can be identified from it, so it exposes no one → exposure {e.exposure} of 5."
        )
    if not e.excess:
        return f"Seen only by people who need it → exposure {e.exposure} of 5."
    who = _seen_by(checklist, e.excess)
    identifiability = _label(checklist, "identifiability", e.identifiability)
    detail = _label(checklist, "detail_levels", e.detail_level)
    controls = (
        "reduced by " + _listed(checklist, "controls", e.applied_controls)
        if e.applied_controls
        else "no controls"
    )
    return f"Seen by {who}; {identifiability}; {detail}; {controls} → exposure {e.exposure} of 5."


def _seen_by(checklist: Checklist, excess: list[str]) -> str:
    """Who sees it without need. Those who never act on pupil information (visitors, passers-by)
    are named apart, as the checklist phrases them: "who do not need it" would suggest they
    might."""
    return _once(checklist, "seen by", tuple(excess), lambda: _written_seen_by(checklist, excess))


def _written_seen_by(checklist: Checklist, excess: list[str]) -> str:
    terms = [checklist.term("audiences", a) for a in excess]
    never = [a for a, t in zip(excess, terms, strict=True) if not getattr(t, "can_need", True)]
    could = _join(_label(checklist, "audiences", a) for a in excess if a not in never)
    outsiders = _join(
        getattr(checklist.term("audiences", a), "seen_as", "") or _label(checklist, "audiences", a)
        for a in never
    )
    if could and outsiders:
        return f"{could}, who do not need it, and by {outsiders}"
    return f"{could}, who do not need it" if could else outsiders


def _sensitivity_reason(checklist: Checklist, e: Explanation) -> str:
    key = (e.sensitive_category, e.sensitivity)
    return _once(checklist, "sensitivity", key, lambda: _written_sensitivity(checklist, e))


def _written_sensitivity(checklist: Checklist, e: Explanation) -> str:
    category = checklist.label("data_categories", e.sensitive_category)
    term = checklist.term("data_categories", e.sensitive_category)
    # Name special-category data: a halal menu list is Art 9 data, as it reveals religion.
    special = " (special category data)" if getattr(term, "special_category", False) else ""
    return f"Most sensitive data: {category}{special} → sensitivity {e.sensitivity} of 5."


def _need_reason(checklist: Checklist, e: Explanation) -> str:
    key = (e.need_category, e.need)
    return _once(checklist, "need", key, lambda: _written_need(checklist, e))


def _written_need(checklist: Checklist, e: Explanation) -> str:
    if e.need_category is None:
        return f"Need set by the auditor → need {e.need} of 5."
    category = checklist.term("data_categories", e.need_category)
    severity = checklist.label("severities", getattr(category, "severity", ""))
    criticality = _label(checklist, "time_criticalities", getattr(category, "time_criticality", ""))
    name = checklist.label("data_categories", e.need_category)
    return f"{name}: {severity.lower()}, {criticality} → need {e.need} of 5."


def _gap_reason(checklist: Checklist, e: Explanation) -> str:
    if not e.needers:
        return f"Nobody has to act on it → availability gap {e.gap} of 5."
    parts = []
    needers = _listed(checklist, "audiences", e.needers)
    never = e.too_slow and e.reach == Reach.NOT_AT_ALL
    if e.unseen and not never:
        who = _listed(checklist, "audiences", e.unseen)
        parts.append(f"needed by {who}, who cannot reach it")
    category = checklist.term("data_categories", e.limit_category)
    limit = _label(checklist, "time_criticalities", getattr(category, "time_criticality", ""))
    if e.too_slow:
        who = _listed(checklist, "audiences", e.default_needers)
        parts.append(_too_slow(checklist, who, e.reach, limit))
    parts += [
        _too_slow(checklist, _label(checklist, "audiences", a), r, limit, False)
        for a, r in e.slow_given
    ]
    if e.overdue and e.review_date is not None:
        when = f"{e.review_date.day} {e.review_date:%B %Y}"
        if e.stale_days:
            days = _days(e.stale_days)
            ago = f"{e.stale_band} ({days})" if e.stale_band else f"{days} ago"
            parts.append(f"its review date ({when}) passed {ago}, so it may be out of date")
        else:
            parts.append(f"its review date ({when}) has passed, so {needers} cannot rely on it")
    if e.locked_control is not None:
        control = _label(checklist, "controls", e.locked_control)
        parts.append(f"emergency medication is locked away ({control}), out of reach of {needers}")
    if not parts:
        return f"Everyone who needs it can reach it in time → availability gap {e.gap} of 5."
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]} → availability gap {e.gap} of 5."


def _too_slow(checklist: Checklist, who: str, reach: str, limit: str, needed_by=True) -> str:
    """One group of needers whose reach is slower than the time allowed."""
    if reach == Reach.NOT_AT_ALL:
        lead = f"needed by {who}, who cannot" if needed_by else f"{who} cannot"
        return f"{lead} reach it at all, though the time allowed is {limit}"
    speed = _label(checklist, "reach_speeds", reach)
    return f"{who} can reach it only {speed}, but the time allowed is {limit}"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _level_reason(
    checklist: Checklist, side: str, level: int, first: str, second: int, second_name="sensitivity"
) -> str:
    scoring = checklist.scoring
    name = scoring.levels[level].name if scoring else str(level)
    return f"{side} risk: {name} ({first} with {second_name} {second})."


def _listed(checklist: Checklist, vocabulary: str, term_ids: Iterable[str]) -> str:
    """The terms' mid-sentence labels joined as a list; an audit repeats a few lists many times."""
    key = tuple(term_ids)
    return _once(
        checklist,
        f"lists of {vocabulary}",
        key,
        lambda: _join(_label(checklist, vocabulary, t) for t in key),
    )


def _label(checklist: Checklist, vocabulary: str, term_id: str) -> str:
    """Return a label to use mid-sentence: lower-cased unless it starts with an acronym."""
    return _once(
        checklist,
        f"labels of {vocabulary}",
        term_id,
        lambda: _mid_sentence(checklist.label(vocabulary, term_id)),
    )


def _once(checklist: Checklist, kind: str, key: Hashable, write: Callable[[], str]) -> str:
    """The text `write` gives, written the first time this checklist is asked for `key` of this
    `kind` and kept with the checklist: an audit repeats the same few phrases thousands of times."""
    written = derived(checklist, f"reasons: {kind}")
    if key not in written:
        written[key] = write()
    return written[key]


def _mid_sentence(label: str) -> str:
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _join(items: Iterable[str]) -> str:
    """Join labels as a list; semicolons when a label has its own commas or "and"."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    if any("," in word or " and " in word for word in words):
        return "; ".join(words[:-1]) + "; and " + words[-1]
    return ", ".join(words[:-1]) + " and " + words[-1]
