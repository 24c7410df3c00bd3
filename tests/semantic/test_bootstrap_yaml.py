"""Bootstrap proposals from a schema snapshot, idempotency, and the YAML round trip and diff."""

from __future__ import annotations

import pytest

from nexatron.errors import ValidationFailed
from nexatron.semantic.bootstrap import bootstrap_layer
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import Metric, SemanticLayer, SemanticQuery
from nexatron.semantic.validate import validate_layer
from nexatron.semantic.yaml_io import diff_layers, dump_layer, load_layer
from nexatron.warehouse.types import ColumnInfo, ForeignKeyInfo, SchemaSnapshot, TableInfo

from .engines import Db, norm


def _col(name: str, kind: str, native: str = "", pk: bool = False) -> ColumnInfo:
    return ColumnInfo(name=name, type=kind, native_type=native or kind, primary_key=pk)  # type: ignore[arg-type]


SNAPSHOT = SchemaSnapshot(
    default_schema="public",
    tables=[
        TableInfo(
            schema_name="public",
            name="accounts",
            primary_key=["id"],
            columns=[
                _col("id", "integer", pk=True),
                _col("country", "string"),
                _col("zip_code", "string"),
                _col("email", "string"),
                _col("createdAt", "timestamp"),
                _col("updated_at", "timestamp"),
                _col("is_trial", "boolean"),
                _col("founded_year", "integer"),
            ],
        ),
        TableInfo(
            schema_name="public",
            name="invoices",
            primary_key=["id"],
            columns=[
                _col("id", "integer", pk=True),
                _col("account_id", "integer"),
                _col("country", "string"),
                _col("total", "decimal", "numeric(12,2)"),
                _col("seats", "integer"),
                _col("tax_rate", "float"),
                _col("unit_price", "decimal", "numeric(10,4)"),
                _col("issued_on", "date"),
                _col("order_date", "date"),
            ],
            foreign_keys=[
                ForeignKeyInfo(columns=["account_id"], ref_table="accounts", ref_columns=["id"])
            ],
        ),
        TableInfo(schema_name="billing", name="ledger", columns=[_col("amount", "float")]),
    ],
)


def test_bootstrap_proposes_readable_objects() -> None:
    layer = bootstrap_layer(SNAPSHOT, SemanticLayer())
    metrics = {m.name: m for m in layer.metrics}
    dims = {d.name: d for d in layer.dimensions}
    counts = {"accounts", "invoices", "ledgers"}
    measures = {
        f"{agg}_{col}"
        for col in ("seats", "amount", "founded_year", "tax_rate", "unit_price", "total")
        for agg in ("avg", "max", "min")
    }
    # totals, except for rates, prices and years (averaged, never added up)
    assert set(metrics) == counts | measures | {"total", "total_seats", "total_amount"}
    assert metrics["invoices"].label == "Number of invoices"
    assert "invoice count" in metrics["invoices"].synonyms
    assert metrics["invoices"].time_dimension == "order_date"  # date-like names first
    assert metrics["accounts"].time_dimension == "created_at"  # not updated_at
    assert metrics["total"].format.kind == "currency"  # total with two decimals
    assert metrics["total_amount"].format.kind == "number"  # float amount: not clearly money
    assert metrics["avg_tax_rate"].format.kind == "number"  # a rate is not money
    assert metrics["ledgers"].table == "billing.ledger"
    assert {"account_country", "invoice_country", "is_trial", "created_at", "order_date"} <= set(
        dims
    )
    assert {"email", "zip_code", "founded_year", "seats"} <= set(dims)  # filters, listings
    assert dims["seats"].type == "number" and dims["zip_code"].type == "string"
    # keys are dimensions, never measures
    assert dims["account_id"].expr == "id" and dims["invoice_account_id"].type == "number"
    assert not any(m.expr in ("id", "account_id") for m in layer.metrics)
    assert dims["order_date"].type == "time" and dims["order_date"].label == "Order date"
    assert dims["created_at"].expr == '"createdAt"'
    assert dims["account_country"].label == "Account country"
    assert [(r.from_table, r.to_table, r.cardinality) for r in layer.relationships] == [
        ("invoices", "accounts", "many_to_one")
    ]
    assert all(
        o.origin == "bootstrap" for o in [*layer.metrics, *layer.dimensions, *layer.relationships]
    )
    assert validate_layer(layer, SNAPSHOT) == []


