"""The browser rig's own rules, checked without a browser (so they run everywhere)."""

from __future__ import annotations

import pytest
from rig import REQUIRE_BROWSER_ENV, no_horizontal_scroll, skip_or_fail


def test_missing_browser_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_BROWSER_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium here"):
        skip_or_fail("no chromium here")


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_only_1_requires_the_browser(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(REQUIRE_BROWSER_ENV, value)
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("no chromium here")


def test_missing_browser_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_BROWSER_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no chromium here"):
        skip_or_fail("no chromium here")


@pytest.mark.parametrize(
    ("widths", "fits"),
    [
        ({"documentScroll": 1024, "viewport": 1024, "mainScroll": 724, "mainClient": 724}, True),
        ({"documentScroll": 1100, "viewport": 1024, "mainScroll": 724, "mainClient": 724}, False),
        ({"documentScroll": 1024, "viewport": 1024, "mainScroll": 900, "mainClient": 724}, False),
    ],
)
def test_horizontal_scroll_rule(widths: dict[str, float], fits: bool) -> None:
    assert no_horizontal_scroll(widths) is fits
