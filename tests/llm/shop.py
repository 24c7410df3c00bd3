"""A small test domain (a shop) and a synthetic wide schema builder for context tests."""

from __future__ import annotations

import json
import random
from typing import Any

from nexatron.semantic.model import Dimension, Metric, SemanticLayer
from nexatron.warehouse.types import ColumnInfo, ForeignKeyInfo, SchemaSnapshot, TableInfo


def col(name: str, type_: str = "string", **kw: Any) -> ColumnInfo:
    return ColumnInfo(name=name, type=type_, **kw)


def fk(column: str, table: str) -> ForeignKeyInfo:
    return ForeignKeyInfo(columns=[column], ref_table=table, ref_columns=["id"])


def shop_schema(order_comment: str | None = None) -> SchemaSnapshot:
    return SchemaSnapshot(
        default_schema="main",
        tables=[
            TableInfo(
                name="orders",
                columns=[
                    col("id", "integer", primary_key=True),
                    col("customer_id", "integer"),
                    col("product_id", "integer"),
                    col("amount", "decimal", comment=order_comment),
                    col("ordered_at", "date"),
                ],
                primary_key=["id"],
                foreign_keys=[fk("customer_id", "customers"), fk("product_id", "products")],
            ),
            TableInfo(
                name="customers",
                columns=[col("id", "integer", primary_key=True), col("country"), col("segment")],
                primary_key=["id"],
            ),
            TableInfo(
                name="products",
                columns=[col("id", "integer", primary_key=True), col("category")],
                primary_key=["id"],
            ),
        ],
    )


def shop_layer() -> SemanticLayer:
    return SemanticLayer(
        metrics=[
            Metric(name="revenue", label="Revenue", synonyms=["sales"], table="orders",
                   agg="sum", expr="amount", time_dimension="ordered_at"),
            Metric(name="order_count", label="Number of orders", table="orders", agg="count",
                   time_dimension="ordered_at"),
        ],
        dimensions=[
            Dimension(name="country", table="customers", expr="country"),
            Dimension(name="segment", table="customers", expr="segment"),
            Dimension(name="category", table="products", expr="category"),
            Dimension(name="ordered_at", table="orders", expr="ordered_at", type="time"),
        ],
    )  # fmt: skip


def plan_json(**query: Any) -> str:
    return json.dumps({"kind": "semantic", "query": query})


_WORD_TEXT = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu"
)


_WORDS = _WORD_TEXT.split()


def wide_schema(n_tables: int, *, seed: int = 7) -> SchemaSnapshot:
    """`n_tables` noise tables with columns, comments and random foreign keys, plus a planted
    cluster: shipments -> carriers, shipments -> warehouses -> regions, parcels -> shipments."""
    rnd = random.Random(seed)
    tables: list[TableInfo] = []
    for i in range(n_tables):
        name = f"{rnd.choice(_WORDS)}_{rnd.choice(_WORDS)}_{i}"
        cols = [col("id", "integer", primary_key=True)]
        cols += [
            col(f"{rnd.choice(_WORDS)}_{k}", comment=f"the {rnd.choice(_WORDS)} code")
            for k in range(8)
        ]
        fks = []
        if i:
            ref = tables[rnd.randrange(i)].name
            cols.append(col(f"{ref}_id", "integer"))
            fks.append(fk(f"{ref}_id", ref))
        tables.append(TableInfo(name=name, columns=cols, primary_key=["id"], foreign_keys=fks))
    planted = [
        TableInfo(name="regions", columns=[col("id", "integer"), col("region_name")]),
        TableInfo(name="warehouses", columns=[col("id", "integer"), col("region_id", "integer")],
                  foreign_keys=[fk("region_id", "regions")]),
        TableInfo(name="carriers", columns=[col("id", "integer"), col("carrier_name")],
                  comment="Delivery companies"),
        TableInfo(name="shipments",
                  columns=[col("id", "integer"), col("carrier_id", "integer"),
                           col("warehouse_id", "integer"), col("weight_kg", "float"),
                           col("shipped_at", "timestamp", comment="When the shipment left")],
                  foreign_keys=[fk("carrier_id", "carriers"), fk("warehouse_id", "warehouses")]),
        TableInfo(name="parcels", columns=[col("id", "integer"), col("shipment_id", "integer")],
                  foreign_keys=[fk("shipment_id", "shipments")]),
    ]  # fmt: skip
    mid = n_tables // 2
    return SchemaSnapshot(tables=[*tables[:mid], *planted, *tables[mid:]])
