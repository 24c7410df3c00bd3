"""Row-level queries (`columns`) and anti-joins (`absent`) on every engine: the compiled SQL
returns the same rows as hand-written SQL over the same tables."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from nexatron.answer.warnings import tie_warning
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import SemanticLayer, SemanticQuery

from .engines import Db, norm

ENGINES = ["duckdb", "postgres", "mysql", "sqlite"]


def _q(body: dict[str, Any]) -> SemanticQuery:
    return SemanticQuery.model_validate(body)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_listing_projects_filters_and_joins_many_to_one(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs[engine]
    query = _q(
        {
            "columns": ["status", "customer_name"],
            "entity": "orders",
            "filters": [{"field": "country", "values": ["FR"]}],
        }
    )
    got = db.query(compile_query(shop_layer, query, db.dialect, row_cap=1000).sql)
    gold = db.query(
        "SELECT o.status, c.name FROM orders o JOIN customers c ON o.customer_id = c.id"
        " WHERE c.country = 'FR'"
    )
    assert gold and norm(got) == norm(gold)


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_without_children_are_a_not_exists(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs[engine]
    query = _q(
        {
            "columns": ["customer_name"],
            "absent": [
                {"table": "orders", "filters": [{"field": "status", "values": ["refunded"]}]}
            ],
        }
    )
    compiled = compile_query(shop_layer, query, db.dialect, row_cap=1000)
    assert "NOT EXISTS" in compiled.sql.upper()
    gold = db.query(
        "SELECT c.name FROM customers c WHERE c.id NOT IN"
        " (SELECT customer_id FROM orders WHERE status = 'refunded' AND customer_id IS NOT NULL)"
    )
    assert gold and norm(db.query(compiled.sql)) == norm(gold)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_anti_join_through_a_path_with_a_child_filter(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs[engine]
    # customers none of whose orders has an item with quantity >= 5 (order_items -> orders ->
    # customers, joined inside the subquery)
    query = _q(
        {
            "columns": ["customer_name"],
            "entity": "customers",
            "absent": [
                {
                    "table": "order_items",
                    "filters": [{"field": "quantity", "op": ">=", "values": [5]}],
                }
            ],
        }
    )
    gold = db.query(
        "SELECT c.name FROM customers c WHERE c.id NOT IN (SELECT o.customer_id FROM order_items i"
        " JOIN orders o ON i.order_id = o.id WHERE i.quantity >= 5 AND o.customer_id IS NOT NULL)"
    )
    got = db.query(compile_query(shop_layer, query, db.dialect, row_cap=1000).sql)
    assert norm(got) == norm(gold)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_count_with_an_anti_join(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs[engine]
    query = _q(
        {
            "metrics": ["customers_count"],
            "absent": [
                {"table": "orders", "filters": [{"field": "status", "values": ["pending"]}]}
            ],
        }
    )
    got = db.query(compile_query(shop_layer, query, db.dialect).sql)
    gold = db.query(
        "SELECT count(*) FROM customers WHERE id NOT IN"
        " (SELECT customer_id FROM orders WHERE status = 'pending' AND customer_id IS NOT NULL)"
    )
    assert gold[0][0] > 0
    assert norm(got) == norm(gold)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_top_n_keeps_the_rows_tied_at_the_cut(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs[engine]
    counts = db.query("SELECT segment, count(*) FROM customers GROUP BY segment")
    biggest = max(n for _s, n in counts)
    query = _q(
        {
            "columns": ["customer_name", "segment"],
            "order": [{"field": "segment", "desc": True}],
            "limit": 1,
        }
    )
    compiled = compile_query(shop_layer, query, db.dialect, row_cap=1000)
    rows = db.query(compiled.sql)
    top = max(s for s, _n in counts)
    assert {r[1] for r in rows} == {top}  # every row with the highest segment, not one
    assert len(rows) == dict(counts)[top] and biggest >= len(rows) > 1
    warning = tie_warning(query, compiled.columns, [list(r) for r in rows], "en_US")
    assert warning is not None and "tie" in warning


def test_a_row_order_without_limit_sorts_and_the_row_cap_applies(
    dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs["duckdb"]
    query = _q({"columns": ["customer_name", "signup_date"], "order": [{"field": "signup_date"}]})
    rows = db.query(compile_query(shop_layer, query, "duckdb", row_cap=5).sql)
    gold = db.query("SELECT name, signup_date FROM customers ORDER BY signup_date, name LIMIT 5")
    assert norm(rows, ordered=True) == norm(gold, ordered=True)


def test_a_row_query_may_not_aggregate() -> None:
    with pytest.raises(ValidationError, match="row query"):
        _q({"columns": ["customer_name"], "metrics": ["revenue"]})
    with pytest.raises(ValidationError, match="entity"):
        _q({"metrics": ["revenue"], "entity": "customers"})


def test_columns_must_be_reachable_many_to_one(shop_layer: SemanticLayer) -> None:
    # customers -> orders is one-to-many: listing customers with an order status would repeat them
    query = _q({"columns": ["customer_name", "status"], "entity": "customers"})
    with pytest.raises(CompileError) as caught:
        compile_query(shop_layer, query, "duckdb")
    assert caught.value.detail["code"] == "fan_out"
    with pytest.raises(CompileError, match="Unknown"):
        compile_query(shop_layer, _q({"columns": ["nope"]}), "duckdb")
    with pytest.raises(CompileError):
        compile_query(
            shop_layer,
            _q({"columns": ["customer_name"], "absent": [{"table": "customers"}]}),
            "duckdb",
        )
