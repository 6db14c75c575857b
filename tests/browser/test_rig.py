"""The browser rig's own rules, checked without a browser (so they run everywhere)."""

from __future__ import annotations

import pytest
from measure import no_horizontal_scroll
from playwright.sync_api import Browser
from rig import REQUIRE_BROWSER_ENV, runs_finished, skip_or_fail, watch_runs
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


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


def _finished(status: int) -> list[int]:
    message = ForwardMsg()
    message.hash = "a hash before the field"
    message.script_finished = status
    return list(message.SerializeToString())


@pytest.mark.browser
def test_the_run_counter_ends_a_run_unless_another_follows(browser: Browser) -> None:
    """The page-side rule `expect_run` waits on, fed the messages Streamlit sends."""
    page = browser.new_page()
    try:
        watch_runs(page)
        page.goto("about:blank")
        page.set_content("<p>no app</p>")
        ends = "(bytes) => window.__datawalkRuns.ends(new Uint8Array(bytes))"
        assert page.evaluate(ends, _finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        assert page.evaluate(ends, _finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
        assert page.evaluate(ends, _finished(ForwardMsg.FINISHED_WITH_COMPILE_ERROR))
        # st.rerun(): another run follows, so this one does not end what the action caused.
        assert not page.evaluate(ends, _finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
        running = ForwardMsg()
        running.session_status_changed.script_is_running = False
        assert not page.evaluate(ends, list(running.SerializeToString()))
        assert runs_finished(page) == {"load": runs_finished(page)["load"], "finished": 0}
    finally:
        page.context.close()
