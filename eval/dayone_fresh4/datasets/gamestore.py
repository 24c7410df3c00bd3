"""Video game retailer: stores, titles, loyalty members, sales, sale lines and trade-ins
(abbreviated snake_case with a `gs_` prefix, no declared keys).

Deterministic (seeded `random.Random`). A sale (`gs_sale.str_cd` -> `gs_str.str_id`,
`gs_sale.cust_no` -> `gs_mbr.mbr_no`, NULL for guests without a card) has lines
(`gs_sale_ln.sale_ref` -> `gs_sale.sale_id`, `itm` -> `gs_ttl.ttl_id`). The title "Star Racer"
exists on two platforms; two members are both called "Alex Kim"; `tier` is NULL for members
without a paid tier; titles released after the eval's now (2026-06-17) are pre-orders
(`is_preord`); one title never sold and several members never bought anything.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
STORES = [
    (1, "GameVault Downtown", "Denver", 220, dt.date(2014, 5, 1)),
    (2, "GameVault Mall", "Denver", 140, dt.date(2018, 11, 1)),
    (3, "GameVault Boulder", "Boulder", 140, dt.date(2019, 8, 15)),
    (4, "GameVault Springs", "Colorado Springs", 180, dt.date(2021, 3, 1)),
    (5, "GameVault Outlet", "Aurora", 95, dt.date(2024, 6, 1)),
]
TITLES = [
    (1, "Star Racer", "PS5", "Racing", dt.date(2024, 10, 4), 69.99),
    (2, "Star Racer", "Switch", "Racing", dt.date(2024, 10, 4), 59.99),
    (3, "Dungeon Depths", "PC", "RPG", dt.date(2023, 2, 14), 49.99),
    (4, "Dungeon Depths II", "PS5", "RPG", dt.date(2025, 11, 20), 69.99),
    (5, "Goal Rush 26", "PS5", "Sports", dt.date(2025, 9, 26), 69.99),
    (6, "Goal Rush 26", "Xbox", "Sports", dt.date(2025, 9, 26), 69.99),
    (7, "Pixel Farm", "Switch", "Simulation", dt.date(2022, 6, 10), 29.99),
    (8, "Night Signal", "PC", "Horror", dt.date(2025, 10, 31), 39.99),
    (9, "Skyline Tactics", "PC", "Strategy", dt.date(2024, 3, 5), 44.99),
    (10, "Kart Party", "Switch", "Racing", dt.date(2023, 12, 1), 59.99),
    (11, "Ocean Drift", "Xbox", "Adventure", dt.date(2025, 4, 18), 54.99),
    (12, "Iron Circuit", "PS5", "Shooter", dt.date(2026, 3, 12), 69.99),
    (13, "Mystic Gardens", "Switch", "Puzzle", dt.date(2021, 9, 1), 19.99),
    (14, "Retro Arcade Pack", "Xbox", "Arcade", dt.date(2020, 11, 20), 14.99),
    (15, "Frontier Legends", "PS5", "Adventure", dt.date(2026, 9, 18), 69.99),
    (16, "Frontier Legends", "Xbox", "Adventure", dt.date(2026, 9, 18), 69.99),
    (17, "Chess Masters Deluxe", "PC", "Strategy", dt.date(2019, 1, 1), 9.99),
]
NEVER_SOLD = {17}
PREORDER = {15, 16}
FIRST = ["Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Drew", "Avery", "Quinn"]
LAST = ["Kim", "Lopez", "Nguyen", "Brown", "Reyes", "Walsh", "Cohen", "Diaz"]
TIERS = ["Gold", "Silver", None, None]

DDL = """
CREATE TABLE gs_str (str_id INTEGER, str_nm VARCHAR, city VARCHAR, flr_sqm INTEGER,
    open_dt DATE);
CREATE TABLE gs_ttl (ttl_id INTEGER, ttl_nm VARCHAR, pltfm VARCHAR, genre VARCHAR, rel_dt DATE,
    msrp DECIMAL(6,2));
CREATE TABLE gs_mbr (mbr_no INTEGER, mbr_nm VARCHAR, join_dt DATE, tier VARCHAR,
    home_str INTEGER);
CREATE TABLE gs_sale (sale_id INTEGER, str_cd INTEGER, cust_no INTEGER, sold_ts TIMESTAMP,
    pay_mthd VARCHAR, is_preord BOOLEAN);
CREATE TABLE gs_sale_ln (sale_ref INTEGER, itm INTEGER, qty INTEGER, unit_px DECIMAL(6,2));
CREATE TABLE gs_trd (trd_id INTEGER, mbr_no INTEGER, str_cd INTEGER, ttl_id INTEGER,
    trd_dt DATE, credit_amt DECIMAL(6,2));
"""


def _members(rng: random.Random) -> list[tuple[object, ...]]:
    names = [f"{f} {ln}" for f in FIRST for ln in LAST if (f, ln) != ("Alex", "Kim")]
    rng.shuffle(names)
    names = [*names[:43], "Alex Kim", "Alex Kim"]
    rows: list[tuple[object, ...]] = []
    for i, name in enumerate(names, start=1):
        joined = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2355))
        rows.append((500 + i, name, joined, rng.choice(TIERS), rng.randrange(1, 6)))
    return rows


def _sales(
    rng: random.Random, members: list[tuple[object, ...]]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    sales: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    buyers = [m[0] for m in members if m[0] % 7 != 3]
    start = dt.datetime(2025, 1, 2, 10, 0)
    for sid in range(1, 331):
        when = start + dt.timedelta(days=rng.randrange(531), minutes=rng.randrange(660))
        store = rng.choices([1, 2, 3, 4, 5], weights=[30, 22, 18, 20, 10])[0]
        member = None if rng.random() < 0.3 else rng.choice(buyers)
        preorder = member is not None and when.date() >= dt.date(2026, 4, 1) and rng.random() < 0.15
        pay = rng.choices(["card", "cash", "gift card", "store credit"], weights=[60, 20, 10, 10])[
            0
        ]
        sales.append((sid, store, member, when, pay, preorder))
        if preorder:
            lines.append((sid, rng.choice(sorted(PREORDER)), 1, 69.99))
            continue
        out = [t for t in TITLES if t[0] not in NEVER_SOLD | PREORDER and t[4] <= when.date()]
        for t in rng.sample(out, 1 + (rng.random() < 0.3)):
            price = t[5] if rng.random() > 0.2 else round(float(t[5]) * 0.8, 2)
            lines.append((sid, t[0], 1 + (rng.random() < 0.1), price))
    return sales, lines


def _trades(rng: random.Random, members: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for tid in range(1, 61):
        member = rng.choice(members)
        title = rng.choice([t for t in TITLES if t[0] not in PREORDER])
        day = max(dt.date(2025, 1, 5) + dt.timedelta(days=rng.randrange(528)), member[2])
        rows.append(
            (
                tid,
                member[0],
                rng.randrange(1, 6),
                title[0],
                day,
                round(float(title[5]) * rng.uniform(0.15, 0.4), 2),
            )
        )
    return rows


def build(path: str) -> None:
    rng = random.Random(4105)
    members = _members(rng)
    sales, lines = _sales(rng, members)
    trades = _trades(rng, members)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "gs_str", STORES)
        _insert(con, "gs_ttl", TITLES)
        _insert(con, "gs_mbr", members)
        _insert(con, "gs_sale", sales)
        _insert(con, "gs_sale_ln", lines)
        _insert(con, "gs_trd", trades)
    finally:
        con.close()
