"""A small star schema (two fact tables, three dimension tables), the same on every engine."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from nexatron.semantic.model import (
    Dimension,
    Filter,
    Format,
    Metric,
    Relationship,
    SemanticLayer,
)
from nexatron.warehouse.types import ColumnInfo, ForeignKeyInfo, SchemaSnapshot, TableInfo

TABLES: dict[str, list[tuple[str, str]]] = {
    "customers": [
        ("id", "INTEGER"),
        ("name", "VARCHAR(60)"),
        ("country", "VARCHAR(20)"),
        ("segment", "VARCHAR(20)"),
        ("signup_date", "DATE"),
        ("is_active", "BOOLEAN"),
    ],
    "products": [("id", "INTEGER"), ("name", "VARCHAR(60)"), ("category", "VARCHAR(20)")],
    "orders": [
        ("id", "INTEGER"),
        ("customer_id", "INTEGER"),
        ("ordered_at", "TIMESTAMP"),
        ("status", "VARCHAR(20)"),
        ("amount", "DECIMAL(12,2)"),
    ],
    "order_items": [
        ("id", "INTEGER"),
        ("order_id", "INTEGER"),
        ("product_id", "INTEGER"),
        ("quantity", "INTEGER"),
        ("unit_price", "DECIMAL(12,2)"),
    ],
}


def rows() -> dict[str, list[tuple[Any, ...]]]:
    """Deterministic rows with NULLs, orphan keys, mixed case text and dates over 2023-2024."""
    rnd = random.Random(20240601)
    countries = ["US", "DE", "FR", "BR", None]
    customers = [
        (
            i,
            f"Customer {i:02d}" if i % 7 else f"customer_{i}%x",
            countries[i % 5],
            ["Consumer", "Corporate", "Small Biz"][i % 3],
            dt.date(2022, 6, 1) + dt.timedelta(days=rnd.randrange(0, 900)),
            i % 4 != 0,
        )
        for i in range(1, 41)
    ]
    products = [
        (i, f"Product {i}", ["Books", "Games", "Tools", None][i % 4] if i != 5 else "books")
        for i in range(1, 13)
    ]
    orders = []
    start = dt.datetime(2023, 1, 1)
    for i in range(1, 301):
        cust = rnd.randrange(1, 41) if i % 20 else (None if i % 40 else 999)
        ts = start + dt.timedelta(minutes=rnd.randrange(0, 731 * 24 * 60))
        status = ["paid", "paid", "refunded", "pending", None][rnd.randrange(0, 5)]
        amount = None if i % 33 == 0 else Decimal(rnd.randrange(500, 50000)) / 100
        orders.append((i, cust, ts, status, amount))
    items = [
        (
            i,
            rnd.randrange(1, 301),
            rnd.randrange(1, 13),
            rnd.randrange(1, 6),
            Decimal(rnd.randrange(100, 9000)) / 100,
        )
        for i in range(1, 701)
    ]
    return {"customers": customers, "products": products, "orders": orders, "order_items": items}


def layer() -> SemanticLayer:
    """The fixture's semantic layer, covering every metric type the compiler supports."""
    d = Dimension
    m = Metric
    return SemanticLayer(
        relationships=[
            Relationship(
                from_table="orders",
                from_columns=["customer_id"],
                to_table="customers",
                to_columns=["id"],
            ),
            Relationship(
                from_table="order_items",
                from_columns=["order_id"],
                to_table="orders",
                to_columns=["id"],
            ),
            Relationship(
                from_table="products",
                from_columns=["id"],
                to_table="order_items",
                to_columns=["product_id"],
                cardinality="one_to_many",
            ),
        ],
        dimensions=[
            d(name="country", table="customers", expr="country"),
            d(name="segment", table="customers", expr="segment"),
            d(name="is_active", table="customers", expr="is_active", type="boolean"),
            d(name="customer_name", table="customers", expr="name"),
            d(name="signup_date", table="customers", expr="signup_date", type="time"),
            d(name="status", table="orders", expr="status"),
            d(name="ordered_at", table="orders", expr="ordered_at", type="time"),
            d(
                name="order_size",
                table="orders",
                expr="CASE WHEN amount >= 250 THEN 'large' ELSE 'small' END",
            ),
            d(name="product.category", table="products", expr="category"),
            d(name="quantity", table="order_items", expr="quantity", type="number"),
        ],
        metrics=[
            m(
                name="revenue",
                table="orders",
                agg="sum",
                expr="amount",
                time_dimension="ordered_at",
                format=Format(kind="currency", currency="USD"),
            ),
            m(name="orders_count", table="orders", agg="count", time_dimension="ordered_at"),
            m(
                name="paid_revenue",
                table="orders",
                agg="sum",
                expr="amount",
                time_dimension="ordered_at",
                filter=[Filter(field="status", op="=", values=["paid"])],
            ),
            m(
                name="paid_orders",
                table="orders",
                agg="count",
                time_dimension="ordered_at",
                filter=[Filter(field="status", values=["paid"])],
            ),
            m(
                name="avg_amount",
                table="orders",
                agg="avg",
                expr="amount",
                time_dimension="ordered_at",
            ),
            m(
                name="median_amount",
                table="orders",
                agg="median",
                expr="amount",
                time_dimension="ordered_at",
            ),
            m(
                name="max_amount",
                table="orders",
                agg="max",
                expr="amount",
                time_dimension="ordered_at",
            ),
            m(
                name="buyers",
                table="orders",
                agg="count_distinct",
                expr="customer_id",
                time_dimension="ordered_at",
            ),
            m(
                name="units",
                table="order_items",
                agg="sum",
                expr="quantity",
                time_dimension="ordered_at",
            ),
            m(
                name="items_revenue",
                table="order_items",
                agg="sum",
                expr="quantity * unit_price",
                time_dimension="ordered_at",
            ),
            m(name="customers_count", table="customers", agg="count", time_dimension="signup_date"),
            m(
                name="active_customers",
                table="customers",
                agg="count",
                filter=[Filter(field="is_active", values=[True])],
            ),
            m(
                name="revenue_per_customer",
                type="ratio",
                numerator="revenue",
                denominator="customers_count",
            ),
            m(name="aov", type="ratio", numerator="revenue", denominator="orders_count"),
            m(name="paid_share", type="derived", expression="paid_revenue / revenue"),
            m(name="unbilled", type="derived", expression="items_revenue - revenue"),
            m(name="units_per_order", type="derived", expression="units / orders_count"),
        ],
    )


def schema() -> SchemaSnapshot:
    """What introspection would report for the fixture tables."""
    kinds = {
        "INTEGER": "integer",
        "VARCHAR": "string",
        "DATE": "date",
        "BOOLEAN": "boolean",
        "DECIMAL": "decimal",
        "TIMESTAMP": "timestamp",
    }
    fks = {
        "orders": [
            ForeignKeyInfo(columns=["customer_id"], ref_table="customers", ref_columns=["id"])
        ],
        "order_items": [
            ForeignKeyInfo(columns=["order_id"], ref_table="orders", ref_columns=["id"]),
            ForeignKeyInfo(columns=["product_id"], ref_table="products", ref_columns=["id"]),
        ],
    }
    tables = [
        TableInfo(
            name=name,
            columns=[
                ColumnInfo(
                    name=c, type=kinds[t.split("(")[0]], native_type=t, primary_key=c == "id"
                )  # type: ignore[arg-type]
                for c, t in cols
            ],
            primary_key=["id"],
            foreign_keys=fks.get(name, []),
        )
        for name, cols in TABLES.items()
    ]
    return SchemaSnapshot(tables=tables)
