"""One timer thread for every statement timeout (a `threading.Timer` per query costs a thread)."""

from __future__ import annotations

import atexit
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
        self._running: set[threading.Thread] = set()
        self._stopped = False

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
                while not self._heap or self._stopped:
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
                thread = threading.Thread(
                    target=self._fire, args=(action,), name="nexatron-timeout", daemon=True
                )
                self._running.add(thread)
                thread.start()

    def _fire(self, action: Callable[[], None]) -> None:
        try:
            action()
        finally:
            with self._cv:
                self._running.discard(threading.current_thread())

    def stop(self, wait_s: float = 2.0) -> None:
        """Fire nothing more and let the actions already running finish (interpreter exit: a
        daemon thread still inside a database driver then would abort the process)."""
        with self._cv:
            self._stopped = True
            running = list(self._running)
        end = time.monotonic() + wait_s
        for thread in running:
            thread.join(max(0.0, end - time.monotonic()))


WATCHDOG = Watchdog()
atexit.register(WATCHDOG.stop)
