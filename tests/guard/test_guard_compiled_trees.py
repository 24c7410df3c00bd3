"""Every tree the compiler renders passes the guard's tree check, in every dialect and grain."""

from __future__ import annotations

import datetime as dt

import pytest

from nexatron.demo import load_demo_layer
from nexatron.guard import check_expression, check_sql
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import GRAINS, QueryFilter, SemanticQuery, TimeRange, TimeSpec

DIALECTS = ["postgres", "mysql", "snowflake", "bigquery", "redshift", "tsql", "clickhouse",
            "duckdb", "sqlite"]  # fmt: skip


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("grain", GRAINS)
def test_compiled_tree_and_text_pass_the_guard(dialect: str, grain: str) -> None:
    layer = load_demo_layer()
    tables = frozenset(
        {m.table for m in layer.metrics if m.table} | {d.table for d in layer.dimensions}
    )
    query = SemanticQuery(
        metrics=["total_sales", "order_count"],
        dimensions=["region"],
        time=TimeSpec(
            grain=grain, range=TimeRange(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
        ),  # type: ignore[arg-type]
        filters=[QueryFilter(field="channel", op="in", values=["online", "retail"])],
        limit=20,
    )
    compiled = compile_query(layer, query, dialect)
    assert compiled.tree is not None
    check_expression(compiled.tree, dialect, allowed_tables=tables)
    check_sql(compiled.sql, dialect, allowed_tables=tables)
