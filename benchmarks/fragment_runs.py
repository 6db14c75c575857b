"""AppTest runs asked for as a browser asks when a widget inside a `st.fragment` is used: rerun
that fragment only, not the page script.

AppTest always runs the whole page: its runner is built with a whole-page run already queued,
and Streamlit folds any later request into it. A browser instead names the fragment its widget
was drawn in (the `fragment_id` on the widget's delta), and the server reruns just that. Here the
runner's queue starts empty, so the request that follows is the browser's, and Streamlit's own
report of what it ran (the fragment ids at SCRIPT_STARTED) is kept with what it drew: a run that
was not exactly that fragment, or drew nothing in it, raises, so a benchmark can never time an
empty or a whole-page run as a fragment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from unittest import mock

from streamlit.runtime.scriptrunner import RerunData, ScriptRunnerEvent
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests
from streamlit.testing.v1 import app_test
from streamlit.testing.v1.local_script_runner import LocalScriptRunner


class FragmentRuns:
    """What the runs saw: fragment ids on drawn elements, and what each run executed."""

    def __init__(self) -> None:
        self.drawn_in: set[str] = set()
        self.target: str | None = None
        self.ran: list[list[str] | None] = []
        self.drawn: list[int] = []  # per run, elements drawn in the target fragment

    def only_fragment(self) -> str:
        """The page's one fragment, as its elements name it."""
        (fragment_id,) = self.drawn_in
        return fragment_id

    def check_last_run(self) -> None:
        if self.target and (self.ran[-1] != [self.target] or not self.drawn[-1]):
            raise RuntimeError(
                f"asked to rerun fragment {self.target}, ran {self.ran[-1]} "
                f"and drew {self.drawn[-1]} elements in it"
            )


@contextmanager
def browser_runs() -> Iterator[FragmentRuns]:
    """While open, AppTest's runs note the fragments drawn, and once `target` is set, each run
    reruns only that fragment (checked after every run by `check_last_run`)."""
    runs = FragmentRuns()

    class BrowserRunner(LocalScriptRunner):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.on_event.connect(self._note, weak=False)
            if runs.target:
                # Drop AppTest's queued whole-page run: the browser's request comes next.
                self._requests = ScriptRequests()

        def request_rerun(self, rerun_data: RerunData) -> bool:
            if runs.target:
                rerun_data = replace(rerun_data, fragment_id=runs.target)
            return super().request_rerun(rerun_data)

        def _note(self, sender: object, event: ScriptRunnerEvent, **data: Any) -> None:
            if event == ScriptRunnerEvent.ENQUEUE_FORWARD_MSG:
                message = data["forward_msg"]
                if message.HasField("delta") and message.delta.fragment_id:
                    runs.drawn_in.add(message.delta.fragment_id)
                    runs.drawn[-1] += message.delta.fragment_id == runs.target
            elif event == ScriptRunnerEvent.SCRIPT_STARTED:
                runs.ran.append(data.get("fragment_ids_this_run"))
                runs.drawn.append(0)

    with mock.patch.object(app_test, "LocalScriptRunner", BrowserRunner):
        yield runs
