"""Compile time of a three-join, two-fact semantic query, and building + validating a 2,000-object
layer. Prints p50/p95 and a baseline (sqlglot parsing a small SELECT) measured in the same run.

Goals: compile <= 2 ms p50; build + validate 2,000 metrics and dimensions <= 100 ms.
Run: .venv/bin/python bench/bench_compile.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlglot

from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer, SemanticQuery
from nexatron.semantic.validate import validate_layer
from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def star_layer() -> SemanticLayer:
    rel = [
        ("orders", "customer_id", "customers"),
        ("orders", "store_id", "stores"),
        ("order_items", "order_id", "orders"),
        ("order_items", "product_id", "products"),
    ]
    return SemanticLayer.model_validate(
        {
            "relationships": [
                {"from_table": f, "from_columns": [c], "to_table": t, "to_columns": ["id"]}
                for f, c, t in rel
            ],
            "dimensions": [
                {"name": "country", "table": "customers", "expr": "country"},
                {"name": "region", "table": "stores", "expr": "region"},
                {"name": "category", "table": "products", "expr": "category"},
                {"name": "ordered_at", "table": "orders", "expr": "ordered_at", "type": "time"},
            ],
            "metrics": [
                {
                    "name": "revenue",
                    "table": "orders",
                    "agg": "sum",
                    "expr": "amount",
                    "time_dimension": "ordered_at",
                },
                {
                    "name": "orders_count",
                    "table": "orders",
                    "agg": "count",
                    "time_dimension": "ordered_at",
                },
                {
                    "name": "units",
                    "table": "order_items",
                    "agg": "sum",
                    "expr": "quantity",
                    "time_dimension": "ordered_at",
                },
                {
                    "name": "aov",
                    "type": "ratio",
                    "numerator": "revenue",
                    "denominator": "orders_count",
                },
            ],
        }
    )


def big_layer_data(
    n_tables: int = 50, per_table: int = 20
) -> tuple[dict[str, Any], SchemaSnapshot]:
    """1,000 metrics and 1,000 dimensions over 50 tables of 21 columns."""
    tables, metrics, dims = [], [], []
    for t in range(n_tables):
        cols = [ColumnInfo(name="id", type="integer", primary_key=True)]
        for c in range(per_table):
            cols.append(ColumnInfo(name=f"m{c}", type="decimal"))
            dims.append({"name": f"t{t}_d{c}", "table": f"t{t}", "expr": f"m{c}", "type": "number"})
            metrics.append(
                {"name": f"t{t}_sum{c}", "table": f"t{t}", "agg": "sum", "expr": f"m{c} * 2"}
            )
        tables.append(TableInfo(name=f"t{t}", columns=cols, primary_key=["id"]))
    return {"metrics": metrics, "dimensions": dims}, SchemaSnapshot(tables=tables)


def main() -> None:
    layer = star_layer()
    query = SemanticQuery.model_validate(
        {
            "metrics": ["revenue", "units", "aov"],
            "dimensions": ["country", "region"],
            "time": {"grain": "month", "range": {"start": "2024-01-01", "end": "2025-01-01"}},
            "filters": [{"field": "country", "op": "in", "values": ["US", "DE"]}],
            "order": [{"field": "revenue", "desc": True}],
            "limit": 100,
        }
    )
    print("compile a three-join, two-fact query (ms)")
    for dialect in ("postgres", "mysql", "tsql", "clickhouse"):
        p50, p95 = timed(lambda d=dialect: compile_query(layer, query, d), 300)  # type: ignore[misc]
        print(f"  {dialect:<11} p50 {p50:6.3f}  p95 {p95:6.3f}")
    sql = compile_query(layer, query, "postgres").sql
    small = timed(lambda: sqlglot.parse_one("SELECT a, b FROM t WHERE c > 1"), 300)[0]
    print(f"  baseline: sqlglot parse_one(small SELECT)            p50 {small:6.3f}")
    big = timed(lambda: sqlglot.parse_one(sql, read="postgres"), 100)[0]
    print(f"  baseline: sqlglot parse_one(the compiled SQL, {len(sql)} chars) p50 {big:6.3f}")
    data, schema = big_layer_data()
    built = SemanticLayer.model_validate(data)
    print(
        f"build + validate {len(built.metrics)} metrics and {len(built.dimensions)} dimensions (ms)"
    )
    p50, p95 = timed(lambda: SemanticLayer.model_validate(data), 20)
    print(f"  build     p50 {p50:7.2f}  p95 {p95:7.2f}")
    p50, p95 = timed(lambda: validate_layer(SemanticLayer.model_validate(data), schema), 20)
    print(f"  both      p50 {p50:7.2f}  p95 {p95:7.2f}")
    assert validate_layer(built, schema) == []


if __name__ == "__main__":
    main()
