"""Container shipping line: ports, vessels, voyages (origin and destination port both point at
shpPort), bookings of cargo on voyages and shipper customers. Abbreviated camelCase with a `shp`
prefix on every table, no declared keys.

Two vessels share the name "Ocean Star" (different build years); two vessels tie on TEU capacity.
Voyages depart up to a few weeks after the eval's now (2026-06-17); arrivals after now are NULL.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
PORTS = [
    ("CNSHA", "Shanghai", "China", "Asia"),
    ("SGSIN", "Singapore", "Singapore", "Asia"),
    ("NLRTM", "Rotterdam", "Netherlands", "Europe"),
    ("DEHAM", "Hamburg", "Germany", "Europe"),
    ("USLAX", "Los Angeles", "United States", "North America"),
    ("USNYC", "New York", "United States", "North America"),
    ("AEJEA", "Jebel Ali", "United Arab Emirates", "Middle East"),
    ("BRSSZ", "Santos", "Brazil", "South America"),
    ("KRPUS", "Busan", "South Korea", "Asia"),
    ("ESVLC", "Valencia", "Spain", "Europe"),
]
VESSELS = [
    (1, "Ocean Star", "Panama", 2009, 8500),
    (2, "Ocean Star", "Liberia", 2021, 14000),
    (3, "Nordic Crane", "Denmark", 2015, 11000),
    (4, "Jade Horizon", "Singapore", 2018, 20000),
    (5, "Atlas Bay", "Malta", 2006, 6500),
    (6, "Pacific Lark", "Liberia", 2012, 9200),
    (7, "Iberian Sun", "Spain", 2019, 14000),
    (8, "Coral Spirit", "Marshall Islands", 2023, 4000),
]
LANES = [
    ("CNSHA", "NLRTM", 32),
    ("NLRTM", "CNSHA", 34),
    ("SGSIN", "DEHAM", 27),
    ("KRPUS", "USLAX", 14),
    ("USLAX", "KRPUS", 15),
    ("CNSHA", "USLAX", 16),
    ("AEJEA", "ESVLC", 16),
    ("ESVLC", "USNYC", 11),
    ("USNYC", "NLRTM", 9),
    ("BRSSZ", "ESVLC", 13),
    ("SGSIN", "AEJEA", 9),
]
SHIPPERS = [
    "Acme Electronics",
    "Blue River Foods",
    "Carta Paper",
    "Delta Motors",
    "Evergood Toys",
    "Fjord Seafood",
    "Granite Tools",
    "Helios Solar",
    "Iris Textiles",
    "Juno Pharma",
]
COMMODITIES = [
    "Electronics",
    "Furniture",
    "Foodstuff",
    "Auto parts",
    "Textiles",
    "Chemicals",
    "Machinery",
]

DDL = """
CREATE TABLE shpPort (portCd VARCHAR, portNm VARCHAR, ctryNm VARCHAR, rgnNm VARCHAR);
CREATE TABLE shpVessel (vslNo INTEGER, vslNm VARCHAR, flagCtry VARCHAR, buildYr INTEGER,
  teuCap INTEGER);
CREATE TABLE shpVoyage (voyNo VARCHAR, vslNo INTEGER, origPortCd VARCHAR, destPortCd VARCHAR,
  depTs TIMESTAMP, arrTs TIMESTAMP, voyStatus VARCHAR);
CREATE TABLE shpShipper (shprNo INTEGER, shprNm VARCHAR, ctryNm VARCHAR, crdtLmtAmt INTEGER);
CREATE TABLE shpBooking (bkgNo INTEGER, voyNo VARCHAR, shprNo INTEGER, bkgDt DATE,
  cntrQty INTEGER, cntrSz VARCHAR, grossWtKg INTEGER, cmdtyDesc VARCHAR, frtAmt DECIMAL(12, 2),
  hazFlg BOOLEAN);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1515)
    shippers = [
        (
            i + 1,
            n,
            rng.choice(["China", "Germany", "United States", "Brazil", "Spain", "Netherlands"]),
            rng.randint(5, 80) * 10000,
        )
        for i, n in enumerate(SHIPPERS)
    ]
    voyages, bookings = [], []
    for i in range(1, 241):
        v = VESSELS[int(7 * rng.random())]  # Coral Spirit (newest) has no voyage yet
        o, d, days = rng.choice(LANES)
        dep = NOW - dt.timedelta(hours=int(24 * 620 * rng.random() ** 1.1)) + dt.timedelta(days=30)
        arr = dep + dt.timedelta(days=days + rng.randint(-1, 4))
        status = "Arrived" if arr <= NOW else ("At sea" if dep <= NOW else "Scheduled")
        voyages.append((f"V{2400 + i}", v[0], o, d, dep, arr if arr <= NOW else None, status))
        for _ in range(rng.randint(2, 14)):
            s = shippers[int(9 * rng.random() ** 1.2)]  # Juno Pharma never booked
            bkg = (dep - dt.timedelta(days=rng.randint(3, 45))).date()
            if bkg > NOW.date():
                bkg = NOW.date()
            qty = rng.randint(1, 40)
            size = rng.choice(["20ft", "40ft", "40ft"])
            cmd = rng.choice(COMMODITIES)
            bookings.append(
                (
                    len(bookings) + 1,
                    f"V{2400 + i}",
                    s[0],
                    bkg,
                    qty,
                    size,
                    qty * rng.randint(8000, 24000),
                    cmd,
                    round(qty * rng.uniform(900, 3200), 2),
                    cmd == "Chemicals",
                )
            )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "shpPort", PORTS)
        _insert(con, "shpVessel", VESSELS)
        _insert(con, "shpVoyage", voyages)
        _insert(con, "shpShipper", shippers)
        _insert(con, "shpBooking", bookings)
    finally:
        con.close()
