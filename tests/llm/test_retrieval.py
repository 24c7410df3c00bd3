"""Context retrieval: relevant tables and their foreign-key neighbours, within the token budget."""

from __future__ import annotations

import json

from nexatron.nlq.llm.retrieval import ContextIndex, approx_tokens
from nexatron.semantic.model import Dimension, Metric, SemanticLayer, SemanticQuery
from nexatron.warehouse.types import SchemaSnapshot, TableInfo

from .shop import col, shop_layer, shop_schema, wide_schema


def test_three_thousand_tables_slice_is_relevant_and_bounded() -> None:
    """(Its time is bench/bench_llm_context.py's figure.)"""
    schema = wide_schema(3000)
    ctx = ContextIndex(SemanticLayer(), schema).select(
        "total shipment weight per carrier", budget_tokens=6000
    )
    names = ctx.table_names
    assert {"shipments", "carriers"} <= set(names[:5])  # ranked first
    assert {"warehouses", "parcels"} <= set(names)  # FK neighbours, both directions
    assert "regions" in names  # referenced by a neighbour (warehouses -> regions)
    assert ctx.approx_tokens <= 6000
    assert len(json.dumps(ctx.data())) // 4 <= 6000
    assert ctx.omitted["tables"] == len(schema.tables) - len(names) > 2900


def test_budget_is_respected_for_every_size() -> None:
    schema = wide_schema(400)
    index = ContextIndex(shop_layer(), schema)
    for budget in (500, 1500, 6000, 20000):
        ctx = index.select("carrier shipments by region", budget_tokens=budget)
        assert ctx.approx_tokens <= budget
    assert "shipments" in index.select("carrier shipments", budget_tokens=500).table_names


def test_small_schema_is_included_whole() -> None:
    ctx = ContextIndex(shop_layer(), shop_schema()).select("weather", budget_tokens=6000)
    assert sorted(ctx.table_names) == ["customers", "orders", "products"]
    assert {m["name"] for m in ctx.metrics} == {"revenue", "order_count"}
    assert "omitted" not in ctx.data()
    orders = next(t for t in ctx.tables if t["table"] == "orders")
    assert orders["columns"]["customer_id"] == "integer fk customers.id"
    assert orders["columns"]["id"] == "integer pk"


def test_large_layer_keeps_relevant_items_within_half_the_budget() -> None:
    noise = [
        Metric(name=f"metric_{i}", label=f"Some measure {i}", table="t", agg="sum", expr="x")
        for i in range(600)
    ]
    layer = SemanticLayer(
        metrics=[*noise, Metric(name="churned_accounts", label="Churn", synonyms=["attrition"],
                                table="accounts", agg="count", time_dimension="closed_at")],
        dimensions=[Dimension(name="closed_at", table="accounts", expr="closed_at", type="time"),
                    Dimension(name="plan_tier", table="accounts", expr="tier")],
    )  # fmt: skip
    previous = SemanticQuery(metrics=["metric_599"], dimensions=["plan_tier"])
    ctx = ContextIndex(layer, SchemaSnapshot()).select(
        "attrition last year", budget_tokens=2000, previous=previous
    )
    metrics = [m["name"] for m in ctx.metrics]
    assert metrics[:2] == ["metric_599", "churned_accounts"]  # previous first, then the match
    assert {d["name"] for d in ctx.dimensions} == {"plan_tier", "closed_at"}
    assert approx_tokens({"m": ctx.metrics, "d": ctx.dimensions}) <= 1000 + 20
    assert ctx.omitted["layer_items"] > 500


def test_layer_items_bring_their_tables_in_large_schemas() -> None:
    schema = wide_schema(1000)
    schema.tables.append(TableInfo(name="acct_master", columns=[col("id", "integer")]))
    layer = SemanticLayer(
        metrics=[
            Metric(name="churned", synonyms=["attrition"], table="acct_master", agg="count"),
            Metric(name="other", table="regions", agg="count"),
        ]
    )
    ctx = ContextIndex(layer, schema).select("attrition by month", budget_tokens=3000)
    assert ctx.table_names[0] == "acct_master"  # the matched metric's table leads
    assert "regions" not in ctx.table_names  # an unmatched metric's table is no seed


def test_wide_table_keeps_keys_and_matching_columns() -> None:
    cols = [col("id", "integer", primary_key=True)] + [col(f"attr_{i}") for i in range(200)]
    cols.append(col("discount_rate", "float", comment="x" * 1000))
    schema = SchemaSnapshot(tables=[TableInfo(name="facts", columns=cols)])
    ctx = ContextIndex(SemanticLayer(), schema).select("average discount rate", budget_tokens=6000)
    (table,) = ctx.tables
    assert "discount_rate" in table["columns"] and "id" in table["columns"]
    assert table["more_columns"] == 202 - 40 and len(table["columns"]) == 40
    assert len(table["column_comments"]["discount_rate"]) == 300


def test_value_hits_are_capped_and_kept() -> None:
    hits = {"country": [f"Country {i}" for i in range(50)]}
    ctx = ContextIndex(shop_layer(), shop_schema()).select("sales in Country 3", value_hits=hits)
    assert ctx.values["country"] == [f"Country {i}" for i in range(20)]
