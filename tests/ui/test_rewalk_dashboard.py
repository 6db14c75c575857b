"""The dashboard of a re-walk in AppTest: the since-last-walk panel's counts and directions,
the plan coloured by change and the trend across both walks."""

from __future__ import annotations

import pytest

from datawalk.store import Store
from tests.rewalk_scenario import walk_twice


@pytest.fixture
def walked(app_db):
    store = Store.open(app_db)
    yield walk_twice(store)
    store.close()


def test_since_last_walk_shows_counts_directions_and_the_trend(open_page, walked) -> None:
    at = open_page("dashboard", audit=walked.audit.id)

    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric if "(" in m.label}
    assert metrics["New (findings)"] == 1
    assert metrics["Resolved (findings)"] == walked.carried["resolved"]
    assert metrics["Persisting (findings)"] == walked.carried["still"] + walked.carried["changed"]
    # The locked room, and every place none of whose last-walk findings was marked.
    assert metrics["Not checked (locations)"] == walked.not_checked_places
    [table] = [d.value for d in at.dataframe if "Direction" in d.value.columns]
    table = table.set_index("Location")
    assert table.loc[walked.places["resolved"].name, "Direction"] == "Better"
    assert table.loc[walked.places["still"].name, "Direction"] == "Same"
    assert table.loc[walked.places["new"].name, "Direction"] == "Worse"
    assert table.loc[walked.places["locked"].name, "Direction"] == "Not checked"
    assert any(walked.places["locked"].name in str(c.value) for c in at.caption)
    trend = at.get("plotly_chart")
    assert any("walk by walk" in str(chart.proto.spec) for chart in trend)
