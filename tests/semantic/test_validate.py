"""Field-level 422 entries for each kind of layer mistake."""

from __future__ import annotations

from typing import Any

import pytest

from nexatron.semantic.model import SemanticLayer
from nexatron.semantic.validate import validate_layer, validate_layer_object
from nexatron.warehouse.types import SchemaSnapshot


def _check(
    kind: Any, obj: dict[str, Any], layer: SemanticLayer, schema: SchemaSnapshot | None
) -> list[tuple[Any, ...]]:
    return [(tuple(e["loc"]), e["type"]) for e in validate_layer_object(kind, obj, layer, schema)]


def test_the_fixture_layer_is_valid(shop_layer: SemanticLayer, shop_schema: SchemaSnapshot) -> None:
    assert validate_layer(shop_layer, shop_schema) == []


@pytest.mark.parametrize(
    "kind,obj,expected",
    [
        (
            "metric",
            {"name": "x", "table": "nope", "agg": "count"},
            [("body", "table"), "not_found"],
        ),
        (
            "metric",
            {"name": "x", "table": "orders", "agg": "sum", "expr": "amountt"},
            [("body", "expr"), "not_found"],
        ),
        (
            "metric",
            {"name": "x", "table": "orders", "agg": "sum", "expr": "amount +"},
            [("body", "expr"), "syntax_error"],
        ),
        (
            "metric",
            {"name": "x", "table": "orders", "agg": "sum", "expr": "status"},
            [("body", "agg"), "type_error"],
        ),
        (
            "metric",
            {"name": "revenue", "table": "orders", "agg": "count"},
            [("body", "name"), "duplicate"],
        ),
        (
            "metric",
            {"name": "country", "table": "orders", "agg": "count"},
            [("body", "name"), "duplicate"],
        ),
        (
            "metric",
            {"name": "x", "type": "ratio", "numerator": "revenue", "denominator": "ghost"},
            [("body", "denominator"), "not_found"],
        ),
        (
            "metric",
            {"name": "x", "type": "ratio", "numerator": "revenue"},
            [("body", "denominator"), "missing"],
        ),
        (
            "metric",
            {"name": "x", "type": "derived", "expression": "revenue - ghost"},
            [("body", "expression"), "not_found"],
        ),
        (
            "metric",
            {"name": "x", "table": "orders", "agg": "count", "time_dimension": "country"},
            [("body", "time_dimension"), "type_error"],
        ),
        (
            "metric",
            {"name": "x", "table": "orders", "agg": "count", "time_dimension": "when"},
            [("body", "time_dimension"), "not_found"],
        ),
        (
            "metric",
            {
                "name": "x",
                "table": "orders",
                "agg": "count",
                "filter": [{"field": "colour", "values": [1]}],
            },
            [("body", "filter", 0, "field"), "not_found"],
        ),
        (
            "metric",
            {"name": "bad name!", "table": "orders", "agg": "count"},
            [("body", "name"), "string_pattern_mismatch"],
        ),
        (
            "dimension",
            {"name": "x", "table": "orders", "expr": "nope"},
            [("body", "expr"), "not_found"],
        ),
        (
            "dimension",
            {"name": "x", "table": "orders", "expr": "amount", "type": "time"},
            [("body", "type"), "type_error"],
        ),
        (
            "dimension",
            {"name": "status", "table": "orders", "expr": "status"},
            [("body", "name"), "duplicate"],
        ),
        (
            "relationship",
            {
                "from_table": "orders",
                "from_columns": ["customer_id", "id"],
                "to_table": "customers",
                "to_columns": ["id"],
            },
            [("body", "to_columns"), "mismatch"],
        ),
        (
            "relationship",
            {
                "from_table": "orders",
                "from_columns": ["cust"],
                "to_table": "customers",
                "to_columns": ["id"],
            },
            [("body", "from_columns", 0), "not_found"],
        ),
        (
            "relationship",
            {
                "from_table": "orders",
                "from_columns": ["customer_id"],
                "to_table": "people",
                "to_columns": ["id"],
            },
            [("body", "to_table"), "not_found"],
        ),
    ],
)
def test_each_error_kind(
    kind: str,
    obj: dict[str, Any],
    expected: list[Any],
    shop_layer: SemanticLayer,
    shop_schema: SchemaSnapshot,
) -> None:
    problems = _check(kind, obj, shop_layer, shop_schema)
    assert tuple(expected) in problems, problems
    assert all(e["msg"] for e in validate_layer_object(kind, obj, shop_layer, shop_schema))  # type: ignore[arg-type]


def test_derived_cycle_is_reported(shop_layer: SemanticLayer) -> None:
    layer = shop_layer.model_copy(deep=True)
    layer.metrics.append(
        layer.metrics[0].model_copy(update={"name": "a", "type": "derived", "expression": "b + 1"})
    )
    problems = validate_layer_object(
        "metric",
        {"name": "b", "type": "ratio", "numerator": "a", "denominator": "revenue"},
        layer,
        None,
    )
    assert [p["type"] for p in problems] == ["cycle"]
    assert "b -> a -> b" in problems[0]["msg"]


def test_without_schema_existence_is_not_checked(shop_layer: SemanticLayer) -> None:
    assert (
        _check(
            "metric",
            {"name": "x", "table": "anything", "agg": "sum", "expr": "col"},
            shop_layer,
            None,
        )
        == []
    )


def test_updating_an_object_is_not_a_duplicate_of_itself(shop_layer: SemanticLayer) -> None:
    layer = shop_layer.model_copy(deep=True)
    layer.metrics[0].id = "met_1"
    updated = layer.metrics[0].model_dump() | {"label": "Sales"}
    assert validate_layer_object("metric", updated, layer, None) == []
    assert _check("metric", updated | {"id": "met_2"}, layer, None) == [
        (("body", "name"), "duplicate")
    ]