def test_bootstrap_is_idempotent_and_keeps_edits() -> None:
    first = bootstrap_layer(SNAPSHOT, SemanticLayer())
    assert bootstrap_layer(SNAPSHOT, first) == first
    edited = first.model_copy(deep=True)
    edited.metrics[0] = edited.metrics[0].model_copy(
        update={"name": "accounts_total", "label": "Accounts", "origin": "user"}
    )
    edited.dimensions = [d for d in edited.dimensions if d.name != "is_trial"]
    again = bootstrap_layer(SNAPSHOT, edited)
    names = [m.name for m in again.metrics]
    assert (
        "accounts" not in names and names.count("accounts_total") == 1
    )  # renamed copy not re-added
    assert again.metrics[0].label == "Accounts"
    assert [d.name for d in again.dimensions].count("is_trial") == 1


def test_bootstrapped_layer_compiles_and_runs(
    dbs: dict[str, Db], shop_schema: SchemaSnapshot
) -> None:
    layer = bootstrap_layer(shop_schema, SemanticLayer())
    q = SemanticQuery(metrics=["total_amount", "total_quantity"], dimensions=["country"])
    rows = norm(dbs["postgres"].query(compile_query(layer, q, "postgres").sql))
    assert len(rows) == 5 and sum(r[1] for r in rows) == pytest.approx(
        norm(dbs["postgres"].query("SELECT SUM(amount) FROM orders"))[0][0]
    )


def test_yaml_round_trip_and_diff(shop_layer: SemanticLayer) -> None:
    text = dump_layer(shop_layer)
    assert "origin" not in text and "revenue" in text
    assert load_layer(text) == shop_layer
    changed = load_layer(text)
    changed.metrics = [m for m in changed.metrics if m.name != "aov"]
    changed.metrics[0] = changed.metrics[0].model_copy(update={"label": "Sales"})
    changed.metrics.append(Metric(name="fresh", table="orders", agg="count"))
    diff = diff_layers(shop_layer, changed)
    assert diff["metrics"] == {"added": ["fresh"], "changed": ["revenue"], "removed": ["aov"]}
    assert diff["dimensions"] == {"added": [], "changed": [], "removed": []}


@pytest.mark.parametrize(
    "text,loc,fragment",
    [
        ("metrics: [", ["body", "yaml"], "line 1"),
        ("- a\n- b", ["body"], "mapping"),
        ("metrics:\n  - name: x\n    agg: total\n", ["body", "metrics", 0, "agg"], "sum"),
        ("dimensions:\n  - name: d\n", ["body", "dimensions", 0, "table"], "required"),
    ],
)
def test_bad_yaml_is_a_422_with_locations(text: str, loc: list[object], fragment: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        load_layer(text)
    assert info.value.status_code == 422
    assert any(e["loc"] == loc and fragment in e["msg"] for e in info.value.detail), (
        info.value.detail
    )


def test_default_date_is_when_the_row_began_not_when_it_ended() -> None:
    from nexatron.semantic.bootstrap import bootstrap_layer
    from nexatron.semantic.model import SemanticLayer
    from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo

    listings = TableInfo(
        name="listings",
        columns=[
            ColumnInfo(name="id", type="integer", primary_key=True),
            ColumnInfo(name="sold_on", type="date"),
            ColumnInfo(name="listed_on", type="date"),
            ColumnInfo(name="asking_price", type="decimal", native_type="DECIMAL(12,2)"),
        ],
        primary_key=["id"],
    )
    layer = bootstrap_layer(SchemaSnapshot(tables=[listings]), SemanticLayer())
    count = layer.metric("listings")
    assert count is not None and count.time_dimension == "listed_on"


def test_a_used_layer_equals_its_fresh_copy(shop_layer: SemanticLayer) -> None:
    """Lookups and compiles fill private indexes and caches; they are not part of equality."""
    used = load_layer(dump_layer(shop_layer))
    assert used.metric("revenue") is not None
    compile_query(used, SemanticQuery(metrics=["revenue"]), "duckdb")
    assert used == load_layer(dump_layer(shop_layer))
    assert used != load_layer(dump_layer(shop_layer)).model_copy(update={"version": "9"})
