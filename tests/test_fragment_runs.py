"""The bench's browser-like runs: a tap inside a fragment reruns that fragment only, and a run
that did not draw the fragment is never taken for one."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.fragment_runs import browser_runs

APP = """
import streamlit as st

st.session_state.page_runs = st.session_state.get("page_runs", 0) + 1
st.write("outside")

@st.fragment
def part():
    if st.button("Tap", key="tap"):
        st.session_state.taps = st.session_state.get("taps", 0) + 1
    st.write("inside")

part()
"""


def test_a_tap_inside_the_fragment_reruns_only_the_fragment() -> None:
    with browser_runs() as runs:
        at = AppTest.from_string(APP).run()
        runs.target = runs.only_fragment()
        at.button(key="tap").click().run()
        runs.check_last_run()

    assert at.session_state.page_runs == 1
    assert at.session_state.taps == 1
    assert runs.ran == [None, [runs.target]]


def test_without_a_target_every_run_is_the_whole_page() -> None:
    with browser_runs() as runs:
        at = AppTest.from_string(APP).run()
        at.button(key="tap").click().run()
        runs.check_last_run()

    assert at.session_state.page_runs == 2
    assert runs.ran == [None, None]


def test_a_fragment_that_is_not_there_is_refused_not_timed() -> None:
    with browser_runs() as runs:
        at = AppTest.from_string(APP).run()
        runs.target = "no-such-fragment"
        at.run()
        with pytest.raises(RuntimeError, match="drew 0 elements"):
            runs.check_last_run()
