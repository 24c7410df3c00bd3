"""Compiled SQL executed on DuckDB, SQLite, PostgreSQL, MariaDB (and Redshift SQL on PostgreSQL)
returns the same rows as hand-written SQL."""

from __future__ import annotations

import pytest

from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import SemanticLayer, SemanticQuery
from nexatron.warehouse.types import SchemaSnapshot

from .cases import CASES, Case
from .engines import Db, norm, same_rows

RUNS = [
    ("duckdb", "duckdb"),
    ("sqlite", "sqlite"),
    ("postgres", "postgres"),
    ("mysql", "mysql"),
    ("postgres", "redshift"),
]


@pytest.mark.parametrize("engine,dialect", RUNS, ids=[f"{e}-{d}" for e, d in RUNS])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_compiled_rows_match_hand_written_sql(
    case: Case,
    engine: str,
    dialect: str,
    dbs: dict[str, Db],
    shop_layer: SemanticLayer,
    shop_schema: SchemaSnapshot,
) -> None:
    query = SemanticQuery.model_validate(case.query)
    if dialect in case.unsupported:
        with pytest.raises(CompileError, match="median"):
            compile_query(shop_layer, query, dialect, schema=shop_schema)
        return
    compiled = compile_query(shop_layer, query, dialect, schema=shop_schema)
    expected = norm(dbs["duckdb"].query(case.golden), ordered=case.ordered)
    got = norm(dbs[engine].query(compiled.sql), ordered=case.ordered)
    assert expected, "golden query returned no rows; the case proves nothing"
    assert same_rows(got, expected), f"{compiled.sql}\n got={got[:5]}\nwant={expected[:5]}"
    assert len(compiled.columns) == len(expected[0])
