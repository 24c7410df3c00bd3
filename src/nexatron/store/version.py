"""A number that moves with every write to what authentication and connection lookup read
(tenants, users, API keys, sessions, connections), so those rows can be cached in a process.

SQLite triggers (migration 0002) bump it in the writing transaction. A reader reads the number
before the rows: if it sees the old number its rows are at least that old, and a new number is
only visible once the rows it covers are. So a row cached under a number stays right until the
number moves, and a revocation on any process is seen by every process on its next request.

The number is read over a plain sqlite3 connection per thread (a few microseconds, against about
fifty for a query through SQLAlchemy). Other stores have no triggers, `current()` is None and
nothing is cached: on PostgreSQL one counter row bumped by every writer would serialise them and
could deadlock transactions that lock rows in different orders.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Engine

T = TypeVar("T")


class MetadataVersion:
    def __init__(self, engine: Engine) -> None:
        database = engine.url.database
        local_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
        self._path = database if local_file else None
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def current(self) -> int | None:
        """The version now, or None when this store has none (then nothing may be cached)."""
        if self._path is None or self._closed:
            return None
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        try:
            if conn is None:
                conn = sqlite3.connect(
                    self._path, isolation_level=None, check_same_thread=False, timeout=30
                )
                with self._lock:
                    self._opened.append(conn)
                self._local.conn = conn
            row = conn.execute("SELECT version FROM metadata_version WHERE id = 1").fetchone()
        except sqlite3.Error:
            return None  # no version table (yet): read everything from the store
        return None if row is None else int(row[0])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()


class _Seen:
    """The version the first read of a request saw (per VersionedRows), shared by reference with
    the request's worker threads (a copied context holds the same object)."""

    __slots__ = ("versions",)

    def __init__(self) -> None:
        self.versions: dict[int, int] = {}


_REQUEST: ContextVar[_Seen | None] = ContextVar("nexatron_metadata_version_seen", default=None)


class VersionedRows:
    """Store rows cached under the metadata version they were read at; a hit needs the version
    unchanged. Without a version (not SQLite) every get loads.

    Inside `request()` (the gateway, around each HTTP request) the version read by the request's
    first `get` is remembered; a later `get(..., same_request=True)` uses it instead of reading it
    again (one SQLite statement, ~45 us on the event loop, issue 18): the query path's connection
    lookup after authentication, with no metadata write of the request between them. Its rows are
    then as of the request's first read, never older; the next request reads the version anew,
    so a change on another node is still seen by the next request.
    """

    def __init__(self, version: MetadataVersion, size: int = 4096) -> None:
        self.version = version
        self._size = size
        self._rows: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    @contextmanager
    def request() -> Iterator[None]:
        """Remember, for this request, the version its first read sees (see the class)."""
        token = _REQUEST.set(_Seen())
        try:
            yield
        finally:
            _REQUEST.reset(token)

    def _current(self, same_request: bool) -> int | None:
        seen = _REQUEST.get()
        if seen is None:
            return self.version.current()
        if same_request:
            remembered = seen.versions.get(id(self))
            if remembered is not None:
                return remembered
        current = self.version.current()
        if current is not None:
            seen.versions.setdefault(id(self), current)
        return current

    def get(self, key: Hashable, load: Callable[[], T], *, same_request: bool = False) -> T:
        """The rows for `key`: cached when the version has not moved, else `load()` (read after
        the version, so it is at least as new). A None result is not kept. `same_request`: the
        version this request read first will do (no write of its own since; see the class)."""
        current = self._current(same_request)
        if current is None:
            return load()
        with self._lock:
            hit = self._rows.get(key)
            if hit is not None and hit[0] == current:
                self._rows.move_to_end(key)
                return hit[1]  # type: ignore[no-any-return]
        value = load()
        if value is not None:
            with self._lock:
                self._rows[key] = (current, value)
                self._rows.move_to_end(key)
                while len(self._rows) > self._size:
                    self._rows.popitem(last=False)
        return value

    def close(self) -> None:
        self.version.close()
