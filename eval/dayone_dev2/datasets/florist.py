"""Florist chain: shops, florists, customers, bouquets, orders and order lines (snake_case,
declared primary and foreign keys).

Deterministic (seeded `random.Random`). Two customers are both called "Olivia Brown"; orders point
at florists twice (`arranged_by` who made it, `delivered_by` who drove it; NULL when the customer
collected in the shop); walk-in orders have no customer (NULL `customer_id`); `occasion` is NULL
when the buyer gave none; florists point at their mentor (`mentor_id` -> `florists`). Some
deliveries are booked after the eval's now (2026-06-17); a bouquet was never sold, a florist never
arranged an order and three customers never ordered. Two bouquets tie on list price at a top-3
cut-off.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
SHOPS = [
    (1, "Petal & Stem", "Leeds", dt.date(2015, 4, 1)),
    (2, "The Flower Loft", "York", dt.date(2018, 9, 12)),
    (3, "Bloom Street", "Leeds", dt.date(2021, 2, 1)),
    (4, "Wild Meadow", "Harrogate", dt.date(2024, 5, 20)),
]
# florist_id, full_name, shop_id, mentor_id, hired_on
FLORISTS = [
    (1, "Grace Holt", 1, None, dt.date(2015, 4, 1)),
    (2, "Tom Reyes", 1, 1, dt.date(2017, 6, 5)),
    (3, "Amara Osei", 2, 1, dt.date(2018, 9, 12)),
    (4, "Liam Walsh", 2, 3, dt.date(2020, 1, 15)),
    (5, "Sofia Marin", 3, 1, dt.date(2021, 2, 1)),
    (6, "Ben Carter", 3, 5, dt.date(2022, 8, 30)),
    (7, "Hana Sato", 4, 3, dt.date(2024, 5, 20)),
    (8, "Owen Pryce", 4, 7, dt.date(2026, 5, 4)),
]
DRIVERS = [2, 4, 6, 7]
# bouquet_id, bouquet_name, category, list_price, is_seasonal
BOUQUETS = [
    (1, "Classic Red Roses", "Romance", 45.00, False),
    (2, "Blush Peony Bunch", "Romance", 52.00, True),
    (3, "Sunflower Burst", "Everyday", 28.00, True),
    (4, "Spring Tulips", "Everyday", 24.00, True),
    (5, "White Lily Tribute", "Sympathy", 60.00, False),
    (6, "Sympathy Wreath", "Sympathy", 85.00, False),
    (7, "Bridal Cascade", "Wedding", 140.00, False),
    (8, "Buttonhole Set", "Wedding", 35.00, False),
    (9, "Table Centrepiece", "Wedding", 60.00, False),
    (10, "Mixed Seasonal Posy", "Everyday", 19.50, True),
    (11, "Orchid in Pot", "Plants", 38.00, False),
    (12, "Succulent Trio", "Plants", 22.00, False),
]
NEVER_SOLD = 12
FIRST = [
    "Olivia",
    "Jack",
    "Emily",
    "Harry",
    "Chloe",
    "Noah",
    "Mia",
    "Leo",
    "Ruby",
    "Oscar",
    "Isla",
    "Alfie",
    "Freya",
    "George",
    "Poppy",
    "Arthur",
    "Lily",
    "Theo",
    "Ava",
    "Finn",
]
LAST = ["Brown", "Smith", "Patel", "Jones", "Khan", "Wilson", "Taylor", "Evans", "Hughes", "Reid"]
CITIES = ["Leeds", "York", "Harrogate", "Wakefield"]
OCCASIONS = ["Birthday", "Anniversary", "Funeral", "Wedding", "Get well", "Thank you", None, None]


def _customers(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    used: set[str] = set()
    for cid in range(1, 41):
        if cid in (5, 23):
            name = "Olivia Brown"
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            while name in used or name == "Olivia Brown":
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        used.add(name)
        email = None if cid % 9 == 0 else f"cust{cid}@example.com"
        signed = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 860))
        rows.append((cid, name, email, rng.choice(CITIES), signed))
    return rows


def build(path: str) -> None:
    rng = random.Random(4107)
    con = duckdb.connect(path)
    con.execute(
        "CREATE TABLE shops (shop_id INTEGER PRIMARY KEY, shop_name VARCHAR, city VARCHAR,"
        " opened_on DATE)"
    )
    con.execute(
        "CREATE TABLE florists (florist_id INTEGER PRIMARY KEY, full_name VARCHAR,"
        " shop_id INTEGER REFERENCES shops(shop_id), mentor_id INTEGER REFERENCES"
        " florists(florist_id), hired_on DATE)"
    )
    con.execute(
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, full_name VARCHAR,"
        " email VARCHAR, city VARCHAR, signed_up_on DATE)"
    )
    con.execute(
        "CREATE TABLE bouquets (bouquet_id INTEGER PRIMARY KEY, bouquet_name VARCHAR,"
        " category VARCHAR, list_price DECIMAL(8,2), is_seasonal BOOLEAN)"
    )
    con.execute(
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES"
        " customers(customer_id), shop_id INTEGER REFERENCES shops(shop_id), arranged_by INTEGER"
        " REFERENCES florists(florist_id), delivered_by INTEGER REFERENCES"
        " florists(florist_id), ordered_at TIMESTAMP, delivery_date DATE, occasion VARCHAR)"
    )
    con.execute(
        "CREATE TABLE order_lines (line_id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES"
        " orders(order_id), bouquet_id INTEGER REFERENCES bouquets(bouquet_id), qty INTEGER,"
        " unit_price DECIMAL(8,2))"
    )
    customers = _customers(rng)
    _insert(con, "shops", SHOPS)
    for florist in FLORISTS:  # one at a time: each mentor exists before their mentee
        _insert(con, "florists", [florist])
    _insert(con, "customers", customers)
    _insert(con, "bouquets", BOUQUETS)
    buyers = [c[0] for c in customers if c[0] not in (11, 29, 37)]
    start = dt.datetime(2025, 1, 2, 8, 0)
    span = int((NOW - start).total_seconds() // 60)
    orders: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    line_id = 1
    for oid in range(1, 321):
        at = start + dt.timedelta(minutes=rng.randint(0, span))
        at = at.replace(hour=rng.randint(8, 18), second=0)
        if at > NOW:
            at = NOW - dt.timedelta(hours=rng.randint(1, 30))
        shop = rng.choice([1, 1, 2, 2, 3, 4]) if at.date() >= dt.date(2024, 5, 20) else 1
        crew = [f[0] for f in FLORISTS if f[2] == shop and f[0] != 8]
        arranger = rng.choice(crew)
        customer = None if rng.random() < 0.15 else rng.choice(buyers)
        delivered = rng.random() < 0.6
        driver = rng.choice(DRIVERS) if delivered else None
        lead = rng.randint(0, 6) if delivered else 0
        if oid % 40 == 0 or (delivered and at >= dt.datetime(2026, 6, 1)):
            lead = rng.randint(8, 40)  # wedding and event orders booked ahead
        delivery = at.date() + dt.timedelta(days=lead)
        occasion = rng.choice(OCCASIONS)
        orders.append((oid, customer, shop, arranger, driver, at, delivery, occasion))
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            bouquet = rng.choice([b for b in BOUQUETS if b[0] != NEVER_SOLD])
            qty = rng.choice([1, 1, 1, 2, 3]) if bouquet[0] != 8 else rng.choice([4, 6, 8])
            price = float(bouquet[3]) if rng.random() < 0.8 else round(float(bouquet[3]) * 0.9, 2)
            lines.append((line_id, oid, bouquet[0], qty, price))
            line_id += 1
    _insert(con, "orders", orders)
    _insert(con, "order_lines", lines)
    con.close()
