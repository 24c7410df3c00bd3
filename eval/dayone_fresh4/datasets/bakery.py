"""Bakery chain: shops, staff, products, loyalty customers, orders and order lines (snake_case,
declared keys).

Deterministic (seeded `random.Random`). Two loyalty customers are both called "Sarah Miller"; two
shops tie on seats; walk-in orders have no customer (NULL `customer_id`); catering orders carry a
`pickup_on` date, some of them after the eval's now (2026-06-17); one product was never sold and
two customers never ordered. Staff point at their manager (`manager_id` -> `employees`).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
SHOPS = [
    (1, "Old Town Bakery", "Bristol", dt.date(2012, 3, 1), 40),
    (2, "Harbourside", "Bristol", dt.date(2016, 9, 15), 24),
    (3, "Clifton Corner", "Bristol", dt.date(2019, 5, 2), 18),
    (4, "Bath Abbey Bakehouse", "Bath", dt.date(2014, 6, 20), 32),
    (5, "Cardiff Bay Ovens", "Cardiff", dt.date(2021, 11, 8), 24),
    (6, "Station Kiosk", "Cardiff", dt.date(2025, 10, 1), 0),
]
PRODUCTS = [
    (1, "Sourdough Loaf", "Bread", 4.50, dt.date(2012, 3, 1)),
    (2, "Seeded Rye", "Bread", 4.80, dt.date(2012, 3, 1)),
    (3, "Baguette", "Bread", 2.20, dt.date(2013, 1, 10)),
    (4, "Butter Croissant", "Pastry", 1.90, dt.date(2012, 3, 1)),
    (5, "Pain au Chocolat", "Pastry", 2.10, dt.date(2012, 3, 1)),
    (6, "Almond Croissant", "Pastry", 2.60, dt.date(2015, 4, 1)),
    (7, "Cinnamon Bun", "Pastry", 2.40, dt.date(2018, 2, 1)),
    (8, "Carrot Cake Slice", "Cake", 3.20, dt.date(2014, 6, 1)),
    (9, "Lemon Drizzle Slice", "Cake", 3.00, dt.date(2014, 6, 1)),
    (10, "Chocolate Fudge Cake", "Cake", 24.00, dt.date(2016, 1, 1)),
    (11, "Victoria Sponge", "Cake", 22.00, dt.date(2016, 1, 1)),
    (12, "Flat White", "Drinks", 3.10, dt.date(2012, 3, 1)),
    (13, "Pot of Tea", "Drinks", 2.50, dt.date(2012, 3, 1)),
    (14, "Hot Chocolate", "Drinks", 3.10, dt.date(2017, 10, 1)),
    (15, "Sausage Roll", "Savoury", 2.80, dt.date(2013, 5, 1)),
    (16, "Cheese Scone", "Savoury", 2.30, dt.date(2013, 5, 1)),
    (17, "Vegan Brownie", "Cake", 2.90, dt.date(2024, 3, 1)),
    (18, "Pumpkin Loaf", "Bread", 5.20, dt.date(2025, 9, 1)),
]
NEVER_SOLD = {18}
EMPLOYEES = [
    (1, "Helen Ward", 1, "area manager", dt.date(2012, 2, 1), None),
    (2, "Tom Baker", 1, "head baker", dt.date(2013, 4, 1), 1),
    (3, "Priya Shah", 2, "shop manager", dt.date(2016, 8, 1), 1),
    (4, "Jack Evans", 2, "baker", dt.date(2018, 1, 15), 3),
    (5, "Lucy Green", 3, "shop manager", dt.date(2019, 4, 1), 1),
    (6, "Omar Farouk", 3, "barista", dt.date(2022, 7, 1), 5),
    (7, "Gareth Jones", 5, "shop manager", dt.date(2021, 10, 1), 1),
    (8, "Megan Lewis", 5, "barista", dt.date(2023, 3, 1), 7),
    (9, "Anna Novak", 4, "shop manager", dt.date(2014, 5, 1), 1),
    (10, "Rob Hill", 4, "baker", dt.date(2015, 9, 1), 9),
    (11, "Chloe Price", 4, "barista", dt.date(2024, 2, 1), 9),
    (12, "Dylan Rees", 6, "barista", dt.date(2025, 9, 20), 7),
    (13, "Fatima Ali", 1, "baker", dt.date(2026, 4, 1), 2),
]
FIRST = ["Sarah", "James", "Emily", "Oliver", "Aisha", "Noah", "Grace", "Ben", "Zoe", "Leo"]
LAST = ["Miller", "Clarke", "Hughes", "Patel", "Wood", "Khan", "Turner", "Scott", "Bell"]

DDL = """
CREATE TABLE shops (shop_id INTEGER PRIMARY KEY, shop_name VARCHAR, city VARCHAR,
    opened_on DATE, seats INTEGER);
