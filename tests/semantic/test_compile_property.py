"""Differential fuzzing: random semantic queries give the same rows on DuckDB, PostgreSQL, SQLite
and MariaDB (median only where the engine has it)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer, SemanticQuery

from .engines import Db, norm, same_rows

METRICS = [
    "revenue",
    "orders_count",
    "paid_revenue",
    "avg_amount",
    "max_amount",
    "buyers",
    "units",
    "items_revenue",
    "customers_count",
    "active_customers",
    "aov",
    "paid_share",
    "unbilled",
    "units_per_order",
    "revenue_per_customer",
]
DIMS = ["country", "segment", "is_active", "status", "order_size", "product.category"]
FILTERS: list[dict[str, Any]] = [
    {"field": "country", "op": "in", "values": ["US", "FR"]},
    {"field": "country", "op": "!=", "values": ["DE"]},
    {"field": "segment", "op": "starts_with", "values": ["c"]},
    {"field": "is_active", "op": "=", "values": [False]},
    {"field": "country", "op": "is_not_null"},
]
GRAINS = [None, "week", "month", "quarter", "year"]
RANGES = [
    None,
    {"start": "2023-03-15", "end": "2024-02-01"},
    {"start": "2024-01-01"},
    {"end": "2023-07-01"},
]


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    q: dict[str, Any] = {
        "metrics": draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=3, unique=True)),
        "dimensions": draw(st.lists(st.sampled_from(DIMS), max_size=2, unique=True)),
        "filters": draw(st.lists(st.sampled_from(FILTERS), max_size=2)),
    }
    grain, rng = draw(st.sampled_from(GRAINS)), draw(st.sampled_from(RANGES))
    if grain or rng:
        q["time"] = {"grain": grain, "range": rng}
    if draw(st.booleans()):
        q["metric_filters"] = [
            {"field": q["metrics"][0], "op": ">", "values": [draw(st.integers(0, 50))]}
        ]
    return q


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=queries())
def test_engines_agree(raw: dict[str, Any], dbs: dict[str, Db], shop_layer: SemanticLayer) -> None:
    query = SemanticQuery.model_validate(raw)
    try:
        reference = norm(dbs["duckdb"].query(compile_query(shop_layer, query, "duckdb").sql))
    except Exception as err:  # only the compiler's honest refusals are acceptable
        assert type(err).__name__ == "CompileError", err
        return
    for name in ("postgres", "sqlite", "mysql"):
        sql = compile_query(shop_layer, query, dbs[name].dialect).sql
        got = norm(dbs[name].query(sql))
        assert same_rows(got, reference), f"{name}: {sql}\n got={got[:4]}\nwant={reference[:4]}"
