"""The proof every real engine must pass: test, introspect, a join + GROUP BY + date filter,
writes refused with the tables unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nexatron.errors import NexatronError
from nexatron.warehouse.base import Engine
from nexatron.warehouse.types import SchemaSnapshot

from . import wh_dataset as dataset


def check_test(engine: Engine) -> None:
    result = engine.test()
    assert result.ok, result.detail
    assert result.server_version
    assert result.latency_ms is not None and result.latency_ms >= 0


def check_schema(snap: SchemaSnapshot, schema: str | None, *, keys: bool = True) -> None:
    """The sample tables with normalized types, keys, the view and approximate row counts."""
    orders = snap.table(f"{schema}.orders" if schema else "orders")
    customers = snap.table(f"{schema}.customers" if schema else "customers")
    view = snap.table(f"{schema}.big_orders" if schema else "big_orders")
    assert orders is not None and customers is not None and view is not None
    assert view.kind == "view" and orders.kind == "table"
    assert [c.name.lower() for c in orders.columns] == ["id", "customer_id", "order_date", "amount"]
    types = {c.name.lower(): c.type for c in orders.columns}
    assert types["id"] == "integer" and types["order_date"] == "date"
    assert types["amount"] in ("decimal", "float")
    assert all(c.native_type for c in orders.columns)
    assert snap.default_schema is not None
    if keys:
        assert [k.lower() for k in orders.primary_key] == ["id"]
        assert orders.column("id") is not None and orders.column("id").primary_key  # type: ignore[union-attr]
        assert not customers.column("name").nullable  # type: ignore[union-attr]
        fk = orders.foreign_keys
        assert len(fk) == 1 and [c.lower() for c in fk[0].columns] == ["customer_id"]
        assert fk[0].ref_table.lower() == "customers"
        assert [c.lower() for c in fk[0].ref_columns] == ["id"]


def check_query(engine: Engine, sql: str) -> None:
    result = engine.execute(sql, timeout_s=10, row_cap=100)
    assert [c.name.lower() for c in result.columns] == ["region", "n", "total"]
    assert [c.type for c in result.columns] == ["string", "number", "number"]
    got = [(r, int(n), Decimal(str(t))) for r, n, t in result.rows]
    assert got == dataset.expected_by_region()
    assert not result.truncated


def check_writes_refused(engine: Engine, writes: list[str], count_sql: str) -> None:
    before = engine.execute(count_sql, timeout_s=10, row_cap=10).rows
    for sql in writes:
        with pytest.raises(NexatronError):
            engine.execute(sql, timeout_s=10, row_cap=10)
    assert engine.execute(count_sql, timeout_s=10, row_cap=10).rows == before


def check_row_cap(engine: Engine, sql: str) -> None:
    capped = engine.execute(sql, timeout_s=10, row_cap=2)
    assert len(capped.rows) == 2 and capped.truncated
    exact = engine.execute(sql, timeout_s=10, row_cap=6)
    assert len(exact.rows) == 6 and not exact.truncated
