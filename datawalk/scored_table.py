"""The one scored table of an audit: one row per finding, where it is, what it holds in the
checklist's words, and both sides of its score. The findings page, the action plan, the
dashboard and the report all read this table; pages build it once per audit version.

Scores come from the one scorer (`datawalk.scoring.score_frame`), as of the walk date with the
audit's pinned checklist. Without a scoring section the score columns are left out. Pure
pandas over loaded domain objects: no streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from datawalk.action_titles import Item, Title, distinct_titles, item_names, title_options
from datawalk.actions import needing_action
from datawalk.models import Audit, Finding, Location
from datawalk.scoring import CLASSIFICATION_NAMES, findings_to_frame, score_frame, walk_date
from datawalk.vocabulary import Checklist, Rule

FINDING_COLUMNS = [
    "id",
    "reference",
    "location_id",
    "location",
    "floor_id",
    "floor",
    "location_type",
    "location_type_name",
    "category_ids",
    "categories",
    "format",
    "visible_to",
    "needed_by",
    "reach",
    "evidence",
    "good_practice",
    "review_date",
    "review_overdue",
    "notes",
    "updated_at",
]
SCORE_COLUMNS = [
    "exposure",
    "sensitivity",
    "need",
    "availability_gap",
    "privacy_index",
    "safeguarding_index",
    "worst_index",
    "privacy_level",
    "safeguarding_level",
    "classification",
    "classification_name",
    "priority",
    "rank",
    "rank_label",
    "first_reason",
    "recommendation",
    "action_title",
]
COLUMNS = FINDING_COLUMNS + SCORE_COLUMNS
# Kept from the scorer for whoever needs a finding's whole explanation, not only its summary:
# the workbook (every reason, who sees it without need, who cannot reach it) and the action sync
# (every rule chosen: its action and owner are the checklist's). Lists, one per row.
DETAIL_COLUMNS = ["reasons", "rule_ids", "excess", "missing", "commendation"]
NOTES_PREVIEW = 120


def scored_table(
    audit: Audit,
    findings: Sequence[Finding],
    locations: Iterable[Location],
    checklist: Checklist,
) -> pd.DataFrame:
    """Return one row per finding, in the order given, with its scores joined on.

    Raises:
        ValidationError: a finding uses an id the checklist does not define.
    """
    frame = scored_rows(audit, findings, locations, checklist)
    if checklist.scoring is None or not findings:
        return frame
    return with_table_columns(frame, findings, checklist)


def scored_rows(
    audit: Audit,
    findings: Sequence[Finding],
    locations: Iterable[Location],
    checklist: Checklist,
    explain: bool = True,
) -> pd.DataFrame:
    """The table without the columns that compare a finding with the others (`TABLE_COLUMNS`,
    left empty in place): each row depends on its own finding, its place and the checklist only,
    so rows built apart and put together are the rows built at once (see
    `datawalk.scored_table_cache`).

    With `explain=False` the reasons are left empty (`first_reason` ""): what only counts levels,
    such as another walk's summary on the trend, needs no prose, the dear part of scoring."""
    located = list(locations)
    frame = _finding_rows(audit, findings, located, checklist)
    if checklist.scoring is None:
        return frame
    if not findings:
        return frame.reindex(columns=COLUMNS + DETAIL_COLUMNS)
    places = {location.id: location.location_type for location in located}
    frame_in = findings_to_frame(findings, places)
    scores = score_frame(frame_in, checklist, walk_date(audit), explain=explain)
    names = np.array([level.name for level in checklist.scoring.levels], dtype=object)
    privacy = scores["privacy_level_index"].to_numpy()
    safeguarding = scores["safeguarding_level_index"].to_numpy()
    rules = {rule.id: rule for rule in checklist.scoring.rules}
    frame["exposure"] = scores["exposure"].to_numpy()
    frame["sensitivity"] = scores["sensitivity"].to_numpy()
    frame["need"] = scores["need"].to_numpy()
    frame["availability_gap"] = scores["availability_gap"].to_numpy()
    frame["privacy_index"] = privacy
    frame["safeguarding_index"] = safeguarding
    frame["worst_index"] = np.maximum(privacy, safeguarding)
    frame["privacy_level"] = names[privacy]
    frame["safeguarding_level"] = names[safeguarding]
    frame["classification"] = scores["classification"].to_numpy()
    frame["classification_name"] = frame["classification"].map(CLASSIFICATION_NAMES)
    frame["priority"] = scores["priority"].to_numpy(dtype=float)
    reasons = scores["reasons"] if explain else pd.Series([[] for _ in range(len(frame))])
    frame["first_reason"] = [given[0] if given else "" for given in reasons]
    frame["recommendation"] = [
        rules[ids[0]].action if ids else commendation
        for ids, commendation in zip(scores["rule_ids"], scores["commendation"], strict=True)
    ]
    # In their place among the columns, typed as they will be; filled by `with_table_columns`.
    frame["rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["rank_label"] = None
    frame["action_title"] = None
    for name in DETAIL_COLUMNS:
        frame[name] = scores.get(name, reasons).to_numpy()
    return frame


# The columns that compare a finding with the others: its rank among them, "1 of 23", and its
# title, worded apart from those of more urgent findings.
TABLE_COLUMNS = ("rank", "rank_label", "action_title")
# The title options of each distinct (place, rule, categories, format), as one checklist words
# them: kept by whoever builds the next table with the same checklist, so they are worded once.
Wordings = dict[tuple[str, str, tuple[str, ...], str], list[Title]]


def with_table_columns(
    frame: pd.DataFrame,
    findings: Sequence[Finding],
    checklist: Checklist,
    wordings: Wordings | None = None,
) -> pd.DataFrame:
    """Fill `TABLE_COLUMNS` of `scored_rows` (one row per finding, in the order given, on a
    range index) over the whole table, and return it. `wordings` (filled as it goes) must come
    from tables built with this very checklist."""
    assert checklist.scoring is not None
    rules = {rule.id: rule for rule in checklist.scoring.rules}
    frame["rank"] = rank_findings(frame)
    total = rank_total(frame)
    frame["rank_label"] = [rank_label(rank, total) for rank in frame["rank"]]
    frame["action_title"] = _action_titles(
        frame, findings, frame["rule_ids"], rules, checklist, {} if wordings is None else wordings
    )
    return frame


def rank_findings(frame: pd.DataFrame) -> pd.Series:
    """Each finding's place on the plan, 1 the most urgent, among those that need an action
    (<NA> for the rest). Ties on priority go to the higher safeguarding level, then the higher
    privacy level, then the lower reference, so a rank never depends on the order of rows."""
    wanted = frame[needing_action(frame)]
    columns = ("priority", "safeguarding_index", "privacy_index", "reference")
    rows = zip(*(wanted[column] for column in columns), strict=True)
    keyed = sorted(zip((rank_key(*row) for row in rows), wanted.index, strict=True))
    ordered = [index for _, index in keyed]
    ranks = pd.Series(range(1, len(ordered) + 1), index=ordered, dtype="Int64")
    return ranks.reindex(frame.index)


def rank_key(
    priority: float, safeguarding_index: int, privacy_index: int, reference: str
) -> tuple[float, int, int, str]:
    """The plan's one order, most urgent first: priority, then safeguarding level, then privacy
    level, then reference. Everything that lists findings by urgency sorts on this."""
    return (-float(priority), -int(safeguarding_index), -int(privacy_index), str(reference))


def rank_label(rank: object, total: int) -> str:
    """A rank as people read it: "1 of 23", or "No action" for a finding that needs none."""
    return "No action" if rank is None or pd.isna(rank) else f"{int(str(rank))} of {total}"


def rank_total(frame: pd.DataFrame) -> int:
    """How many findings are ranked: the "23" of "1 of 23"."""
    return int(frame["rank"].notna().sum()) if "rank" in frame else 0


RANK_TIE_BREAK = (
    "Ranked by priority; ties go to the higher safeguarding level, then the higher privacy "
    "level, then the lower reference."
)


def _action_titles(
    frame: pd.DataFrame,
    findings: Sequence[Finding],
    rule_ids: Iterable[Sequence[str]],
    rules: Mapping[str, Rule],
    checklist: Checklist,
    worded: Wordings,
) -> list[str]:
    """Each finding's title for its first recommendation ("" with none), chosen in rank order so
    the most urgent finding gets the most specific wording (see `datawalk.action_titles`).

    Findings made from one template at one place share their options, so each distinct
    (place, rule, categories, format) is worded once."""
    items_of: dict[tuple[tuple[str, ...], str], list[Item]] = {}
    options: dict[int, list[Title]] = {}
    for row, (finding, ids, place) in enumerate(
        zip(findings, rule_ids, frame["location"], strict=True)
    ):
        if not ids:
            continue
        thing = (tuple(finding.categories), finding.format)
        key = (place, ids[0], *thing)
        if key not in worded:
            if thing not in items_of:
                categories = [checklist.label("data_categories", term) for term in thing[0]]
                items_of[thing] = item_names(categories, checklist.label("formats", thing[1]))
            rule = rules[ids[0]]
            worded[key] = title_options(place, rule.step, rule.action, items_of[thing])
        options[row] = worded[key]
    ranks = frame["rank"].fillna(len(frame) + 1).astype(int).tolist()
    order = sorted(options, key=lambda row: (ranks[row], row))
    titles = dict(zip(order, distinct_titles([options[row] for row in order]), strict=True))
    return [str(titles[row]) if row in titles else "" for row in range(len(frame))]


def _finding_rows(
    audit: Audit, findings: Sequence[Finding], locations: Iterable[Location], checklist: Checklist
) -> pd.DataFrame:
    """The finding columns, a column at a time: each place, each distinct list of terms and
    each distinct note is looked up or shortened once, however many findings share it."""
    if not findings:
        return pd.DataFrame([], columns=FINDING_COLUMNS)
    day = walk_date(audit)
    places = place_columns(audit, locations, checklist)
    unplaced = ("", None, "", "", checklist.label("location_types", ""))
    labels = _Labeller(checklist)
    where = [places.get(finding.location_id, unplaced) for finding in findings]
    where_names = ("location", "floor_id", "floor", "location_type", "location_type_name")
    reviews = [finding.review_date for finding in findings]
    notes: dict[str, str] = {}
    columns: dict[str, Sequence[object]] = {
        "id": [finding.id for finding in findings],
        "reference": [finding.reference or "" for finding in findings],
        "location_id": [finding.location_id for finding in findings],
        **dict(zip(where_names, map(list, zip(*where, strict=True)), strict=True)),
        "category_ids": [tuple(finding.categories) for finding in findings],
        "categories": [labels.joined("data_categories", f.categories) for f in findings],
        "format": [labels.one("formats", finding.format) for finding in findings],
        "visible_to": [labels.joined("audiences", finding.visible_to) for finding in findings],
        "needed_by": [labels.joined("audiences", finding.needed_by) for finding in findings],
        "reach": [labels.one("reach_speeds", finding.reach.value) for finding in findings],
        "evidence": [labels.one("evidence", finding.evidence) for finding in findings],
        "good_practice": [finding.good_practice for finding in findings],
        "review_date": reviews,
        "review_overdue": [review is not None and review < day for review in reviews],
        "notes": [
            notes[f.notes] if f.notes in notes else notes.setdefault(f.notes, _preview(f.notes))
            for f in findings
        ],
        "updated_at": [finding.updated_at for finding in findings],
    }
    return pd.DataFrame(
        {name: _column(values) for name, values in columns.items()}, columns=FINDING_COLUMNS
    )


def place_columns(
    audit: Audit, locations: Iterable[Location], checklist: Checklist
) -> dict[str, tuple[str, str | None, str, str, str]]:
    """Each location's place columns by its id: all a row takes from the audit's site."""
    return {location.id: _place_columns(audit, location, checklist) for location in locations}


def _place_columns(
    audit: Audit, location: Location, checklist: Checklist
) -> tuple[str, str | None, str, str, str]:
    """Where a location is, as the table names it: name, floor id and name, type id and name."""
    floor = audit.floor(location.floor_id) if location.floor_id else None
    type_name = checklist.label("location_types", location.location_type)
    return (location.name, location.floor_id, floor.name if floor else "", location.location_type,
            type_name)  # fmt: skip


def _column(values: Sequence[object]) -> np.ndarray | Sequence[object]:
    """A list of tuples as a one-dimensional object array (numpy would make it two-dimensional);
    any other list as pandas infers it, as when rows are built one by one."""
    if values and isinstance(values[0], tuple):
        column = np.empty(len(values), dtype=object)
        column[:] = values
        return column
    return values


class _Labeller:
    """Checklist labels for a whole table, each distinct term or list of terms looked up once."""

    def __init__(self, checklist: Checklist) -> None:
        self._checklist = checklist
        self._seen: dict[tuple[str, tuple[str, ...] | str], str] = {}

    def one(self, vocabulary: str, term_id: str) -> str:
        key = (vocabulary, term_id)
        if key not in self._seen:
            self._seen[key] = self._checklist.label(vocabulary, term_id)
        return self._seen[key]

    def joined(self, vocabulary: str, ids: Iterable[str]) -> str:
        key = (vocabulary, tuple(ids))
        if key not in self._seen:
            self._seen[key] = _labels(self._checklist, vocabulary, key[1])
        return self._seen[key]


def _labels(checklist: Checklist, vocabulary: str, ids: Iterable[str]) -> str:
    return ", ".join(checklist.label(vocabulary, term_id) for term_id in ids)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTES_PREVIEW else text[: NOTES_PREVIEW - 1] + "…"
