"""Online shop: customers, products, orders, order_items and product reviews (snake_case,
declared primary and foreign keys).

Two customers are named "Alex Morgan" (different cities); two different products are both titled
"Classic Hoodie"; the two most expensive products share the same price. Orders run up to the
eval's now (2026-06-17 10:00), with some placed today.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
CITIES = [
    ("Austin", "USA"),
    ("Denver", "USA"),
    ("Boston", "USA"),
    ("Toronto", "Canada"),
    ("Vancouver", "Canada"),
    ("Dublin", "Ireland"),
    ("Leeds", "UK"),
    ("Sydney", "Australia"),
]
FIRST = [
    "Alex",
    "Jamie",
    "Taylor",
    "Morgan",
    "Riley",
    "Casey",
    "Jordan",
    "Avery",
    "Quinn",
    "Drew",
    "Sam",
    "Robin",
    "Kelly",
    "Parker",
]
LAST = [
    "Morgan",
    "Reed",
    "Hayes",
    "Brooks",
    "Foster",
    "Price",
    "Bennett",
    "Ortiz",
    "Nguyen",
    "Ward",
    "Cole",
]
SEGMENTS = ["Consumer", "Consumer", "Consumer", "Small Business", "Corporate"]
CATALOG = [
    (
        "Apparel",
        "Northpeak",
        [
            "Classic Hoodie",
            "Trail Jacket",
            "Merino Socks",
            "Rain Shell",
            "Fleece Vest",
            "Graphic Tee",
        ],
        (15, 180),
    ),
    (
        "Electronics",
        "Voltra",
        [
            "Wireless Earbuds",
            "Smart Watch",
            "USB-C Hub",
            "Power Bank",
            "Bluetooth Speaker",
            "Noise Cancelling Headphones",
        ],
        (20, 399),
    ),
    (
        "Home",
        "Casa Nova",
        ["Ceramic Mug Set", "Linen Throw", "Desk Lamp", "Scented Candle", "Cast Iron Pan"],
        (12, 140),
    ),
    (
        "Outdoors",
        "Ridgeline",
        ["Camping Stove", "Trekking Poles", "2-Person Tent", "Sleeping Bag", "Headlamp"],
        (18, 320),
    ),
    ("Beauty", "Lumen", ["Face Serum", "Lip Balm Trio", "Hair Oil"], (8, 60)),
]
STATUS = [
    "Delivered",
    "Delivered",
    "Delivered",
    "Delivered",
    "Shipped",
    "Processing",
    "Cancelled",
    "Returned",
]

DDL = """
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, full_name VARCHAR, email VARCHAR,
  city VARCHAR, country VARCHAR, segment VARCHAR, signup_date DATE);
CREATE TABLE products (product_id INTEGER PRIMARY KEY, title VARCHAR, category VARCHAR,
  brand VARCHAR, price DECIMAL(8, 2), stock_qty INTEGER, launched_on DATE);
CREATE TABLE orders (order_id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(customer_id), ordered_at TIMESTAMP, status VARCHAR,
  shipping_fee DECIMAL(6, 2), coupon_code VARCHAR);
CREATE TABLE order_items (order_id INTEGER REFERENCES orders(order_id),
  product_id INTEGER REFERENCES products(product_id), quantity INTEGER,
  unit_price DECIMAL(8, 2), PRIMARY KEY (order_id, product_id));
CREATE TABLE reviews (review_id INTEGER PRIMARY KEY,
  product_id INTEGER REFERENCES products(product_id),
  customer_id INTEGER REFERENCES customers(customer_id), rating INTEGER,
  reviewed_at TIMESTAMP);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(7007)
    customers = []
    for i in range(1, 401):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Alex Morgan":
            name = "Alex Reed"
        if i in (21, 307):
            name = "Alex Morgan"
        city, country = CITIES[(i * 7) % len(CITIES)] if i != 307 else CITIES[5]
        email = f"{name.lower().replace(' ', '.')}{i}@example.com"
        signup = (NOW - dt.timedelta(days=int(1500 * rng.random() ** 1.4))).date()
        customers.append((i, name, email, city, country, rng.choice(SEGMENTS), signup))
    products = []
    pid = 0
    for cat, brand, titles, (lo, hi) in CATALOG:
        for title in titles:
            for variant in range(2 if title in ("Classic Hoodie", "Headlamp") else 1):
                pid += 1
                price = round(rng.uniform(lo, hi), 2)
                launched = (NOW - dt.timedelta(days=rng.randint(30, 1400))).date()
                products.append(
                    (
                        pid,
                        title,
                        cat,
                        brand if variant == 0 else "Urbanite",
                        price,
                        rng.randint(0, 400),
                        launched,
                    )
                )
    top = max(p[4] for p in products)
    products = [p if p[1] != "Smart Watch" else (*p[:4], top, *p[5:]) for p in products]
    never = {p[0] for p in products if p[1] in ("Hair Oil", "Linen Throw")}
    sellable = [p for p in products if p[0] not in never]
    orders, items = [], []
    for oid in range(1, 2201):
        c = customers[int(380 * rng.random() ** 1.25)]  # customers 381..400 never ordered
        at = NOW - dt.timedelta(minutes=int(700 * 1440 * rng.random() ** 1.3) + 1)
        status = rng.choice(STATUS)
        if at > NOW - dt.timedelta(days=3) and status in ("Delivered", "Returned"):
            status = "Processing"
        coupon = rng.choice([None, None, None, None, "SPRING10", "WELCOME5", "VIP20"])
        orders.append((oid, c[0], at, status, rng.choice([0.0, 4.99, 9.99]), coupon))
        for p in rng.sample(sellable, rng.choice([1, 1, 1, 2, 2, 3])):
            items.append((oid, p[0], rng.choice([1, 1, 1, 2, 3]), p[4]))
    reviews = []
    for rid in range(1, 601):
        p = rng.choice(sellable)
        c = customers[int(380 * rng.random())]
        at = NOW - dt.timedelta(minutes=int(600 * 1440 * rng.random()) + 1)
        reviews.append((rid, p[0], c[0], rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 5, 6])[0], at))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "customers", customers)
        _insert(con, "products", products)
        _insert(con, "orders", orders)
        _insert(con, "order_items", items)
        _insert(con, "reviews", reviews)
    finally:
        con.close()
