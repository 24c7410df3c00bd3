"""The demo semantic layer validates and refers only to tables and columns that exist."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml
from sqlglot import exp

from nexatron.demo import DEMO_LAYER_PATH, load_demo_layer
from nexatron.semantic.model import SemanticLayer


@pytest.fixture(scope="module")
def columns(demo_path: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(demo_path), read_only=True) as con:
        found: dict[str, set[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns()"
        ).fetchall():
            found.setdefault(table, set()).add(column)
        return found


def test_layer_file_is_valid_data() -> None:
    raw = yaml.safe_load(Path(DEMO_LAYER_PATH).read_text("utf-8"))
    layer = SemanticLayer.model_validate(raw)
    assert layer == load_demo_layer()
    total = layer.metric("total_sales")
    assert total is not None and total.label == "Total sales"
    assert {"revenue", "sales", "turnover"} <= set(total.synonyms)
    assert total.format.kind == "currency" and total.format.currency == "USD"
    assert total.format.decimals == 2
    names = {m.name for m in layer.metrics}
    assert {"order_count", "average_order_value", "customer_count", "quantity_sold"} <= names
    assert {d.name for d in layer.dimensions} >= {
        "region",
        "country",
        "segment",
        "channel",
        "category",
        "product",
        "order_date",
        "status",
    }


def _columns_of(expression: str) -> set[str]:
    return {c.name for c in sqlglot.parse_one(expression, read="duckdb").find_all(exp.Column)}


def test_every_reference_exists_in_the_database(columns: dict[str, set[str]]) -> None:
    layer = load_demo_layer()
    metric_names = {m.name for m in layer.metrics}
    time_dimensions = {d.name for d in layer.dimensions if d.type == "time"}
    for metric in layer.metrics:
        if metric.type == "ratio":
            assert {metric.numerator, metric.denominator} <= metric_names
            continue
        assert metric.table in columns, metric.name
        assert metric.expr is not None and _columns_of(metric.expr) <= columns[metric.table]
        assert metric.time_dimension in time_dimensions
    for dimension in layer.dimensions:
        assert dimension.table in columns, dimension.name
        assert _columns_of(dimension.expr) <= columns[dimension.table], dimension.name
    for rel in layer.relationships:
        assert set(rel.from_columns) <= columns[rel.from_table]
        assert set(rel.to_columns) <= columns[rel.to_table]


def test_names_and_synonyms_do_not_collide() -> None:
    layer = load_demo_layer()
    seen: dict[str, str] = {}
    for item in [*layer.metrics, *layer.dimensions]:
        for word in [item.name, *(item.synonyms)]:
            key = word.lower()
            assert seen.setdefault(key, item.name) == item.name, f"{word!r} is ambiguous"
