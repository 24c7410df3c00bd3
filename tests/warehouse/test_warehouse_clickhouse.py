"""ClickHouse on the local server (scripts/start-clickhouse.sh, Debian's 18.16 build):
every statement runs with readonly=1 and max_execution_time."""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator

import pytest

from nexatron.warehouse import QueryFailed, QueryTimeout, open_engine, parse_config
from nexatron.warehouse.engines.clickhouse import ClickHouseEngine

from . import wh_dataset as dataset
from . import wh_proof as proof
from .wh_dataset import CANARY


@pytest.fixture
def ch(clickhouse_db: str) -> Iterator[ClickHouseEngine]:
    engine = open_engine(
        "clickhouse", parse_config("clickhouse", {"host": "127.0.0.1", "database": clickhouse_db})
    )
    assert isinstance(engine, ClickHouseEngine)
    yield engine
    engine.dispose()


def test_proof(ch: ClickHouseEngine, clickhouse_db: str) -> None:
    proof.check_test(ch)
    snap = ch.introspect()
    proof.check_schema(snap, clickhouse_db, keys=False)  # ClickHouse has no PK/FK constraints
    assert snap.default_schema == clickhouse_db
    assert all(t.schema_name != "system" for t in snap.tables)
    assert snap.table(f"{clickhouse_db}.orders").row_count == len(dataset.ORDERS)  # type: ignore[union-attr]
    proof.check_query(ch, dataset.proof_sql(clickhouse_db, "toDate('2024-02-01')"))
    count = f"SELECT count(), sum(amount) FROM {clickhouse_db}.orders"
    proof.check_writes_refused(ch, dataset.write_attempts(clickhouse_db, "clickhouse"), count)
    assert ch.introspect().table(f"{clickhouse_db}.evil") is None
    proof.check_row_cap(ch, f"SELECT * FROM {clickhouse_db}.orders ORDER BY id")


def test_timeout_and_stream(ch: ClickHouseEngine) -> None:
    start = time.perf_counter()
    with pytest.raises(QueryTimeout):
        ch.execute("SELECT count() FROM system.numbers", timeout_s=1, row_cap=1)
    assert time.perf_counter() - start < 5
    columns, batches = ch.stream(
        "SELECT number FROM system.numbers LIMIT 2500", timeout_s=10, batch_size=1000
    )
    assert [c.name for c in columns] == ["number"]
    assert [len(b) for b in batches] == [1000, 1000, 500]
    columns, batches = ch.stream("SELECT number FROM system.numbers", timeout_s=10, batch_size=100)
    assert next(batches)[0] == [0]
    batches.close()  # type: ignore[attr-defined]
    assert ch.execute("SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]


def test_wrong_password() -> None:
    engine = open_engine(
        "clickhouse",
        parse_config("clickhouse", {"host": "127.0.0.1", "user": "nexatron", "password": CANARY}),
    )
    result = engine.test()
    assert result.error_code == "authentication_failed"
    with pytest.raises(QueryFailed) as info:
        engine.execute("SELECT 1", timeout_s=5, row_cap=1)
    assert CANARY not in "".join(traceback.format_exception(info.value)) + str(result)
    good = open_engine(
        "clickhouse",
        parse_config(
            "clickhouse", {"host": "127.0.0.1", "user": "nexatron", "password": "nexatron"}
        ),
    )
    assert good.test().ok
    missing = open_engine(
        "clickhouse", parse_config("clickhouse", {"host": "127.0.0.1", "database": "nx_no_such_db"})
    )
    assert missing.test().error_code == "database_missing"
