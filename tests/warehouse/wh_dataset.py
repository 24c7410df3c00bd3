"""A tiny sales dataset, its DDL per engine, and the expected answer of the proof query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

CUSTOMERS = [(1, "Ada", "north"), (2, "Bo", "south"), (3, "Cy", "north")]
ORDERS = [
    (1, 1, dt.date(2024, 1, 15), Decimal("10.50")),
    (2, 1, dt.date(2024, 2, 3), Decimal("20.25")),
    (3, 2, dt.date(2024, 2, 17), Decimal("7.00")),
    (4, 3, dt.date(2024, 3, 1), Decimal("12.75")),
    (5, 2, dt.date(2024, 3, 9), Decimal("30.00")),
    (6, 3, dt.date(2023, 12, 31), Decimal("99.99")),
]
SINCE = dt.date(2024, 2, 1)
#: A password that must appear in no exception, result or log.
CANARY = "canary-Pw-7f3k9Q-do-not-leak"

_TYPES = {
    # dialect: (int, text, date, money, key clauses?)
    "postgres": ("INTEGER", "VARCHAR(50)", "DATE", "NUMERIC(10,2)"),
    "mysql": ("INT", "VARCHAR(50)", "DATE", "DECIMAL(10,2)"),
    "snowflake": ("NUMBER(38,0)", "VARCHAR(50)", "DATE", "NUMBER(10,2)"),
    "duckdb": ("INTEGER", "VARCHAR", "DATE", "DECIMAL(10,2)"),
    "sqlite": ("INTEGER", "TEXT", "DATE", "NUMERIC"),
}


def expected_by_region() -> list[tuple[str, int, Decimal]]:
    """region, order count and amount since SINCE, ordered by region."""
    region = {cid: r for cid, _, r in CUSTOMERS}
    out: dict[str, tuple[int, Decimal]] = {}
    for _, cid, day, amount in ORDERS:
        if day >= SINCE:
            n, total = out.get(region[cid], (0, Decimal(0)))
            out[region[cid]] = (n + 1, total + amount)
    return [(r, n, t) for r, (n, t) in sorted(out.items())]


def _values(rows: list[tuple[object, ...]], dialect: str) -> str:
    def lit(v: object) -> str:
        if isinstance(v, str):
            return f"'{v}'"
        if isinstance(v, dt.date):
            return f"'{v.isoformat()}'" if dialect == "sqlite" else f"DATE '{v.isoformat()}'"
        return str(v)

    return ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)


def seed_sql(dialect: str, qualifier: str | None) -> list[str]:
    """CREATE + INSERT statements for customers and orders under `qualifier` (schema/db).
    ClickHouse gets CREATEs only: clickhouse-driver sends rows as data blocks (see conftest)."""
    q = f"{qualifier}." if qualifier else ""
    if dialect == "clickhouse":
        return [
            f"CREATE TABLE {q}customers (id Int32, name String, region String) "
            "ENGINE = MergeTree ORDER BY id",
            f"CREATE TABLE {q}orders (id Int32, customer_id Int32, order_date Date, "
            "amount Decimal(10,2)) ENGINE = MergeTree ORDER BY id",
            f"CREATE VIEW {q}big_orders AS SELECT * FROM {q}orders WHERE amount > 20",
        ]
    int_t, text_t, date_t, money_t = _TYPES[dialect]
    return [
        f"CREATE TABLE {q}customers (id {int_t} PRIMARY KEY, name {text_t} NOT NULL, "
        f"region {text_t})",
        f"CREATE TABLE {q}orders (id {int_t} PRIMARY KEY, customer_id {int_t} NOT NULL "
        f"REFERENCES {q}customers(id), order_date {date_t}, amount {money_t})",
        f"INSERT INTO {q}customers VALUES {_values(CUSTOMERS, dialect)}",
        f"INSERT INTO {q}orders VALUES {_values(ORDERS, dialect)}",
        f"CREATE VIEW {q}big_orders AS SELECT * FROM {q}orders WHERE amount > 20",
    ]


def proof_sql(qualifier: str | None, since_literal: str) -> str:
    """GROUP BY with a date filter and a join."""
    q = f"{qualifier}." if qualifier else ""
    return (
        f"SELECT c.region AS region, COUNT(*) AS n, SUM(o.amount) AS total "
        f"FROM {q}orders o JOIN {q}customers c ON c.id = o.customer_id "
        f"WHERE o.order_date >= {since_literal} GROUP BY c.region ORDER BY c.region"
    )


def write_attempts(qualifier: str | None, dialect: str = "postgres") -> list[str]:
    q = f"{qualifier}." if qualifier else ""
    if dialect == "clickhouse":
        return [
            f"INSERT INTO {q}customers VALUES (99, 'Mallory', 'west')",
            f"ALTER TABLE {q}orders DELETE WHERE 1 = 1",
            f"DROP TABLE {q}orders",
            f"CREATE TABLE {q}evil (x Int32) ENGINE = Memory",
            f"TRUNCATE TABLE {q}orders",
        ]
    return [
        f"INSERT INTO {q}customers VALUES (99, 'Mallory', 'west')",
        f"UPDATE {q}orders SET amount = 0",
        f"DELETE FROM {q}orders",
        f"DROP TABLE {q}orders",
        f"CREATE TABLE {q}evil (x INTEGER)",
    ]
