"""Iterators of row batches that release their connection when exhausted or closed, and
`JsonRows`, a batch already rendered as JSON text (what the stream route sends).

A stream is fetched in one thread and may be closed from another (the client left): closing waits
for a fetch in flight, since drivers refuse or crash on a cursor closed under a running call.
Interrupt the statement first so that wait is short."""

from __future__ import annotations

import abc
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

import orjson

from nexatron.warehouse.convert import convert_rows

T = TypeVar("T")
Fetched = Sequence[Sequence[Any]]


def rows_json(rows: list[list[Any]]) -> str:
    """JSON-safe rows (`convert_rows`) as one compact JSON array, as the API renders them:
    orjson, or the standard library for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(rows).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(rows, separators=(",", ":"), default=str)


class JsonRows:
    """`count` rows as JSON text: `text` is the inside of a JSON array of rows (each row a JSON
    array), so `"[" + text + "]"` is the batch. The database may have rendered it (DuckDB);
    `rows()` parses it back only when asked (the answer keeps the first rows)."""

    __slots__ = ("_rows", "count", "text")

    def __init__(self, count: int, text: str, rows: list[list[Any]] | None = None) -> None:
        self.count = count
        self.text = text
        self._rows = rows

    @classmethod
    def of(cls, rows: list[list[Any]]) -> JsonRows:
        """JSON-safe rows rendered as `rows_json` does."""
        return cls(len(rows), rows_json(rows)[1:-1], rows)

    def rows(self) -> list[list[Any]]:
        if self._rows is None:
            text = f"[{self.text}]"
            try:
                self._rows = orjson.loads(text)
            except orjson.JSONDecodeError:  # integers beyond 64 bits
                self._rows = json.loads(text)
        return self._rows

    def head(self, n: int) -> JsonRows:
        """The first `n` rows (the stream's row cap cuts the last batch)."""
        return self if n >= self.count else JsonRows.of(self.rows()[:n])


class _Fetching(Iterator[T], Generic[T], abc.ABC):
    """Yields `first`, then `fetch(batch_size)` until empty, each through `convert`; `close()`
    ends the session."""

    def __init__(
        self,
        first: Fetched,
        fetch: Callable[[int], Fetched],
        batch_size: int,
        session: AbstractContextManager[Any],
    ) -> None:
        self._pending: Fetched | None = first
        self._fetch = fetch
        self._batch_size = batch_size
        self._session: AbstractContextManager[Any] | None = session
        self._lock = threading.Lock()
        #: Rows taken from the database so far (a stream holds one batch at a time).
        self.rows_fetched = 0

    @abc.abstractmethod
    def convert(self, batch: Fetched) -> T: ...

    def __next__(self) -> T:
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
            self.rows_fetched += len(batch)
        return self.convert(batch)

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


class Batches(_Fetching[list[list[Any]]]):
    """Batches of JSON-safe Python rows."""

    def convert(self, batch: Fetched) -> list[list[Any]]:
        return convert_rows(batch)


class JsonTextBatches(_Fetching[JsonRows]):
    """Batches of rows the database rendered as JSON text: one text column per row, and with
    `flags_wide` a second one, true when the row holds an integer beyond 64 bits. A batch with
    such a row is written as the Python path writes it (`JsonRows.of`: the standard library's
    JSON for the whole batch, since orjson refuses the integer)."""

    flags_wide = False

    def convert(self, batch: Fetched) -> JsonRows:
        if not self.flags_wide:
            return JsonRows(len(batch), ",".join([text for (text,) in batch]))
        text = ",".join([row[0] for row in batch])
        if any(row[1] for row in batch):
            return JsonRows.of(json.loads(f"[{text}]"))
        return JsonRows(len(batch), text)


class RenderedBatches(Iterator[JsonRows]):
    """Batches of Python rows rendered as JSON in Python, one batch at a time (the engines whose
    database does not render JSON); `close()` closes the rows' iterator."""

    def __init__(self, batches: Iterator[list[list[Any]]]) -> None:
        self._batches = batches
        #: Rows taken from the database so far (a stream holds one batch at a time).
        self.rows_fetched = 0

    def __next__(self) -> JsonRows:
        batch = next(self._batches)
        self.rows_fetched += len(batch)
        return JsonRows.of(batch)

    def close(self) -> None:
        close = getattr(self._batches, "close", None)
        if close is not None:
            close()
