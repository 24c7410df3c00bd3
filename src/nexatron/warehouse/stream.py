"""An iterator of JSON-safe row batches that releases its connection when exhausted or closed.

A stream is fetched in one thread and may be closed from another (the client left): closing waits
for a fetch in flight, since drivers refuse or crash on a cursor closed under a running call.
Interrupt the statement first so that wait is short."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from nexatron.warehouse.convert import convert_rows


class Batches(Iterator[list[list[Any]]]):
    """Yields `first`, then `fetch(batch_size)` until empty; `close()` ends the session."""

    def __init__(
        self,
        first: Sequence[Sequence[Any]],
        fetch: Callable[[int], Sequence[Sequence[Any]]],
        batch_size: int,
        session: AbstractContextManager[Any],
    ) -> None:
        self._pending: Sequence[Sequence[Any]] | None = first
        self._fetch = fetch
        self._batch_size = batch_size
        self._session: AbstractContextManager[Any] | None = session
        self._lock = threading.Lock()

    def __next__(self) -> list[list[Any]]:
        with self._lock:
            if self._session is None:
                raise StopIteration
            try:
                pending, self._pending = self._pending, None
                batch = pending if pending is not None else self._fetch(self._batch_size)
            except BaseException as exc:
                self._finish(exc)
                raise
            if not batch:
                self._finish(None)
                raise StopIteration
        return convert_rows(batch)

    def _finish(self, exc: BaseException | None) -> None:
        session, self._session = self._session, None
        if session is not None:
            if exc is None:
                session.__exit__(None, None, None)
            else:
                session.__exit__(type(exc), exc, exc.__traceback__)

    def close(self) -> None:
        """Stop the query and return the connection (rolled back) to the pool; waits for a
        fetch running in another thread to return."""
        with self._lock:
            self._finish(None)

    def __del__(self) -> None:
        self.close()
