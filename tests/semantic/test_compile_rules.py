"""Compile rules: no fan-out, honest errors for unknown names and ambiguous or unsafe joins."""

from __future__ import annotations

from typing import Any

import pytest

from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import Dimension, Metric, Relationship, SemanticLayer, SemanticQuery

from .engines import Db, norm


def _q(**kw: Any) -> SemanticQuery:
    return SemanticQuery.model_validate(kw)


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "mysql", "sqlite"])
def test_fan_out_join_does_not_double_sums(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    naive = (
        "SELECT c.country, SUM(o.amount), SUM(i.quantity) FROM orders o LEFT JOIN order_items i "
        "ON i.order_id = o.id LEFT JOIN customers c ON o.customer_id = c.id GROUP BY c.country"
    )
    right = (
        "SELECT c.country, SUM(o.amount) FROM orders o "
        "LEFT JOIN customers c ON o.customer_id = c.id GROUP BY c.country"
    )
    db = dbs[engine]
    compiled = compile_query(
        shop_layer, _q(metrics=["revenue", "units"], dimensions=["country"]), db.dialect
    )
    got = {r[0]: r[1] for r in norm(db.query(compiled.sql))}
    correct = {r[0]: r[1] for r in norm(dbs["duckdb"].query(right))}
    doubled = {r[0]: r[1] for r in norm(dbs["duckdb"].query(naive))}
    assert got == pytest.approx(correct)
    assert any(doubled[k] > correct[k] * 1.5 for k in correct), (
        "the naive join should inflate revenue"
    )


def test_output_columns_describe_the_result(shop_layer: SemanticLayer) -> None:
    q = _q(
        metrics=["revenue"],
        dimensions=["product.category"],
        time={"dimension": "ordered_at", "grain": "month"},
    )
    with pytest.raises(CompileError, match="one-to-many"):
        compile_query(shop_layer, q, "postgres")
    q = _q(metrics=["units", "aov"], dimensions=["product.category"])
    with pytest.raises(CompileError, match="one-to-many"):
        compile_query(shop_layer, q, "postgres")
    q = _q(metrics=["revenue"], dimensions=["country"], time={"grain": "month"})
    cols = compile_query(shop_layer, q, "postgres").columns
    assert [(c.name, c.role, c.type, c.grain) for c in cols] == [
        ("country", "dimension", "string", None),
        ("ordered_at__month", "time", "date", "month"),
        ("revenue", "metric", "number", None),
    ]
    assert cols[2].format is not None and cols[2].format.currency == "USD"
    cols = compile_query(
        shop_layer, _q(metrics=["units"], dimensions=["product.category"]), "duckdb"
    ).columns
    assert cols[0].name == "product__category"


@pytest.mark.parametrize(
    "query,message",
    [
        ({"metrics": ["nope"]}, "Unknown metric 'nope'"),
        ({"metrics": ["revenue"], "dimensions": ["planet"]}, "Unknown dimension 'planet'"),
        ({"metrics": ["revenue"], "filters": [{"field": "zzz", "values": [1]}]}, "dimension 'zzz'"),
        (
            {
                "metrics": ["revenue"],
                "filters": [{"field": "country", "op": "between", "values": [1]}],
            },
            "exactly two values",
        ),
        (
            {"metrics": ["revenue"], "filters": [{"field": "country", "op": "in", "values": []}]},
            "at least one",
        ),
        ({"metrics": ["revenue"], "order": [{"field": "country"}]}, "Cannot order by 'country'"),
        (
            {"metrics": ["revenue"], "time": {"dimension": "country", "grain": "month"}},
            "not a time dimension",
        ),
        (
            {"metrics": ["active_customers"], "time": {"grain": "month"}},
            "no default time dimension",
        ),
        ({"dimensions": []}, "at least one metric or dimension"),
        ({"metrics": ["median_amount"]}, "median"),
    ],
)
def test_errors_say_what_to_fix(
    query: dict[str, Any], message: str, shop_layer: SemanticLayer
) -> None:
    with pytest.raises(CompileError, match=message) as info:
        compile_query(shop_layer, _q(**query), "mysql")
    assert info.value.status_code == 422
    assert info.value.detail["message"]


def _diamond(extra: list[Relationship]) -> SemanticLayer:
    return SemanticLayer(
        metrics=[Metric(name="n", table="a", agg="count")],
        dimensions=[
            Dimension(name="region", table="d", expr="region"),
            Dimension(name="loose", table="z", expr="x"),
        ],
        relationships=[
            Relationship(from_table="a", from_columns=["b_id"], to_table="b", to_columns=["id"]),
            Relationship(from_table="a", from_columns=["c_id"], to_table="c", to_columns=["id"]),
            Relationship(from_table="b", from_columns=["d_id"], to_table="d", to_columns=["id"]),
            *extra,
        ],
    )


def test_ambiguous_path_lists_candidates() -> None:
    layer = _diamond(
        [Relationship(from_table="c", from_columns=["d_id"], to_table="d", to_columns=["id"])]
    )
    with pytest.raises(CompileError) as info:
        compile_query(layer, _q(metrics=["n"], dimensions=["region"]), "postgres")
    assert info.value.detail["code"] == "ambiguous_join"
    assert len(info.value.detail["candidates"]) == 2
    assert "a.c_id -> c.id" in str(info.value) and "a.b_id -> b.id" in str(info.value)


def test_unique_shortest_path_and_unreachable() -> None:
    layer = _diamond([])
    sql = compile_query(layer, _q(metrics=["n"], dimensions=["region"]), "postgres").sql
    assert "LEFT JOIN b AS t1 ON t0.b_id = t1.id LEFT JOIN d AS t2 ON t1.d_id = t2.id" in sql
    with pytest.raises(CompileError, match=r"'loose'.*no relationship connects a to z"):
        compile_query(layer, _q(metrics=["n"], dimensions=["loose"]), "postgres")


def test_unknown_dialect_and_row_cap(shop_layer: SemanticLayer) -> None:
    with pytest.raises(CompileError, match="supported: "):
        compile_query(shop_layer, _q(metrics=["revenue"]), "oracle")
    q = _q(metrics=["revenue"], dimensions=["customer_name"], limit=50)
    assert compile_query(shop_layer, q, "postgres", row_cap=10).sql.endswith("LIMIT 10")
    assert "SELECT TOP 10 " in compile_query(shop_layer, q, "tsql", row_cap=10).sql


def test_schema_qualified_tables_and_quoting() -> None:
    layer = SemanticLayer(
        metrics=[Metric(name="total", table="Sales.Orders", agg="sum", expr="Amount")],
        dimensions=[Dimension(name="Region", table="Sales.Orders", expr='"Region"')],
    )
    sql = compile_query(layer, _q(metrics=["total"], dimensions=["Region"]), "postgres").sql
    assert 'FROM "Sales"."Orders" AS t0' in sql and 't0."Region" AS _d0' in sql
    assert '_d0 AS "Region"' in sql
