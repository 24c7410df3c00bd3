"""Ad-hoc aggregates (`SemanticQuery.aggregates`): compiled like metrics on every engine, rows
equal to hand-written SQL, guarded like any compiled query."""

from __future__ import annotations

from typing import Any

import pytest

from nexatron.guard import check_expression
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import SemanticLayer, SemanticQuery

from .engines import Db, norm

ENGINES = ["duckdb", "postgres", "mysql", "sqlite"]
TABLES = ["customers", "products", "orders", "order_items"]
CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "max and min of a metric's column, with the metric's filter kept",
        {
            "aggregates": [
                {"agg": "max", "metric": "paid_revenue"},
                {"agg": "min", "metric": "revenue"},
            ]
        },
        "SELECT (SELECT MAX(amount) FROM orders WHERE status = 'paid'), MIN(amount) FROM orders",
    ),
    (
        "average, minimum and maximum of a numeric dimension, grouped by a joined dimension",
        {
            "aggregates": [
                {"agg": "avg", "dimension": "quantity"},
                {"agg": "min", "dimension": "quantity"},
                {"agg": "max", "dimension": "quantity"},
            ],
            "dimensions": ["product.category"],
        },
        "SELECT p.category, AVG(i.quantity), MIN(i.quantity), MAX(i.quantity) FROM order_items i"
        " LEFT JOIN products p ON i.product_id = p.id GROUP BY p.category",
    ),
    (
        "distinct count of a dimension with a filter",
        {
            "aggregates": [{"agg": "count_distinct", "dimension": "country"}],
            "filters": [{"field": "segment", "op": "=", "values": ["smb"]}],
        },
        "SELECT COUNT(DISTINCT country) FROM customers WHERE segment = 'smb'",
    ),
    (
        "earliest and latest date, beside a defined metric",
        {
            "metrics": ["customers_count"],
            "aggregates": [
                {"agg": "min", "dimension": "signup_date"},
                {"agg": "max", "dimension": "signup_date"},
            ],
        },
        "SELECT COUNT(*), MIN(signup_date), MAX(signup_date) FROM customers",
    ),
    (
        "in a time range, ordered and limited by the aggregate",
        {
            "aggregates": [{"agg": "max", "metric": "revenue"}],
            "dimensions": ["country"],
            "time": {"range": {"start": "2025-01-01", "end": "2026-01-01"}},
            "order": [{"field": "max__revenue", "desc": True}],
            "limit": 2,
        },
        "SELECT c.country, MAX(o.amount) AS m FROM orders o LEFT JOIN customers c"
        " ON o.customer_id = c.id"
        " WHERE o.ordered_at >= '2025-01-01' AND o.ordered_at < '2026-01-01'"
        " GROUP BY c.country ORDER BY m DESC, c.country LIMIT 2",
    ),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_aggregates_match_hand_written_sql(
    engine: str,
    case: tuple[str, dict[str, Any], str],
    dbs: dict[str, Db],
    shop_layer: SemanticLayer,
) -> None:
    _, query, gold = case
    db = dbs[engine]
    compiled = compile_query(shop_layer, SemanticQuery.model_validate(query), db.dialect)
    check_expression(compiled.tree, db.dialect, allowed_tables=TABLES)
    ordered = "order" in query
    assert norm(db.query(compiled.sql), ordered=ordered) == norm(
        dbs["duckdb"].query(gold), ordered=ordered
    )


def test_output_columns_name_and_label_each_aggregate(shop_layer: SemanticLayer) -> None:
    query = SemanticQuery.model_validate(
        {
            "aggregates": [
                {"agg": "max", "metric": "avg_amount"},
                {"agg": "count_distinct", "dimension": "country"},
            ]
        }
    )
    columns = compile_query(shop_layer, query, "duckdb").columns
    assert [(c.name, c.role) for c in columns] == [
        ("max__avg_amount", "metric"),
        ("count_distinct__country", "metric"),
    ]
    assert columns[1].label.startswith("Number of different")


@pytest.mark.parametrize(
    ("aggregate", "code"),
    [
        ({"agg": "avg", "dimension": "country"}, "bad_aggregate"),  # text has no average
        ({"agg": "sum", "dimension": "signup_date"}, "bad_aggregate"),  # dates: min/max only
        ({"agg": "max", "metric": "orders_count"}, "bad_aggregate"),  # a count has no column
        ({"agg": "max", "metric": "aov"}, "bad_aggregate"),  # a ratio has no column
        ({"agg": "max", "dimension": "nope"}, "unknown_name"),
        ({"agg": "max"}, "bad_aggregate"),
    ],
)
def test_unusable_aggregates_are_refused(
    aggregate: dict[str, Any], code: str, shop_layer: SemanticLayer
) -> None:
    query = SemanticQuery.model_validate({"aggregates": [aggregate]})
    with pytest.raises(CompileError) as err:
        compile_query(shop_layer, query, "duckdb")
    assert isinstance(err.value.detail, dict) and err.value.detail["code"] == code
