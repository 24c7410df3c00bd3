"""connections.tester.ConnectPool: callers of one running key share its result, within a bound."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from nexatron.connections.tester import ConnectPool
from nexatron.errors import RateLimited


def test_callers_of_a_running_key_wait_for_its_result_up_to_a_bound() -> None:
    pool = ConnectPool(workers=2, per_tenant=2, what="builds", name="t", waiters_per_key=3)
    started, release = threading.Event(), threading.Event()
    runs = []

    def build() -> str:
        runs.append(1)
        started.set()
        release.wait(10)
        return "values"

    try:
        with ThreadPoolExecutor(max_workers=8) as callers:
            first = callers.submit(pool.run, "t1", build, key="values:c1:v1")
            assert started.wait(5)
            joined = [callers.submit(pool.run, "t1", build, key="values:c1:v1") for _ in range(3)]
            time.sleep(0.2)  # the three join the running build
            with pytest.raises(RateLimited):  # a fourth would pile up one more held thread
                pool.run("t1", build, key="values:c1:v1")
            release.set()
            assert first.result(5) == "values"
            assert [f.result(5) for f in joined] == ["values"] * 3
        assert len(runs) == 1  # one build for all of them
        assert pool.run("t1", build, key="values:c1:v1") == "values"  # done: a new build runs
        assert len(runs) == 2
    finally:
        release.set()
        pool.close()


def test_a_failed_build_fails_every_caller_that_waited_for_it() -> None:
    pool = ConnectPool(workers=1, per_tenant=1, what="builds", name="t")
    started, release = threading.Event(), threading.Event()

    def build() -> str:
        started.set()
        release.wait(10)
        raise TimeoutError("silent host")

    try:
        with ThreadPoolExecutor(max_workers=2) as callers:
            first = callers.submit(pool.run, "t1", build, key="k")
            assert started.wait(5)
            second = callers.submit(pool.run, "t1", build, key="k")
            time.sleep(0.2)
            release.set()
            for caller in (first, second):
                with pytest.raises(TimeoutError):
                    caller.result(5)
    finally:
        release.set()
        pool.close()
