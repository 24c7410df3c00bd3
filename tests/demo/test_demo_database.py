"""The demo database: deterministic, large enough, ending today, with declared and intact keys."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from nexatron.demo import build_rows, generate_demo

TODAY = dt.date(2026, 3, 15)  # the same day as conftest.DEMO_TODAY

TABLES = ("channels", "customers", "products", "orders", "order_items")


def checksums(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t: str(
                con.execute(
                    "SELECT md5(string_agg(CAST(x AS VARCHAR), '|' "
                    f"ORDER BY CAST(x AS VARCHAR))) FROM {t} AS x"
                ).fetchone()
            )
            for t in TABLES
        }


@pytest.fixture
def con(demo_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(demo_path), read_only=True) as connection:
        yield connection


def test_same_seed_and_today_give_identical_databases(demo_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    generate_demo(again, today=TODAY, seed=7)
    assert checksums(again) == checksums(demo_path)


def test_another_seed_gives_other_rows(con: duckdb.DuckDBPyConnection) -> None:
    other = build_rows(TODAY, seed=8)
    first_items = con.execute("SELECT * FROM order_items ORDER BY id LIMIT 50").fetchall()
    assert [r[:4] for r in other["order_items"][:50]] != [r[:4] for r in first_items]
    assert other["channels"] == [tuple(r) for r in con.execute("SELECT * FROM channels").fetchall()]


def test_regenerating_replaces_the_file(demo_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_path, path)
    generate_demo(path, today=dt.date(2025, 2, 28))
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT max(order_date) FROM orders").fetchone() == (
            dt.date(2025, 2, 28),
        )
    assert [p.name for p in tmp_path.iterdir()] == ["demo.duckdb"]


def test_row_counts(con: duckdb.DuckDBPyConnection) -> None:
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    assert counts["order_items"] >= 100_000
    assert counts["orders"] >= 40_000
    assert counts["customers"] >= 5_000
    assert counts["products"] >= 50
    assert counts["channels"] == 4


def test_dates_span_three_years_ending_today(con: duckdb.DuckDBPyConnection) -> None:
    first, last = con.execute("SELECT min(order_date), max(order_date) FROM orders").fetchone()  # type: ignore[misc]
    assert last == TODAY
    assert (last - first).days >= 3 * 365
    missing = con.execute(
        "SELECT count(*) FROM range(DATE '2023-03-15', DATE '2026-03-16', INTERVAL 1 DAY) r(d) "
        "WHERE CAST(d AS DATE) NOT IN (SELECT order_date FROM orders)"
    ).fetchone()
    assert missing == (0,)


def test_sales_grow_and_peak_in_the_holidays(con: duckdb.DuckDBPyConnection) -> None:
    yearly = con.execute(
        "SELECT sum(amount) FILTER (WHERE year(order_date) = 2024),"
        " sum(amount) FILTER (WHERE year(order_date) = 2025) "
        "FROM order_items JOIN orders ON orders.id = order_items.order_id"
    ).fetchone()
    assert yearly[1] > yearly[0] * Decimal("1.08")  # type: ignore[index]
    by_month = dict(
        con.execute(
            "SELECT month(order_date), count(*) FROM orders "
            "WHERE year(order_date) = 2025 GROUP BY 1"
        ).fetchall()
    )
    assert by_month[12] > by_month[2] * 1.4


def test_amounts_follow_price_quantity_and_discount(con: duckdb.DuckDBPyConnection) -> None:
    off = con.execute(
        "SELECT count(*) FROM order_items "
        "WHERE abs(amount - round(quantity * unit_price * (1 - discount), 2)) > 0.01 "
        "OR discount NOT IN (0, 0.05, 0.10, 0.15, 0.20) OR quantity < 1"
    ).fetchone()
    assert off == (0,)


def test_every_foreign_key_is_declared_and_holds(con: duckdb.DuckDBPyConnection) -> None:
    declared = {
        (r[0], tuple(r[1]), tuple(r[2]))
        for r in con.execute(
            "SELECT table_name, constraint_column_names, referenced_column_names "
            "FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'"
        ).fetchall()
    }
    assert declared == {
        ("orders", ("customer_id",), ("id",)),
        ("orders", ("channel",), ("code",)),
        ("order_items", ("order_id",), ("id",)),
        ("order_items", ("product_id",), ("id",)),
    }
    orphans = con.execute(
        "SELECT (SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers))"
        " + (SELECT count(*) FROM orders WHERE channel NOT IN (SELECT code FROM channels))"
        " + (SELECT count(*) FROM order_items WHERE order_id NOT IN (SELECT id FROM orders))"
        " + (SELECT count(*) FROM order_items WHERE product_id NOT IN (SELECT id FROM products))"
        " + (SELECT count(*) FROM orders WHERE id NOT IN (SELECT order_id FROM order_items))"
    ).fetchone()
    assert orphans == (0,)


def test_customers_sign_up_before_their_first_order(con: duckdb.DuckDBPyConnection) -> None:
    late = con.execute(
        "SELECT count(*) FROM customers c JOIN orders o ON o.customer_id = c.id "
        "WHERE o.order_date < c.signup_date"
    ).fetchone()
    assert late == (0,)


def test_recent_orders_are_open(con: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(
        con.execute(
            "SELECT status, count(*) FROM orders WHERE order_date = ? GROUP BY 1", [TODAY]
        ).fetchall()
    )
    assert set(statuses) == {"pending"}
    overall = {r[0] for r in con.execute("SELECT DISTINCT status FROM orders").fetchall()}
    assert overall == {"completed", "cancelled", "returned", "shipped", "pending"}
