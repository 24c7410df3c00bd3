"""Base for in-process file engines (DuckDB, SQLite): read-only connections, a timer thread
that interrupts statements past their timeout, capped fetches and streaming."""

from __future__ import annotations

import abc
import atexit
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from nexatron.errors import NexatronError, ServiceUnavailable
from nexatron.warehouse import catalog
from nexatron.warehouse.base import Engine
from nexatron.warehouse.cancel import on_cancel
from nexatron.warehouse.convert import capped_result, result_columns
from nexatron.warehouse.policy import UNCHECKED, Gate
from nexatron.warehouse.probe import bounded_test, connect_failure, query_error
from nexatron.warehouse.readonly import ensure_single_statement
from nexatron.warehouse.sqla import Snapshot
from nexatron.warehouse.stream import Batches
from nexatron.warehouse.types import ResultColumn, ResultSet, SchemaSnapshot, TestResult
from nexatron.warehouse.watchdog import WATCHDOG

Interrupt = Callable[[], None]

#: Every open file engine, for `_interrupt_all` at interpreter exit.
_LIVE: weakref.WeakSet[FileEngine] = weakref.WeakSet()
_EXITING = threading.Event()


class FileEngine(Engine):
    """Subclasses open a read-only cursor and say how to interrupt it."""

    def __init__(
        self, config: Any, *, connect_timeout_s: float = 10.0, gate: Gate = UNCHECKED
    ) -> None:
        super().__init__(config, connect_timeout_s=connect_timeout_s, gate=gate)
        self._active: dict[int, Interrupt] = {}
        # The last full check: (configured path, identity of the file there, answer).
        self._checked: tuple[str, tuple[int, ...], str] | None = None
        _LIVE.add(self)

    @abc.abstractmethod
    def open_cursor(self) -> tuple[Any, Interrupt, Callable[[], None]]:
        """(cursor, interrupt, close) on a read-only connection. Implementations open
        `self.checked_path()`, never the configured path itself."""

    def checked_path(self, *, reusing: bool = False) -> str:
        """The policy's answer for this open: the resolved file to open (warehouse/policy.py).

        `reusing`: the engine already holds this file open and only takes a new cursor on it.
        Then, when the file at the configured path is still the very one the last full check
        passed (same device, inode, type and link count, read with one lstat), that answer is
        reused; anything else (swapped, linked, removed) runs the full check again. A real
        open always runs the full check."""
        raw = str(getattr(self.config, "path", ""))
        memo = self._checked
        if reusing and memo is not None and memo[0] == raw and _identity(raw) == memo[1]:
            return memo[2]
        before = _identity(raw)
        answer = str(self.gate.check_file(raw))
        if before is not None and _identity(raw) == before:
            self._checked = (raw, before, answer)
        else:
            self._checked = None
        return answer

    def _open(self) -> tuple[Any, Interrupt, Callable[[], None]]:
        try:
            return self.open_cursor()
        except NexatronError:
            raise
        except Exception as exc:
            raise connect_failure(exc) from None

    @abc.abstractmethod
    def server_version(self, cursor: Any) -> str: ...

    @abc.abstractmethod
    def catalog_rows(self, cursor: Any) -> Snapshot: ...

    def test(self) -> TestResult:
        def probe() -> str | None:
            with self.session(self.connect_timeout_s, map_errors=False) as cursor:
                return self.server_version(cursor)

        return bounded_test(self, probe)

    def introspect(self) -> SchemaSnapshot:
        with self.session(max(60.0, self.connect_timeout_s)) as cursor:
            default_schema, tables, columns, keys = self.catalog_rows(cursor)
        return catalog.build_snapshot(default_schema, tables, columns, keys)

    def execute(self, sql: str, *, timeout_s: float, row_cap: int) -> ResultSet:
        ensure_single_statement(sql, self.dialect)
        start = time.perf_counter()
        with self.session(timeout_s) as cursor:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description or ()]
            raw = cursor.fetchmany(row_cap + 1) if names else []
        return capped_result(names, raw, row_cap, start)

    def stream(
        self, sql: str, *, timeout_s: float, batch_size: int = 1000
    ) -> tuple[list[ResultColumn], Iterator[list[list[Any]]]]:
        ensure_single_statement(sql, self.dialect)
        ctx = self.session(timeout_s)
        cursor = ctx.__enter__()
        try:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description or ()]
            first = cursor.fetchmany(batch_size) if names else []
        except BaseException as exc:
            ctx.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return result_columns(names, first), Batches(first, cursor.fetchmany, batch_size, ctx)

    def cancel(self) -> None:
        for interrupt in list(self._active.values()):
            interrupt()

    @contextmanager
    def session(self, timeout_s: float, *, map_errors: bool = True) -> Iterator[Any]:
        """A read-only cursor interrupted after `timeout_s`; closed afterwards."""
        fired = threading.Event()
        if _EXITING.is_set():
            raise ServiceUnavailable("The server is shutting down; ask again shortly.")
        try:
            cursor, interrupt, close = self._open()
            key = id(cursor)
            self._active[key] = interrupt
            forget = on_cancel(interrupt)

            def fire() -> None:
                fired.set()
                interrupt()

            timer = WATCHDOG.schedule(timeout_s, fire)
            try:
                yield cursor
            finally:
                timer.cancel()
                self._active.pop(key, None)
                forget()
                close()
        except NexatronError:
            raise
        except Exception as exc:
            if not map_errors:
                raise
            error = query_error(exc, [], timeout_s, fired.is_set())
        else:
            return
        raise error from None


def _identity(path: str) -> tuple[int, ...] | None:
    """What tells one file at `path` from another (lstat: a link is not its target)."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino, info.st_mode, info.st_nlink)


def _interrupt_all(wait_s: float = 2.0) -> None:
    """At interpreter exit, stop the statements still running in this process and give their
    threads a moment to leave the driver: a daemon thread still inside DuckDB when Python
    finalises aborts the whole process. No statement starts afterwards."""
    _EXITING.set()
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        engines = [engine for engine in list(_LIVE) if engine._active]
        if not engines:
            return
        for engine in engines:
            engine.cancel()
        time.sleep(0.01)


atexit.register(_interrupt_all)
