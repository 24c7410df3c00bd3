"""Craft brewery: recipes, tanks, staff, batches, trade customers and keg shipments
(abbreviated snake_case, `brw_` prefix, no declared keys).

Deterministic (seeded `random.Random`). Keys are matched by value only: `brw_btch.rcp_id` ->
`brw_rcp.rcp_id`, batches point at tanks twice (`fv_tnk` fermented in, `bt_tnk` conditioned in,
NULL until the beer is moved) -> `brw_tnk.tnk_cd`, `brw_btch.brwr_no` -> `brw_emp.emp_no`,
`brw_emp.sup_no` -> `brw_emp.emp_no` (self-reference), `brw_shp.btch_no` -> `brw_btch.btch_no`,
`brw_shp.cust_no` -> `brw_cust.cust_no`. Two recipes are called "Harvest Ale" (an amber and a
pale) and two customers "The Red Lion" (Sheffield and Leeds); two tanks tie on capacity.
`pkg_dt` is NULL for beer still in a tank, `crd_lmt` NULL for prepay customers; shipments dated
after the eval's now (2026-06-17) are scheduled deliveries. One recipe was never brewed, one
tank never used, one customer only has a scheduled delivery and another none at all.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
D = dt.date
# (rcp_id, rcp_nm, style, abv, ibu, keg price)
RECIPES = [
    (1, "Steel City Pale", "Pale Ale", 4.2, 35, 118.0),
    (2, "Harvest Ale", "Amber Ale", 5.2, 30, 124.0),
    (3, "Harvest Ale", "Pale Ale", 4.6, 45, 120.0),
    (4, "Five Weirs IPA", "IPA", 6.0, 60, 142.0),
    (5, "Crucible Double IPA", "IPA", 8.1, 85, 175.0),
    (6, "Don Valley Stout", "Stout", 4.8, 40, 126.0),
    (7, "Midnight Porter", "Porter", 5.5, 34, 128.0),
    (8, "Peak Lager", "Lager", 4.4, 22, 110.0),
    (9, "Forge Bitter", "Bitter", 3.9, 32, 104.0),
    (10, "Imperial Furnace", "Stout", 9.2, 70, 190.0),
    (11, "Hazy Kelham", "IPA", 6.4, 45, 150.0),
    (12, "Rhubarb Sour", "Sour", 4.0, 8, 135.0),
]
NEVER_BREWED = {12}
RECIPE_WEIGHTS = [9, 5, 5, 7, 2, 5, 4, 8, 5, 1, 4, 0]
# (tnk_cd, cap_hl, inst_dt)
TANKS = [
    ("T1", 30, D(2015, 3, 1)),
    ("T2", 30, D(2015, 3, 1)),
    ("T3", 40, D(2017, 6, 1)),
    ("T4", 40, D(2017, 6, 1)),
    ("T5", 60, D(2020, 2, 1)),
    ("T6", 80, D(2022, 9, 1)),
    ("T7", 60, D(2023, 4, 1)),
    ("T8", 20, D(2026, 6, 1)),
]
FERMENTERS = ["T1", "T2", "T3", "T4", "T5", "T6"]
CONDITIONERS = ["T3", "T4", "T5", "T7"]
# (emp_no, emp_nm, job_ttl, sup_no, hire_dt)
STAFF = [
    (1, "Helen Marsh", "Head Brewer", None, D(2015, 1, 5)),
    (2, "Tom Barker", "Brewer", 1, D(2017, 4, 3)),
    (3, "Aisha Begum", "Brewer", 1, D(2019, 8, 12)),
    (4, "Jack Hollis", "Assistant Brewer", 2, D(2022, 2, 1)),
    (5, "Nadia Kowalczyk", "Assistant Brewer", 3, D(2024, 5, 20)),
    (6, "Gary Platt", "Cellar Manager", 1, D(2016, 10, 1)),
    (7, "Megan Firth", "Sales Manager", None, D(2018, 3, 15)),
]
BREWERS = [1, 2, 2, 3, 3, 4, 5]
# (cust_no, cust_nm, cty, cust_typ, crd_lmt)
CUSTOMERS = [
    (101, "The Red Lion", "Sheffield", "PUB", 3000),
    (102, "The Fat Cat", "Sheffield", "PUB", 5000),
    (103, "Kelham Island Tavern", "Sheffield", "PUB", 4000),
    (104, "Beer Central", "Sheffield", "SHOP", None),
    (105, "The Grapes", "Sheffield", "PUB", 2500),
    (106, "Tamper Coffee & Kitchen", "Sheffield", "RESTAURANT", 1500),
    (107, "The Red Lion", "Leeds", "PUB", 3000),
    (108, "North Bar", "Leeds", "PUB", 6000),
    (109, "Friends of Ham", "Leeds", "RESTAURANT", 2000),
    (110, "Latitude Wine & Beer", "Leeds", "SHOP", None),
    (111, "The Brewery Tap", "Leeds", "PUB", 4000),
    (112, "Sheffield Tap", "Sheffield", "PUB", 5000),
    (113, "The Three Stags", "Chesterfield", "PUB", 2000),
    (114, "Chesterfield Arms", "Chesterfield", "PUB", 3500),
    (115, "Bottle Shop Derby", "Derby", "SHOP", None),
    (116, "The Brunswick", "Derby", "PUB", 4500),
    (117, "Silk Mill Kitchen", "Derby", "RESTAURANT", 1000),
    (118, "The Old Poets", "Nottingham", "PUB", 3000),
    (119, "Bunkers Hill", "Nottingham", "PUB", 2500),
    (120, "The Malt Cross", "Nottingham", "RESTAURANT", 3000),
    (121, "Hop Hideout", "Sheffield", "SHOP", None),
    (122, "The Ale House", "Manchester", "PUB", 2000),
]
ONLY_SCHEDULED = 121
NEVER_SHIPPED = 122


def _batches(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    day = D(2025, 1, 6)
    cap = {t[0]: t[1] for t in TANKS}
    while day <= NOW - dt.timedelta(days=2):
        recipe = rng.choices(RECIPES, weights=RECIPE_WEIGHTS)[0]
        fv = rng.choice(FERMENTERS)
        bt: str | None = rng.choice([t for t in CONDITIONERS if t != fv])
        volume = round(cap[fv] * rng.uniform(0.7, 0.95), 1)
        moved = day + dt.timedelta(days=rng.randint(10, 14))
        packaged: D | None = moved + dt.timedelta(days=rng.randint(7, 14))
        if moved > NOW:
            bt = None
        if packaged is not None and packaged > NOW:
            packaged = None
        batch = 1000 + len(rows) + 1
        rows.append((batch, recipe[0], fv, bt, rng.choice(BREWERS), day, packaged, volume))
        day += dt.timedelta(days=rng.randint(4, 9))
    return rows


def _shipments(rng: random.Random, batches: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    price = {r[0]: r[5] for r in RECIPES}
    buyers = [c[0] for c in CUSTOMERS if c[0] not in (ONLY_SCHEDULED, NEVER_SHIPPED)]
    rows: list[tuple[object, ...]] = []
    for batch in batches:
        if batch[6] is None:
            continue
        for _ in range(rng.randint(2, 5)):
            when = batch[6] + dt.timedelta(days=rng.randint(0, 28))  # type: ignore[operator]
            if when > NOW + dt.timedelta(days=14):
                continue
            kegs = rng.randint(2, 10)
            cust = rng.choice(buyers)
            if when > NOW and not any(r[1] == ONLY_SCHEDULED for r in rows):
                cust = ONLY_SCHEDULED
            rows.append((len(rows) + 1, cust, batch[0], when, kegs, price[batch[1]]))
    return rows


DDL = """
CREATE TABLE brw_rcp (rcp_id INTEGER, rcp_nm VARCHAR, style VARCHAR, abv DECIMAL(3,1),
  ibu INTEGER);
