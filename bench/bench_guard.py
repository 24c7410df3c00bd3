"""Guard latency on compiled analytics queries: check_sql and check_expression vs parse_one.

Run: .venv/bin/python bench/bench_guard.py [iterations]. Prints p50/p95 in ms for each; the
baseline is sqlglot.parse_one of the same SQL measured in the same run. Goals on the typical
query (3 joins, 2 CTEs): check_sql p50 <= 1.5 ms, check_expression p50 <= 0.5 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import sqlglot
from sqlglot.tokens import SQLGLOTC_INSTALLED  # type: ignore[attr-defined]

from nexatron.demo import load_demo_layer
from nexatron.guard import check_expression, check_sql
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticQuery

TABLES = frozenset({"order_items", "orders", "customers", "products", "channels"})
RANGE = {"start": "2024-01-01", "end": "2024-07-01"}
QUERIES: dict[str, dict[str, Any]] = {
    "typical (3 joins, 2 CTEs)": {
        "metrics": ["total_sales", "quantity_sold"],
        "dimensions": ["region", "category"],
        "time": {"dimension": "order_date", "grain": "month", "range": RANGE},
        "limit": 100,
    },
    "two facts (3 joins, 6 CTEs)": {
        "metrics": ["total_sales", "order_count", "quantity_sold"],
        "dimensions": ["region", "segment"],
        "time": {"dimension": "order_date", "grain": "month", "range": RANGE},
    },
}


def measure(fn: Callable[[], object], iterations: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds after a warm-up."""
    for _ in range(min(200, iterations)):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def main(iterations: int) -> None:
    layer = load_demo_layer()
    print(f"sqlglot {sqlglot.__version__}, compiled (sqlglotc): {SQLGLOTC_INSTALLED}")
    print(f"{'query':30} {'what':34} {'p50 ms':>8} {'p95 ms':>8}")
    for label, spec in QUERIES.items():
        sql = compile_query(layer, SemanticQuery.model_validate(spec), "duckdb").sql
        tree = sqlglot.parse_one(sql, read="duckdb")
        runs: list[tuple[str, Callable[[], object]]] = [
            ("baseline: sqlglot.parse_one", partial(sqlglot.parse_one, sql, read="duckdb")),
            (
                "check_sql (frozenset tables)",
                partial(check_sql, sql, "duckdb", allowed_tables=TABLES),
            ),
            (
                "check_sql (set tables)",
                partial(check_sql, sql, "duckdb", allowed_tables=set(TABLES)),
            ),
            ("check_expression", partial(check_expression, tree, "duckdb", allowed_tables=TABLES)),
        ]
        for what, fn in runs:
            p50, p95 = measure(fn, iterations)
            print(f"{label:30} {what:34} {p50:8.3f} {p95:8.3f}")
        print(f"{'':30} ({len(sql)} chars, {sum(1 for _ in tree.walk())} nodes)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
