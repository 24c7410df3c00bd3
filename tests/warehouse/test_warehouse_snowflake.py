"""Snowflake: the real snowflake-connector-python and snowflake-sqlalchemy against fakesnow's
HTTP server (its own virtualenv; it adds a password check so wrong credentials really fail).
Snowflake has no read-only transaction, so writes are refused by the statement check."""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest

from nexatron.errors import ValidationFailed
from nexatron.warehouse import QueryFailed, open_engine, parse_config
from nexatron.warehouse.engines.snowflake import SnowflakeEngine

from . import wh_dataset as dataset
from . import wh_proof as proof
from .wh_dataset import CANARY

pytestmark = pytest.mark.slow


def config(port: int, database: str, password: str = CANARY) -> dict[str, object]:
    return {
        "account": "fakesnow",
        "user": "nexatron",
        "password": password,
        "database": database,
        "schema_name": "SALES",
        "warehouse": "WH",
        "host": "127.0.0.1",
        "port": port,
        "protocol": "http",
    }


@pytest.fixture
def sf(fakesnow_port: int, snowflake_db: str) -> Iterator[SnowflakeEngine]:
    engine = open_engine(
        "snowflake", parse_config("snowflake", config(fakesnow_port, snowflake_db))
    )
    assert isinstance(engine, SnowflakeEngine)
    yield engine
    engine.dispose()


def test_config_needs_a_credential() -> None:
    data = {"account": "a", "user": "u", "database": "d"}
    with pytest.raises(ValidationFailed) as info:
        parse_config("snowflake", data)
    assert "password or private_key" in str(info.value.detail)
    engine = open_engine(
        "snowflake", parse_config("snowflake", {**data, "password": "p", "role": "R"})
    )
    assert isinstance(engine, SnowflakeEngine)
    assert engine.url().host == "a" and engine.connect_args()["role"] == "R"
    assert "p" not in repr(engine.url())


def test_proof(sf: SnowflakeEngine, snowflake_db: str) -> None:
    proof.check_test(sf)
    snap = sf.introspect()
    assert snap.default_schema == "SALES"
    orders = snap.table("SALES.ORDERS")
    assert orders is not None and [c.name for c in orders.columns][:2] == ["ID", "CUSTOMER_ID"]
    assert {c.name: c.type for c in orders.columns} == {
        "ID": "integer",
        "CUSTOMER_ID": "integer",
        "ORDER_DATE": "date",
        "AMOUNT": "decimal",
    }
    assert orders.primary_key == ["ID"]
    # fakesnow's information_schema.tables omits views (real Snowflake lists them as VIEW).
    assert not any(t.schema_name == "INFORMATION_SCHEMA" for t in snap.tables)
    proof.check_query(sf, dataset.proof_sql(f"{snowflake_db}.SALES", "'2024-02-01'::DATE"))
    count = f"SELECT COUNT(*), SUM(amount) FROM {snowflake_db}.SALES.ORDERS"
    writes = [
        *dataset.write_attempts(f"{snowflake_db}.SALES"),
        f"SELECT * INTO {snowflake_db}.SALES.X FROM {snowflake_db}.SALES.ORDERS",
    ]
    proof.check_writes_refused(sf, writes, count)
    proof.check_row_cap(sf, f"SELECT * FROM {snowflake_db}.SALES.ORDERS ORDER BY id")


def test_wrong_password(fakesnow_port: int, snowflake_db: str) -> None:
    wrong = CANARY + "-nope"
    engine = open_engine(
        "snowflake", parse_config("snowflake", config(fakesnow_port, snowflake_db, wrong))
    )
    result = engine.test()
    assert result.error_code == "authentication_failed", result.detail
    with pytest.raises(QueryFailed) as info:
        engine.execute("SELECT 1", timeout_s=5, row_cap=1)
    text = "".join(traceback.format_exception(info.value)) + str(result)
    assert wrong not in text and CANARY not in text
