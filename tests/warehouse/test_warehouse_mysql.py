"""MariaDB on the local service: the full proof, DDL refused (no implicit-commit escape),
max_statement_time, KILL QUERY cancel, and a wrong root password never leaked."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import traceback
from collections.abc import Iterator

import pytest

from nexatron.warehouse import QueryFailed, QueryTimeout, open_engine, parse_config
from nexatron.warehouse.cancel import CURRENT, CancelScope
from nexatron.warehouse.engines.mysql import MySQLEngine

from . import wh_dataset as dataset
from . import wh_proof as proof
from .wh_dataset import CANARY


def config(database: str, password: str | None = None) -> dict[str, object]:
    return {"host": "127.0.0.1", "database": database, "user": "root", "password": password}


@pytest.fixture
def my(maria_db: str) -> Iterator[MySQLEngine]:
    engine = open_engine("mysql", parse_config("mysql", config(maria_db)))
    assert isinstance(engine, MySQLEngine)
    yield engine
    engine.dispose()


def test_proof(my: MySQLEngine, maria_db: str) -> None:
    proof.check_test(my)
    assert "MariaDB" in (my.test().server_version or "")
    snap = my.introspect()
    proof.check_schema(snap, maria_db)
    assert snap.default_schema == maria_db
    assert {t.schema_name for t in snap.tables} == {maria_db}
    proof.check_query(my, dataset.proof_sql(maria_db, "DATE '2024-02-01'"))
    count = f"SELECT COUNT(*), SUM(amount) FROM {maria_db}.orders"
    writes = [
        *dataset.write_attempts(maria_db),
        f"TRUNCATE TABLE {maria_db}.orders",
        f"RENAME TABLE {maria_db}.orders TO {maria_db}.orders2",
    ]
    proof.check_writes_refused(my, writes, count)
    assert my.introspect().table("evil") is None
    proof.check_row_cap(my, f"SELECT * FROM {maria_db}.orders ORDER BY id")


def test_session_read_write_switch_does_not_stick(my: MySQLEngine, maria_db: str) -> None:
    my.execute("SET SESSION TRANSACTION READ WRITE", timeout_s=5, row_cap=1)
    with pytest.raises(QueryFailed, match="READ ONLY"):
        my.execute(f"DELETE FROM {maria_db}.orders", timeout_s=5, row_cap=1)


def test_statement_timeout_and_cancel(my: MySQLEngine) -> None:
    start = time.perf_counter()
    with pytest.raises(QueryTimeout):
        my.execute("SELECT SLEEP(5) FROM DUAL", timeout_s=0.3, row_cap=1)
    assert time.perf_counter() - start < 3
    timer = threading.Timer(0.3, my.cancel)
    timer.start()
    start = time.perf_counter()
    with pytest.raises(QueryFailed, match="interrupted"):
        my.execute("SELECT SLEEP(10) AS s FROM seq_1_to_3", timeout_s=30, row_cap=1)
    assert time.perf_counter() - start < 5


def test_stream(my: MySQLEngine) -> None:
    sql = "SELECT seq FROM seq_1_to_2500"  # MariaDB's sequence engine
    columns, batches = my.stream(sql, timeout_s=10, batch_size=1000)
    assert [c.name for c in columns] == ["seq"]
    assert [len(b) for b in batches] == [1000, 1000, 500]


def test_wrong_password(maria_db: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    engine = open_engine("mysql", parse_config("mysql", config(maria_db, CANARY)))
    result = engine.test()
    assert result.error_code == "authentication_failed"
    with pytest.raises(QueryFailed) as info:
        engine.execute("SELECT 1", timeout_s=5, row_cap=1)
    text = "".join(traceback.format_exception(info.value)) + str(result) + caplog.text
    assert CANARY not in text
    missing = open_engine("mysql", parse_config("mysql", config("nx_no_such_db")))
    assert missing.test().error_code == "database_missing"


def test_a_scope_cancelled_before_the_statement_starts_still_stops_it(my: MySQLEngine) -> None:
    """KILL QUERY before the statement starts does nothing: the scope repeats it until it lands."""
    scope = CancelScope()
    scope.cancel()
    token = CURRENT.set(scope)
    start = time.perf_counter()
    try:
        result = my.execute("SELECT SLEEP(20) AS s", timeout_s=30, row_cap=1)
    except QueryFailed:
        result = None
    finally:
        CURRENT.reset(token)
    # MariaDB ends a killed SLEEP early, returning 1 (or the statement fails as interrupted).
    assert result is None or result.rows == [[1]]
    assert time.perf_counter() - start < 5
    assert my.execute("SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]


def test_cancelling_every_statement_of_a_full_pool(my: MySQLEngine) -> None:
    """Ten statements hold all ten pooled connections; each kill uses a connection of its own,
    so cancelling them all does not wait for the pool."""
    scopes = [CancelScope() for _ in range(10)]
    ended: list[float] = []

    def run(scope: CancelScope) -> None:
        CURRENT.set(scope)
        with contextlib.suppress(QueryFailed):
            my.execute("SELECT SLEEP(20) AS s", timeout_s=30, row_cap=1)
        ended.append(time.perf_counter())

    threads = [threading.Thread(target=run, args=(scope,)) for scope in scopes]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(my._active) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(my._active) == 10  # the pool is full
    start = time.perf_counter()
    for scope in scopes:
        scope.cancel()
    for thread in threads:
        thread.join(15)
    assert len(ended) == 10 and max(ended) - start < 5
