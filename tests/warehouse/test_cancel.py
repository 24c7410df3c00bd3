"""Cancelling a request's statements: an interrupt that lands before the driver has started the
statement is repeated until the statement is over, never after; at interpreter exit the
statements still running are stopped so no thread is inside a driver while Python finalises."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from nexatron.errors import NexatronError
from nexatron.warehouse import open_engine, parse_config
from nexatron.warehouse.cancel import CURRENT, CancelScope
from nexatron.warehouse.local import FileEngine
from nexatron.warehouse.pool import EnginePool
from nexatron.warehouse.watchdog import Watchdog

# Tens of billions of joined rows: runs far longer than any test waits.
DUCK_SLOW = "SELECT sum((a.range * b.range) % 97) FROM range(200000) a, range(200000) b"
SQLITE_SLOW = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
    "SELECT sum(i) FROM n"
)


def _duckdb(tmp_path: Path) -> tuple[FileEngine, str]:
    path = tmp_path / "slow.duckdb"
    duckdb.connect(str(path)).close()
    engine = open_engine("duckdb", parse_config("duckdb", {"path": str(path)}))
    assert isinstance(engine, FileEngine)
    return engine, DUCK_SLOW


def _sqlite(tmp_path: Path) -> tuple[FileEngine, str]:
    path = tmp_path / "slow.sqlite"
    sqlite3.connect(path).close()
    engine = open_engine("sqlite", parse_config("sqlite", {"path": str(path)}))
    assert isinstance(engine, FileEngine)
    return engine, SQLITE_SLOW


@pytest.mark.parametrize("make", [_duckdb, _sqlite], ids=["duckdb", "sqlite"])
def test_a_scope_cancelled_before_the_statement_starts_still_stops_it(
    tmp_path: Path, make: object
) -> None:
    engine, slow = make(tmp_path)  # type: ignore[operator]
    scope = CancelScope()
    scope.cancel()  # the client left before the statement reached the database
    token = CURRENT.set(scope)
    start = time.monotonic()
    try:
        with pytest.raises(NexatronError) as caught:
            engine.execute(slow, timeout_s=20, row_cap=1)
    finally:
        CURRENT.reset(token)
    assert time.monotonic() - start < 3, "the first interrupt was lost and never repeated"
    assert "time limit" not in str(caught.value.detail)  # stopped by the cancel, not the timeout
    assert not engine._active
    engine.dispose()


def _run_until_refused(
    engine: FileEngine, call: Callable[[], object], scope: CancelScope | None = None
) -> tuple[threading.Thread, threading.Event]:
    """Start `call` in a thread (under `scope`); the event is set when it fails. Returns once
    the engine has the statement."""
    refused = threading.Event()

    def run() -> None:
        if scope is not None:
            CURRENT.set(scope)
        try:
            call()
        except NexatronError:
            refused.set()

    thread = threading.Thread(target=run)
    thread.start()
    while not engine._active:
        time.sleep(0.001)
    return thread, refused


def test_a_cancel_racing_the_start_of_a_stream_stops_it(tmp_path: Path) -> None:
    engine, slow = _duckdb(tmp_path)
    for _ in range(5):  # cancel at once: usually before DuckDB has begun executing
        scope = CancelScope()
        thread, ended = _run_until_refused(engine, lambda: engine.stream(slow, timeout_s=20), scope)
        scope.cancel()
        assert ended.wait(3), "the statement kept running after its scope was cancelled"
        thread.join(3)
    assert not engine._active
    engine.dispose()


def test_closing_a_stream_while_another_thread_fetches_waits_for_the_fetch(
    tmp_path: Path,
) -> None:
    """The client left mid-fetch: the statement is interrupted and the stream closed from
    another thread. DuckDB refuses a cursor closed under a running call ('connection is busy'),
    so `close` waits for the interrupted fetch, then releases the cursor."""
    engine, _slow = _duckdb(tmp_path)
    rows = "SELECT (a.range * b.range) % 97 AS v FROM range(200000) a, range(200000) b"
    for attempt in range(20):
        scope = CancelScope()
        token = CURRENT.set(scope)
        try:
            _cols, batches = engine.stream(rows, timeout_s=20, batch_size=1000)
        finally:
            CURRENT.reset(token)

        def drain(batches: object = batches) -> None:
            with contextlib.suppress(NexatronError):
                for _ in batches:  # type: ignore[attr-defined]
                    pass

        thread = threading.Thread(target=drain)
        thread.start()
        time.sleep(0.01 + (attempt % 5) * 0.003)  # somewhere inside a fetch
        scope.cancel()
        batches.close()  # type: ignore[attr-defined]
        thread.join(5)
        assert not thread.is_alive()
    assert not engine._active
    engine.dispose()


def test_repeats_back_off_and_stop_once_the_statement_is_over() -> None:
    calls: list[float] = []
    scope = CancelScope()
    forget = scope.add(lambda: calls.append(time.monotonic()))
    scope.cancel()
    time.sleep(0.5)
    # Fired, then repeated while the statement was not over; backing off from 20 ms (a fixed
    # 20 ms would have fired 25 times by now).
    assert 3 <= len(calls) <= 8
    forget()
    settled = len(calls)
    time.sleep(0.3)
    assert len(calls) == settled  # nothing after `forget` returned


def test_an_uncancelled_scope_never_interrupts() -> None:
    calls: list[int] = []
    scope = CancelScope()
    forget = scope.add(lambda: calls.append(1))
    forget()
    scope.cancel()  # the statement was over before the client left
    time.sleep(0.1)
    assert calls == []


def test_closing_the_pool_stops_running_statements(tmp_path: Path) -> None:
    path = tmp_path / "slow.duckdb"
    duckdb.connect(str(path)).close()
    pool = EnginePool()
    engine = pool.get("conn_x", "duckdb", parse_config("duckdb", {"path": str(path)}))
    assert isinstance(engine, FileEngine)
    thread, failed = _run_until_refused(
        engine, lambda: engine.execute(DUCK_SLOW, timeout_s=20, row_cap=1)
    )
    time.sleep(0.2)  # well inside the statement
    pool.close()
    assert failed.wait(3), "shutdown left the statement running"
    thread.join(3)


def test_a_stopped_watchdog_fires_nothing_and_waits_for_running_actions() -> None:
    dog = Watchdog()
    fired: list[str] = []
    started = threading.Event()

    def slow_action() -> None:
        started.set()
        time.sleep(0.3)
        fired.append("slow")

    dog.schedule(0.0, slow_action)
    assert started.wait(3)
    dog.schedule(0.05, lambda: fired.append("late"))
    dog.stop()
    assert fired == ["slow"]  # waited for the running action
    time.sleep(0.2)
    assert fired == ["slow"]  # and fired nothing after


EXIT_SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    import duckdb
    from nexatron.warehouse import open_engine, parse_config

    duckdb.connect(sys.argv[1]).close()
    engine = open_engine("duckdb", parse_config("duckdb", {"path": sys.argv[1]}))
    sql = "SELECT sum((a.range * b.range) % 97) FROM range(1000) a, range(1000) b"

    def run():
        while True:
            engine.execute(sql, timeout_s=60, row_cap=1)

    for _ in range(2):
        threading.Thread(target=run, daemon=True).start()
    while not engine._active:
        time.sleep(0.001)
    time.sleep(0.2)
    print("leaving", flush=True)
    """
)


def test_the_process_exits_cleanly_while_daemon_threads_run_statements(tmp_path: Path) -> None:
    """Without the exit hook this aborts (exit 134, 'terminate called ...') nearly every time:
    a daemon thread comes back from DuckDB while Python finalises."""
    script = tmp_path / "leave.py"
    script.write_text(EXIT_SCRIPT)
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, str(script), str(tmp_path / "x.duckdb")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.stdout.strip() == "leaving"
        assert "terminate called" not in done.stderr
        assert done.returncode == 0, done.stderr[-2000:]
