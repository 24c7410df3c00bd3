"""Per-request cancellation: the caller opens a scope; engines register how to stop their work.

The scope travels in a context variable (thread pools copy it), so cancelling one streamed answer
interrupts only the statements it started, not other users' queries on the same connection.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable

log = logging.getLogger("nexatron.cancel")


class CancelScope:
    def __init__(self) -> None:
        self._actions: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self.cancelled = False

    def add(self, action: Callable[[], None]) -> Callable[[], None]:
        """Register `action`; returns `forget` for when the statement is over."""
        with self._lock:
            if not self.cancelled:
                self._actions.append(action)
                return lambda: self._forget(action)
        _run(action)  # cancelled already: stop this work at once
        return _nothing

    def _forget(self, action: Callable[[], None]) -> None:
        with self._lock:
            if action in self._actions:
                self._actions.remove(action)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            actions, self._actions = self._actions, []
        for action in actions:
            _run(action)


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
