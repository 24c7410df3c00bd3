"""Dialects without a local server here. BigQuery, Snowflake, SQL Server: the SQL parses back in
its own dialect and, transpiled to DuckDB, returns the hand-written rows. ClickHouse: executed
in-process with chdb."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlglot

from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import SemanticLayer, SemanticQuery
from nexatron.warehouse.types import SchemaSnapshot

from .cases import CASES, Case
from .chdb_engine import ClickHouse, open_clickhouse
from .engines import Db, norm, same_rows

TRANSPILED = ["tsql", "bigquery", "snowflake"]


@pytest.fixture(scope="module")
def clickhouse() -> Iterator[ClickHouse]:
    with open_clickhouse() as ch:
        yield ch


def _compile(case: Case, dialect: str, layer: SemanticLayer, schema: SchemaSnapshot) -> str | None:
    query = SemanticQuery.model_validate(case.query)
    if dialect in case.unsupported:
        with pytest.raises(CompileError):
            compile_query(layer, query, dialect, schema=schema)
        return None
    return compile_query(layer, query, dialect, schema=schema).sql


@pytest.mark.parametrize("dialect", TRANSPILED)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_transpiled_to_duckdb_matches(
    case: Case,
    dialect: str,
    dbs: dict[str, Db],
    shop_layer: SemanticLayer,
    shop_schema: SchemaSnapshot,
) -> None:
    sql = _compile(case, dialect, shop_layer, shop_schema)
    if sql is None:
        return
    sqlglot.parse_one(sql, read=dialect)
    duck = sqlglot.transpile(sql, read=dialect, write="duckdb")[0]
    got = norm(dbs["duckdb"].query(duck), ordered=case.ordered)
    expected = norm(dbs["duckdb"].query(case.golden), ordered=case.ordered)
    assert same_rows(got, expected), f"{sql}\n got={got[:5]}\nwant={expected[:5]}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_clickhouse_executes(
    case: Case,
    clickhouse: ClickHouse,
    dbs: dict[str, Db],
    shop_layer: SemanticLayer,
    shop_schema: SchemaSnapshot,
) -> None:
    sql = _compile(case, "clickhouse", shop_layer, shop_schema)
    assert sql is not None
    sqlglot.parse_one(sql, read="clickhouse")
    got = norm(clickhouse.query(sql), ordered=case.ordered)
    expected = norm(dbs["duckdb"].query(case.golden), ordered=case.ordered)
    assert same_rows(got, expected), f"{sql}\n got={got[:5]}\nwant={expected[:5]}"
