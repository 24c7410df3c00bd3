"""Legitimate analytical queries pass the guard and, row-capped, run on DuckDB and PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest
import sqlglot
import yaml

from nexatron.guard import check_sql, enforce_row_cap

QUERIES: list[str] = yaml.safe_load(
    (Path(__file__).parent / "legit_corpus.yaml").read_text("utf-8")
)["queries"]
ALLOWED = {"public.stores", "public.sales"}
SETUP = [
    "CREATE TABLE stores (id INT PRIMARY KEY, name VARCHAR(40), region VARCHAR(20))",
    "CREATE TABLE sales (id INT PRIMARY KEY, store_id INT REFERENCES stores (id), "
    "sold_on DATE, amount DECIMAL(10, 2), qty INT)",
    "INSERT INTO stores VALUES (1, 'South Hub', 'south'), (2, 'Northgate', 'north'), "
    "(3, 'Idle', NULL)",
    "INSERT INTO sales VALUES (1, 1, DATE '2025-01-05', 120.00, 3), "
    "(2, 1, DATE '2025-02-10', 15.50, 1), "
    "(3, 2, DATE '2025-02-11', 60.00, 2), (4, 2, DATE '2025-03-20', 7.25, 1), "
    "(5, 1, DATE '2025-03-28', 42.00, 4)",
]


def test_corpus_size() -> None:
    assert len(QUERIES) >= 20


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("legit") / "legit.duckdb"
    with duckdb.connect(str(path)) as con:
        for sql in SETUP:
            con.execute(sql)
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    schema = f"legit_{secrets.token_hex(4)}"
    con = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
    con.autocommit = True
    cur = con.cursor()
    cur.execute(f"CREATE SCHEMA {schema}")
    cur.execute(f"SET search_path TO {schema}")
    for sql in SETUP:
        cur.execute(sql.replace("public.", ""))
    try:
        yield cur, schema
    finally:
        cur.execute(f"DROP SCHEMA {schema} CASCADE")
        con.close()


@pytest.mark.parametrize("sql", QUERIES)
def test_passes_and_runs_on_duckdb(sql: str, duck: duckdb.DuckDBPyConnection) -> None:
    capped = enforce_row_cap(check_sql(sql, "duckdb", allowed_tables=ALLOWED), "duckdb", 1000)
    expected = duck.execute(sql.replace("public.", "")).fetchall()
    got = duck.execute(capped.replace("public.", "")).fetchall()
    assert _in_order(sql, got) == _in_order(sql, expected)


@pytest.mark.parametrize("sql", QUERIES)
def test_passes_and_runs_on_postgres(sql: str, pg: Any) -> None:
    cur, schema = pg
    capped = enforce_row_cap(check_sql(sql, "postgres", allowed_tables=ALLOWED), "postgres", 1000)
    cur.execute(sql.replace("public.", f"{schema}."))
    expected = cur.fetchall()
    cur.execute(capped.replace("public.", f"{schema}."))
    assert _in_order(sql, cur.fetchall()) == _in_order(sql, expected)


def _in_order(sql: str, rows: list[Any]) -> list[Any]:
    """Rows as returned when the query orders them, else sorted (engines may reorder)."""
    if sqlglot.parse_one(sql, read="postgres").args.get("order") is not None:
        return list(rows)
    return sorted(rows, key=repr)
