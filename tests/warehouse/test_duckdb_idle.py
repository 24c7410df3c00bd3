"""An idle DuckDB file is released, so its owner can write it again while the server runs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.warehouse.registry import open_engine, parse_config
from nexatron.warehouse.watchdog import WATCHDOG


def _writable(path: Path) -> bool:
    try:
        with duckdb.connect(str(path)) as con:
            con.execute("INSERT INTO t VALUES (2)")
        return True
    except duckdb.Error:
        return False


def _idle_engine(tmp_path: Path) -> tuple[Path, Any]:
    """A one-row DuckDB file and an engine on it that lets go after 0.3 s idle."""
    path = tmp_path / "data.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    engine = open_engine("duckdb", parse_config("duckdb", {"path": str(path)}))
    engine.idle_close_s = 0.3  # type: ignore[attr-defined]
    return path, engine


def test_idle_handle_is_closed_and_reopened(tmp_path: Path) -> None:
    path, engine = _idle_engine(tmp_path)
    assert engine.execute("SELECT count(*) FROM t", timeout_s=5, row_cap=10).rows == [[1]]
    assert not _writable(path)  # held open right after a query
    time.sleep(0.8)
    assert _writable(path)  # released once idle
    assert engine.execute("SELECT count(*) FROM t", timeout_s=5, row_cap=10).rows == [[2]]
    engine.dispose()


def test_dispose_waits_for_the_running_statement(tmp_path: Path) -> None:
    path = tmp_path / "data.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS x FROM range(5000)")
    engine = open_engine("duckdb", parse_config("duckdb", {"path": str(path)}))
    _cols, batches = engine.stream("SELECT x FROM t", timeout_s=5, batch_size=1000)
    engine.dispose()  # a statement is still streaming: closing now would break it
    assert sum(len(b) for b in batches) == 5000
    with pytest.raises(StopIteration):
        next(batches)
    assert _writable(path)  # closed once the stream ended


def test_one_idle_check_per_engine_and_busy_files_stay_open(tmp_path: Path) -> None:
    path, engine = _idle_engine(tmp_path)
    for _ in range(50):
        engine.execute("SELECT count(*) FROM t", timeout_s=5, row_cap=10)
    checks = [e for e in WATCHDOG._heap if getattr(e[3], "__self__", None) is engine]
    assert len(checks) == 1  # not one per query
    for _ in range(6):  # used every 0.1 s for 0.6 s: never idle for 0.3 s
        time.sleep(0.1)
        engine.execute("SELECT count(*) FROM t", timeout_s=5, row_cap=10)
        assert not _writable(path)
    time.sleep(0.8)
    assert _writable(path)
    engine.dispose()
