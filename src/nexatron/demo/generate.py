"""Build the demo sales database: deterministic for a given `today` and seed, dates ending today.

Rows are drawn with `random.Random(seed)` in plain Python (no NumPy), written to CSV files and
bulk-loaded with DuckDB's COPY, into a temporary file that replaces `path` atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import random
import tempfile
from bisect import bisect
from itertools import accumulate
from pathlib import Path

from nexatron.demo import catalog

YEARS = 3
LEAD_DAYS = 30  # a little history before the three full years
BASE_ORDERS_PER_DAY = 40.0
GROWTH_PER_YEAR = 0.15
MONTH_FACTOR = (0.85, 0.8, 0.9, 0.95, 1.0, 1.05, 1.0, 0.95, 1.0, 1.05, 1.3, 1.45)
CATEGORY_MONTH_BOOST = {"Outdoor": (5, 6, 7, 8), "Electronics": (11, 12)}
CUSTOMERS = 6000
RECENT_DAYS = 5  # orders this recent are still pending or shipped

DDL = (
    "CREATE TABLE channels (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)",
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
    "segment VARCHAR NOT NULL, country VARCHAR NOT NULL, region VARCHAR NOT NULL, "
    "signup_date DATE NOT NULL)",
    "CREATE TABLE products (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
    "category VARCHAR NOT NULL, subcategory VARCHAR NOT NULL, unit_price DECIMAL(10, 2) NOT NULL)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
    "customer_id INTEGER NOT NULL REFERENCES customers (id), order_date DATE NOT NULL, "
    "channel VARCHAR NOT NULL REFERENCES channels (code), status VARCHAR NOT NULL)",
    "CREATE TABLE order_items (id INTEGER PRIMARY KEY, "
    "order_id INTEGER NOT NULL REFERENCES orders (id), "
    "product_id INTEGER NOT NULL REFERENCES products (id), quantity INTEGER NOT NULL, "
    "unit_price DECIMAL(10, 2) NOT NULL, discount DECIMAL(4, 2) NOT NULL, "
    "amount DECIMAL(12, 2) NOT NULL)",
)
TABLE_ORDER = ("channels", "customers", "products", "orders", "order_items")
Row = tuple[object, ...]


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _pick(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([i[0] for i in items], weights=[i[1] for i in items])[0]


def _start(today: dt.date) -> dt.date:
    try:
        back = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        back = today.replace(year=today.year - YEARS, day=28)
    return back - dt.timedelta(days=LEAD_DAYS)


def _products(rng: random.Random) -> tuple[list[Row], list[tuple[str, int]]]:
    rows: list[Row] = []
    info: list[tuple[str, int]] = []
    for category, subcategories in catalog.PRODUCTS.items():
        for subcategory, (names, low, high) in subcategories.items():
            for name in names:
                cents = round(rng.uniform(low, high) * 100) // 50 * 50 + 99
                rows.append((len(rows) + 1, name, category, subcategory, _money(cents)))
                info.append((category, cents))
    return rows, info


def _customers(rng: random.Random) -> tuple[list[list[object]], list[float]]:
    places = [(r, c, w) for r, countries in catalog.REGIONS.items() for c, w in countries]
    weights = [p[2] for p in places]
    rows: list[list[object]] = []
    activity: list[float] = []
    for cid in range(1, CUSTOMERS + 1):
        region, country, _ = rng.choices(places, weights=weights)[0]
        segment = _pick(rng, catalog.SEGMENTS)
        if segment == "Consumer":
            name = f"{rng.choice(catalog.FIRST_NAMES)} {rng.choice(catalog.LAST_NAMES)}"
        else:
            words = (rng.choice(catalog.COMPANY_WORDS), rng.choice(catalog.COMPANY_SUFFIXES))
            name = f"{words[0]} {words[1]}"
        rows.append([cid, name, segment, country, region, None])
        scale = {"Consumer": 1.0, "Small Business": 2.0, "Enterprise": 4.0}[segment]
        activity.append(scale * rng.paretovariate(2.5))
    return rows, activity


def _month_product_weights(rng: random.Random, info: list[tuple[str, int]]) -> list[list[float]]:
    popularity = [rng.lognormvariate(0, 0.6) / math.sqrt(cents / 100) for _, cents in info]
    tables = []
    for month in range(1, 13):
        weights = [
            p * (1.6 if month in CATEGORY_MONTH_BOOST.get(cat, ()) else 1.0)
            for p, (cat, _) in zip(popularity, info, strict=True)
        ]
        tables.append(list(accumulate(weights)))
    return tables


def _orders_and_items(
    rng: random.Random, today: dt.date, customers: list[list[object]], activity: list[float],
    product_info: list[tuple[str, int]],
) -> tuple[list[Row], list[Row]]:  # fmt: skip
    start = _start(today)
    customer_cum = list(accumulate(activity))
    product_cum = _month_product_weights(rng, product_info)
    channel_codes = [c[0] for c in catalog.CHANNELS]
    channel_weights = [c[2] for c in catalog.CHANNELS]
    orders: list[Row] = []
    items: list[Row] = []
    first_order: dict[int, dt.date] = {}
    for offset in range((today - start).days + 1):
        day = start + dt.timedelta(days=offset)
        years = offset / 365.25
        expected = BASE_ORDERS_PER_DAY * (1 + GROWTH_PER_YEAR) ** years
        expected *= MONTH_FACTOR[day.month - 1] * (0.9 if day.weekday() >= 5 else 1.03)
        count = max(1, round(expected * rng.uniform(0.8, 1.2)))
        age = (today - day).days
        for _ in range(count):
            cidx = bisect(customer_cum, rng.random() * customer_cum[-1])
            customer = customers[min(cidx, len(customers) - 1)]
            cid = int(str(customer[0]))
            first_order.setdefault(cid, day)
            if age < RECENT_DAYS:
                status = "pending" if age < 2 else "shipped"
            else:
                status = _pick(rng, catalog.STATUSES)
            oid = len(orders) + 1
            channel = rng.choices(channel_codes, weights=channel_weights)[0]
            orders.append((oid, cid, day.isoformat(), channel, status))
            business = customer[2] != "Consumer"
            cum = product_cum[day.month - 1]
            for _ in range(rng.choices((1, 2, 3, 4, 5), weights=(40, 28, 16, 10, 6))[0]):
                pidx = min(bisect(cum, rng.random() * cum[-1]), len(cum) - 1)
                cents = round(product_info[pidx][1] * (1.03 ** int(years)))
                quantity = rng.randint(1, 10) if business else rng.choice((1, 1, 1, 2, 2, 3))
                discount = rng.choices((0, 5, 10, 15, 20), weights=(70, 12, 10, 5, 3))[0]
                amount = round(quantity * cents * (100 - discount) / 100)
                items.append(
                    (len(items) + 1, oid, pidx + 1, quantity, _money(cents),
                     f"0.{discount:02d}", _money(amount))
                )  # fmt: skip
    for customer in customers:
        cid = int(str(customer[0]))
        anchor = first_order.get(cid, today - dt.timedelta(days=rng.randint(0, 365)))
        customer[5] = (anchor - dt.timedelta(days=rng.randint(0, 400))).isoformat()
    return orders, items


def build_rows(today: dt.date, seed: int = 7) -> dict[str, list[Row]]:
    """All demo rows per table, in insertion order (parents before children)."""
    rng = random.Random(seed)
    products, product_info = _products(rng)
    customers, activity = _customers(rng)
    orders, items = _orders_and_items(rng, today, customers, activity, product_info)
    channels: list[Row] = [(code, name) for code, name, _ in catalog.CHANNELS]
    return {
        "channels": channels,
        "customers": [tuple(c) for c in customers],
        "products": products,
        "orders": orders,
        "order_items": items,
    }


def generate_demo(path: Path, *, today: dt.date, seed: int = 7) -> None:
    """Write the demo DuckDB database to `path` (replacing it atomically)."""
    # Imported here: `nexatron serve` imports this package on every start (first_run's
    # adopt_shared_demo), and the duckdb module alone is ~13 MB of a worker's idle RSS.
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    rows = build_rows(today, seed)
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        target = Path(scratch) / "demo.duckdb"
        with duckdb.connect(str(target)) as con:
            for statement in DDL:
                con.execute(statement)
            for table in TABLE_ORDER:
                csv_path = Path(scratch) / f"{table}.csv"
                with csv_path.open("w", newline="", encoding="utf-8") as handle:
                    csv.writer(handle).writerows(rows[table])
                con.execute(f"COPY {table} FROM '{csv_path}' (FORMAT csv, HEADER false)")
            con.execute("CHECKPOINT")
        os.replace(target, path)