CREATE TABLE products (product_id INTEGER PRIMARY KEY, product_name VARCHAR, category VARCHAR,
    unit_price DECIMAL(6,2), launched_on DATE);
CREATE TABLE employees (employee_id INTEGER PRIMARY KEY, full_name VARCHAR,
    shop_id INTEGER REFERENCES shops(shop_id), job_title VARCHAR, hired_on DATE,
    manager_id INTEGER REFERENCES employees(employee_id));
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, full_name VARCHAR, email VARCHAR,
    joined_on DATE, birthday DATE);
CREATE TABLE orders (order_id INTEGER PRIMARY KEY, shop_id INTEGER REFERENCES shops(shop_id),
    customer_id INTEGER REFERENCES customers(customer_id), ordered_at TIMESTAMP, channel VARCHAR,
    pickup_on DATE);
CREATE TABLE order_items (order_id INTEGER REFERENCES orders(order_id),
    product_id INTEGER REFERENCES products(product_id), quantity INTEGER,
    unit_price DECIMAL(6,2), PRIMARY KEY (order_id, product_id));
"""


def _customers(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    names = [f"{f} {ln}" for f in FIRST for ln in LAST]
    rng.shuffle(names)
    names = [*[n for n in names if n != "Sarah Miller"][:38], "Sarah Miller", "Sarah Miller"]
    for i, name in enumerate(names, start=1):
        joined = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1500))
        birthday = (
            None
            if rng.random() < 0.3
            else dt.date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28))
        )
        email = f"{name.lower().replace(' ', '.')}{i}@mail.example"
        rows.append((i, name, email, min(joined, NOW.date()), birthday))
    return rows


def _orders(
    rng: random.Random, customers: list[tuple[object, ...]]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    orders: list[tuple[object, ...]] = []
    items: list[tuple[object, ...]] = []
    sellable = [p for p in PRODUCTS if p[0] not in NEVER_SOLD]
    ordering = [c[0] for c in customers if c[0] not in (7, 23)]
    start = dt.datetime(2025, 1, 1, 7, 0)
    for oid in range(1, 361):
        shop = rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 20, 12, 20, 14, 4])[0]
        when = start + dt.timedelta(days=rng.randrange(532), minutes=rng.randrange(600))
        if shop == 6 and when.date() < dt.date(2025, 10, 1):
            when = when.replace(year=2026, month=1 + rng.randrange(5))
        channel = rng.choices(["counter", "online", "catering"], weights=[70, 22, 8])[0]
        pickup = None
        if channel == "catering":
            pickup = when.date() + dt.timedelta(days=rng.randrange(3, 21))
        cust = None if rng.random() < 0.35 else rng.choice(ordering)
        orders.append((oid, shop, cust, when, channel, pickup))
        lines = rng.sample(sellable, 1 + rng.randrange(3 if channel != "catering" else 5))
        for p in lines:
            qty = rng.randrange(1, 4) if channel != "catering" else rng.randrange(6, 25)
            items.append((oid, p[0], qty, p[3]))
    # Two catering orders placed this month for pickup after now.
    for oid, shop, cust, day, pickup in [(361, 1, 3, 10, 24), (362, 4, 12, 15, 30)]:
        orders.append(
            (
                oid,
                shop,
                cust,
                dt.datetime(2026, 6, day, 9, 30),
                "catering",
                dt.date(2026, 6, pickup),
            )
        )
        items.append((oid, 10, 4, 24.00))
        items.append((oid, 15, 30, 2.80))
    return orders, items


def build(path: str) -> None:
    rng = random.Random(4101)
    customers = _customers(rng)
    orders, items = _orders(rng, customers)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "shops", SHOPS)
        _insert(con, "products", PRODUCTS)
        for employee in EMPLOYEES:  # one at a time: each row's manager is already in
            _insert(con, "employees", [employee])
        _insert(con, "customers", customers)
        _insert(con, "orders", orders)
        _insert(con, "order_items", items)
    finally:
        con.close()