CREATE TABLE brw_tnk (tnk_cd VARCHAR, cap_hl INTEGER, inst_dt DATE);
CREATE TABLE brw_emp (emp_no INTEGER, emp_nm VARCHAR, job_ttl VARCHAR, sup_no INTEGER,
  hire_dt DATE);
CREATE TABLE brw_cust (cust_no INTEGER, cust_nm VARCHAR, cty VARCHAR, cust_typ VARCHAR,
  crd_lmt DECIMAL(8,2));
CREATE TABLE brw_btch (btch_no INTEGER, rcp_id INTEGER, fv_tnk VARCHAR, bt_tnk VARCHAR,
  brwr_no INTEGER, brw_dt DATE, pkg_dt DATE, vol_hl DECIMAL(5,1));
CREATE TABLE brw_shp (shp_id INTEGER, cust_no INTEGER, btch_no INTEGER, shp_dt DATE,
  qty_kegs INTEGER, prc_per_keg DECIMAL(7,2));
"""


def build(path: str) -> None:
    rng = random.Random(5105)
    batches = _batches(rng)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "brw_rcp", [r[:5] for r in RECIPES])
        _insert(con, "brw_tnk", TANKS)
        _insert(con, "brw_emp", STAFF)
        _insert(con, "brw_cust", CUSTOMERS)
        _insert(con, "brw_btch", batches)
        _insert(con, "brw_shp", _shipments(rng, batches))
    finally:
        con.close()
