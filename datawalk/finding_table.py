"""The findings of one audit as the findings page lists them: the one scored table
(`datawalk.scored_table`) sorted by location, with the filters the page offers.

It only reshapes; it must not import streamlit or touch the database.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from datawalk.models import Audit, Finding, Location
from datawalk.scored_table import scored_table
from datawalk.vocabulary import Checklist


def findings_frame(
    audit: Audit, findings: list[Finding], locations: list[Location], checklist: Checklist
) -> pd.DataFrame:
    """Return the audit's scored table (`datawalk.scored_table`) sorted for people: by
    location name, then reference."""
    table = scored_table(audit, findings, locations, checklist)
    return sort_for_people(table)


def sort_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """The scored table as the findings page lists it: by location name, then reference."""
    return table.sort_values(["location", "reference"], kind="stable", ignore_index=True)


def filter_findings(
    frame: pd.DataFrame,
    location_ids: Iterable[str] = (),
    category_ids: Iterable[str] = (),
    classifications: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the rows matching every non-empty filter (any of the chosen values within one)."""
    mask = pd.Series(True, index=frame.index)
    locations = set(location_ids)
    if locations:
        mask &= frame["location_id"].isin(locations)
    categories = set(category_ids)
    if categories:
        mask &= frame["category_ids"].map(lambda ids: not categories.isdisjoint(ids))
    chosen = set(classifications)
    if chosen and "classification" in frame:
        mask &= frame["classification"].isin(chosen)
    return frame[mask]
