"""PostgreSQL on the local service: the full proof plus timeouts, streaming, cancel, secrets."""

from __future__ import annotations

import logging
import threading
import time
import traceback

import pytest

from nexatron.warehouse import QueryFailed, QueryTimeout, open_engine, parse_config
from nexatron.warehouse.cancel import CURRENT, CancelScope
from nexatron.warehouse.engines.postgres import PostgresConfig, PostgresEngine

from . import wh_dataset as dataset
from . import wh_proof as proof
from .wh_dataset import CANARY


def engine_for(schema: str) -> PostgresEngine:
    config = parse_config(
        "postgres",
        {"host": "127.0.0.1", "database": "test", "user": "postgres", "schemas": [schema]},
    )
    engine = open_engine("postgres", config)
    assert isinstance(engine, PostgresEngine)
    return engine


@pytest.fixture
def pg(pg_schema: str) -> PostgresEngine:
    engine = engine_for(pg_schema)
    yield engine  # type: ignore[misc]
    engine.dispose()


def test_proof(pg: PostgresEngine, pg_schema: str) -> None:
    proof.check_test(pg)
    snap = pg.introspect()
    proof.check_schema(snap, pg_schema)
    assert {t.schema_name for t in snap.tables} == {pg_schema}  # schemas filter, no pg_catalog
    proof.check_query(pg, dataset.proof_sql(pg_schema, "DATE '2024-02-01'"))
    count = f"SELECT COUNT(*), SUM(amount) FROM {pg_schema}.orders"
    proof.check_writes_refused(pg, dataset.write_attempts(pg_schema), count)
    assert pg.introspect().table(f"{pg_schema}.evil") is None
    proof.check_row_cap(pg, f"SELECT * FROM {pg_schema}.orders ORDER BY id")


def test_statements_that_escape_a_transaction_are_refused(
    pg: PostgresEngine, pg_schema: str
) -> None:
    for sql in (
        f"COMMIT; DROP TABLE {pg_schema}.orders",
        f"SET TRANSACTION READ WRITE; DELETE FROM {pg_schema}.orders",
        f"SELECT 1; INSERT INTO {pg_schema}.customers VALUES (7, 'x', 'y')",
    ):
        with pytest.raises(QueryFailed, match="exactly one statement"):
            pg.execute(sql, timeout_s=5, row_cap=10)
    rows = pg.execute(f"SELECT COUNT(*) FROM {pg_schema}.orders", timeout_s=5, row_cap=1).rows
    assert rows == [[len(dataset.ORDERS)]]


def test_statement_timeout(pg: PostgresEngine) -> None:
    start = time.perf_counter()
    with pytest.raises(QueryTimeout):
        pg.execute("SELECT pg_sleep(5)", timeout_s=0.3, row_cap=1)
    assert time.perf_counter() - start < 3
    assert pg.execute("SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]  # pool still fine


def test_stream_uses_batches_and_releases_connection(pg: PostgresEngine) -> None:
    columns, batches = pg.stream(
        "SELECT g, g * 2 AS h FROM generate_series(1, 2500) g", timeout_s=10, batch_size=1000
    )
    assert [c.name for c in columns] == ["g", "h"]
    sizes = [len(b) for b in batches]
    assert sizes == [1000, 1000, 500]
    columns, batches = pg.stream(
        "SELECT g FROM generate_series(1, 10000000) g", timeout_s=10, batch_size=100
    )
    assert next(batches)[0] == [1]
    batches.close()  # type: ignore[attr-defined]
    assert pg.engine().pool.checkedout() == 0  # type: ignore[attr-defined]


def test_cancel_stops_a_running_query(pg: PostgresEngine) -> None:
    timer = threading.Timer(0.3, pg.cancel)
    timer.start()
    start = time.perf_counter()
    with pytest.raises(QueryFailed, match="cancel"):
        pg.execute("SELECT pg_sleep(10)", timeout_s=30, row_cap=1)
    assert time.perf_counter() - start < 5


def test_values_are_json_safe(pg: PostgresEngine) -> None:
    sql = (
        "SELECT 1.5::numeric AS a, 12345678901234567.89::numeric AS b, "
        "TIMESTAMPTZ '2024-01-02 03:04:05+02' AS c, DATE '2024-01-02' AS d, "
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS e, '\\x0102'::bytea AS f, "
        "'NaN'::float8 AS g, NULL::int AS h, true AS i"
    )
    result = pg.execute(sql, timeout_s=5, row_cap=1)
    a, b, c, d, e, f, g, h, i = result.rows[0]
    assert a == 1.5 and b == "12345678901234567.89"
    assert c.startswith("2024-01-02T01:04:05") and c.endswith("+00:00")
    assert d == "2024-01-02" and e == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    assert f == "AQI=" and g is None and h is None and i is True
    kinds = [col.type for col in result.columns]
    assert kinds[:4] == ["number", "number", "timestamp", "date"] and kinds[-1] == "boolean"


def test_wrong_password_is_classified_and_never_leaked(
    pg_auth_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    good = PostgresEngine(
        PostgresConfig(
            host="127.0.0.1",
            port=pg_auth_port,
            database="postgres",
            user="postgres",
            password=CANARY,
            sslmode="disable",
        )
    )
    assert good.test().ok
    wrong_pw = CANARY + "-wrong"
    bad = PostgresEngine(
        PostgresConfig(
            host="127.0.0.1",
            port=pg_auth_port,
            database="postgres",
            user="postgres",
            password=wrong_pw,
            sslmode="disable",
        )
    )
    result = bad.test()
    assert result.error_code == "authentication_failed"
    assert "password" in (result.detail or "").lower()
    with pytest.raises(QueryFailed) as info:
        bad.execute("SELECT 1", timeout_s=5, row_cap=1)
    text = "".join(traceback.format_exception(info.value)) + repr(info.value) + str(result)
    assert "Authentication failed" in str(info.value.detail)
    for secret in (CANARY, wrong_pw):
        assert secret not in text
        assert secret not in caplog.text
    missing = PostgresEngine(
        PostgresConfig(
            host="127.0.0.1",
            port=pg_auth_port,
            database="nope",
            user="postgres",
            password=CANARY,
            sslmode="disable",
        )
    )
    assert missing.test().error_code == "database_missing"
    for engine in (good, bad, missing):
        engine.dispose()


def test_unreachable_host_is_classified() -> None:
    engine = PostgresEngine(PostgresConfig(host="127.0.0.1", port=1, database="x", user="u"))
    result = engine.test()
    assert not result.ok and result.error_code == "unreachable"
    assert "host" in (result.detail or "")


def test_a_scope_cancelled_before_the_statement_starts_still_stops_it(pg: PostgresEngine) -> None:
    """PostgreSQL ignores a cancel request that arrives before its statement: the scope repeats."""
    scope = CancelScope()
    scope.cancel()
    token = CURRENT.set(scope)
    start = time.perf_counter()
    try:
        with pytest.raises(QueryFailed, match="cancel"):
            pg.execute("SELECT pg_sleep(20)", timeout_s=30, row_cap=1)
    finally:
        CURRENT.reset(token)
    assert time.perf_counter() - start < 5
    assert pg.execute("SELECT 1 AS one", timeout_s=5, row_cap=1).rows == [[1]]
