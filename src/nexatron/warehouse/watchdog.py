"""One timer thread for every statement timeout (a `threading.Timer` per query costs a thread)."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Deadline:
    __slots__ = ("cancelled",)

    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Watchdog:
    """Calls each scheduled function once its delay has passed, unless it was cancelled."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline, Callable[[], None]]] = []
        self._cv = threading.Condition()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, delay_s: float, action: Callable[[], None]) -> Deadline:
        deadline = Deadline()
        with self._cv:
            entry = (time.monotonic() + delay_s, next(self._order), deadline, action)
            heapq.heappush(self._heap, entry)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="nexatron-watchdog", daemon=True
                )
                self._thread.start()
            if self._heap[0] is entry:
                # Only a new earliest deadline needs the thread awake; waking it for every
                # query would have it compete for the GIL with the requests it watches.
                self._cv.notify()
        return deadline

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._heap:
                    self._cv.wait()
                due, _n, deadline, action = self._heap[0]
                if deadline.cancelled:
                    heapq.heappop(self._heap)
                    continue
                wait = due - time.monotonic()
                if wait > 0:
                    self._cv.wait(wait)
                    continue
                heapq.heappop(self._heap)
            # Fired timeouts are rare; a slow cancel must not delay the other deadlines.
            threading.Thread(target=action, name="nexatron-timeout", daemon=True).start()


WATCHDOG = Watchdog()
