"""The one timer thread: deadlines fire in order, a new earliest one wakes it, cancelled ones
never fire."""

from __future__ import annotations

import threading
import time

from nexatron.warehouse.watchdog import Watchdog


def test_an_earlier_deadline_added_later_fires_first_and_cancelled_ones_never() -> None:
    dog = Watchdog()
    fired: list[str] = []
    done = threading.Event()
    dog.schedule(30.0, lambda: fired.append("late"))  # the thread now sleeps ~30 s
    cancelled = dog.schedule(0.05, lambda: fired.append("cancelled"))
    cancelled.cancel()
    start = time.monotonic()
    dog.schedule(0.1, lambda: (fired.append("early"), done.set()))
    assert done.wait(5)
    assert time.monotonic() - start < 2  # woken for the new earliest deadline
    time.sleep(0.1)
    assert fired == ["early"]
