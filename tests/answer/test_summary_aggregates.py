"""Summaries describe what was asked: ad-hoc aggregates by their own words, a tie as a tie."""

from __future__ import annotations

from typing import Any

import pytest

from nexatron.answer import summarize
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer, SemanticQuery


@pytest.fixture(scope="module")
def shop() -> SemanticLayer:
    return SemanticLayer.model_validate(
        {
            "metrics": [
                {"name": "avg_amount", "table": "orders", "agg": "avg", "expr": "amount"},
                {"name": "customers_count", "table": "customers", "agg": "count"},
            ],
            "dimensions": [
                {"name": "country", "table": "customers", "expr": "country"},
                {"name": "segment", "table": "customers", "expr": "segment"},
            ],
        }
    )


def _say(shop: SemanticLayer, query: dict[str, Any], rows: list[list[Any]]) -> str:
    q = SemanticQuery.model_validate(query)
    columns = compile_query(shop, q, "duckdb").columns
    return summarize("q", q, columns, rows, layer=shop, range_label=None, truncated=False)


def test_aggregates_are_named_by_what_was_asked(shop: SemanticLayer) -> None:
    both = {
        "aggregates": [
            {"agg": "max", "metric": "avg_amount"},
            {"agg": "min", "metric": "avg_amount"},
        ]
    }
    assert _say(shop, both, [[420.5, 3.2]]) == "Maximum amount was 420.50; Minimum amount was 3.20."
    distinct = {"aggregates": [{"agg": "count_distinct", "dimension": "country"}]}
    assert _say(shop, distinct, [[4]]) == "Number of different countries was 4."


def test_a_tie_for_the_top_is_told_as_a_tie(shop: SemanticLayer) -> None:
    query = {
        "metrics": ["customers_count"],
        "dimensions": ["segment"],
        "order": [{"field": "customers_count", "desc": True}],
        "limit": 1,
    }
    said = _say(shop, query, [["Consumer", 13], ["Small Biz", 13]])
    assert said.startswith("Consumer and Small Biz tie for the highest")
