"""Full collections are held back only while a big job runs, and the thresholds come back after,
even when jobs overlap on several threads or one fails."""

from __future__ import annotations

import gc
import threading

import pytest

from datawalk.collector import JOB_OLDEST_THRESHOLD, few_full_collections


def test_only_the_oldest_threshold_is_raised_and_it_comes_back():
    before = gc.get_threshold()
    with few_full_collections():
        during = gc.get_threshold()
        assert gc.isenabled()
    assert during[:2] == before[:2]
    assert during[2] == max(before[2], JOB_OLDEST_THRESHOLD)
    assert gc.get_threshold() == before


def test_a_failing_job_puts_the_thresholds_back():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), few_full_collections():
        raise RuntimeError("export failed")
    assert gc.get_threshold() == before


def test_overlapping_jobs_restore_only_when_the_last_one_ends():
    before = gc.get_threshold()
    first_inside, second_done, release = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def long_job():
        with few_full_collections():
            first_inside.set()
            release.wait(5)

    def short_job():
        with few_full_collections():
            pass
        seen.append(gc.get_threshold())
        second_done.set()

    worker = threading.Thread(target=long_job)
    worker.start()
    first_inside.wait(5)
    threading.Thread(target=short_job).start()
    second_done.wait(5)
    release.set()
    worker.join(5)
    assert seen == [(before[0], before[1], max(before[2], JOB_OLDEST_THRESHOLD))]
    assert gc.get_threshold() == before
