"""Per-request cancellation: the caller opens a scope; engines register how to stop their work.

The scope travels in a context variable (thread pools copy it), so cancelling one streamed answer
interrupts only the statements it started, not other users' queries on the same connection.

Drivers forget an interrupt that arrives before their statement starts (DuckDB, SQLite and a
PostgreSQL cancel request all do), and a client can leave in that instant. So a cancelled scope
interrupts again, backing off, until the engine says the statement is over.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable

from nexatron.warehouse.watchdog import WATCHDOG

log = logging.getLogger("nexatron.cancel")

#: The first repeat comes after this long; each next one after twice as long, up to `_LAST`.
_FIRST = 0.02
_LAST = 1.0


class _Interrupt:
    """One statement's interrupt: once fired it repeats until `forget`. A repeat never runs
    after `forget` returns, so a late one cannot hit the connection's next statement."""

    __slots__ = ("_action", "_delay", "_lock", "_over")

    def __init__(self, action: Callable[[], None]) -> None:
        self._action = action
        self._lock = threading.Lock()
        self._over = False
        self._delay = _FIRST

    def fire(self) -> None:
        with self._lock:
            if self._over:
                return
            _run(self._action)
            delay, self._delay = self._delay, min(self._delay * 2, _LAST)
        WATCHDOG.schedule(delay, self.fire)

    def forget(self) -> None:
        with self._lock:
            self._over = True


class CancelScope:
    def __init__(self) -> None:
        self._actions: list[_Interrupt] = []
        self._lock = threading.Lock()
        self.cancelled = False

    def add(self, action: Callable[[], None]) -> Callable[[], None]:
        """Register `action`; returns `forget` for when the statement is over."""
        interrupt = _Interrupt(action)
        with self._lock:
            if not self.cancelled:
                self._actions.append(interrupt)
                return lambda: self._forget(interrupt)
        interrupt.fire()  # cancelled already: stop this work as soon as it starts
        return interrupt.forget

    def _forget(self, interrupt: _Interrupt) -> None:
        interrupt.forget()
        with self._lock:
            if interrupt in self._actions:
                self._actions.remove(interrupt)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            actions, self._actions = self._actions, []
        for interrupt in actions:
            interrupt.fire()


def _run(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:
        log.debug("cancel action failed", exc_info=True)


CURRENT: contextvars.ContextVar[CancelScope | None] = contextvars.ContextVar(
    "nexatron_cancel_scope", default=None
)


def _nothing() -> None:
    return None


def on_cancel(action: Callable[[], None]) -> Callable[[], None]:
    """Called by engines when they start a statement: how to interrupt it. Returns `forget`,
    to call when the statement is over (so a late cancel cannot hit a pooled connection)."""
    scope = CURRENT.get()
    return scope.add(action) if scope is not None else _nothing
