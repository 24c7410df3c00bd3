"""Truck fleet maintenance: depots, trucks, mechanics and work orders (abbreviated camelCase with
an `fm` prefix: `fmTruck.odoKm`, `fmWo.closeDt`, `fmMech.hrlyRt`; no declared keys).

Deterministic (seeded `random.Random`). Two mechanics are both called "Luis Romero" (different
depots); two depots tie on bays; work orders with NULL `closeDt` are still open; some trucks have
never had a work order; retired trucks have `actvFlg` false. No work order opens after the eval's
now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
DEPOTS = [
    ("DAL", "Dallas North Yard", "Dallas", 14),
    ("HOU", "Houston Ship Channel", "Houston", 18),
    ("SAT", "San Antonio East", "San Antonio", 10),
    ("AUS", "Austin Hub", "Austin", 10),
    ("ELP", "El Paso Crossing", "El Paso", 6),
]
MECHS = [
    (101, "Luis Romero", 38.5, "DAL"),
    (102, "Karen Doyle", 41.0, "DAL"),
    (103, "Marcus Bell", 36.0, "HOU"),
    (104, "Luis Romero", 34.0, "HOU"),
    (105, "Tina Nguyen", 44.5, "HOU"),
    (106, "Ray Castillo", 39.0, "SAT"),
    (107, "Dale Whitaker", 42.0, "AUS"),
    (108, "Jenna Ruiz", 37.5, "AUS"),
    (109, "Omar Haddad", 35.0, "ELP"),
]
MAKES = [
    ("Freightliner", "Cascadia"),
    ("Kenworth", "T680"),
    ("Peterbilt", "579"),
    ("Volvo", "VNL 860"),
    ("International", "LT625"),
    ("Mack", "Anthem"),
]
TYPES = ["PM", "PM", "PM", "REPAIR", "REPAIR", "TIRE", "INSPECTION", "BRAKES"]

DDL = """
CREATE TABLE fmDepot (depotCd VARCHAR, depotNm VARCHAR, cityNm VARCHAR, bayCnt INTEGER);
CREATE TABLE fmTruck (truckId INTEGER, plateNo VARCHAR, makeNm VARCHAR, mdlNm VARCHAR,
  mfgYr INTEGER, depotCd VARCHAR, odoKm INTEGER, actvFlg BOOLEAN);
CREATE TABLE fmMech (mechId INTEGER, mechNm VARCHAR, hrlyRt DECIMAL(6, 2), depotCd VARCHAR);
CREATE TABLE fmWo (woId INTEGER, truckId INTEGER, mechId INTEGER, woTyp VARCHAR, openDt DATE,
  closeDt DATE, laborHrs DECIMAL(5, 1), partsAmt DECIMAL(10, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3202)
    trucks = []
    for i in range(1, 141):
        make, mdl = rng.choice(MAKES)
        yr = rng.randint(2012, 2025)
        depot = DEPOTS[min(4, int(5 * rng.random() ** 1.2))][0]
        odo = (2026 - yr) * rng.randint(90_000, 160_000) + rng.randint(0, 40_000)
        active = yr >= 2015 or rng.random() < 0.4
        plate = f"TX-{rng.randint(100, 999)}{chr(65 + i % 26)}{chr(65 + (i * 7) % 26)}"
        trucks.append((5000 + i, plate, make, mdl, yr, depot, odo, active))
    by_depot = {d[0]: [m for m in MECHS if m[3] == d[0]] for d in DEPOTS}
    wos = []
    serviced = [t for t in trucks if t[0] % 11 != 3]
    for i in range(1, 1601):
        t = serviced[int(len(serviced) * rng.random() ** 1.1)]
        mech = rng.choice(by_depot[t[5]]) if rng.random() < 0.9 else rng.choice(MECHS)
        typ = rng.choice(TYPES)
        opened = NOW - dt.timedelta(days=int(820 * rng.random() ** 1.3))
        days = {"PM": 1, "TIRE": 1, "INSPECTION": 1, "BRAKES": 2, "REPAIR": 6}[typ]
        closed = opened + dt.timedelta(days=rng.randint(0, days * 2))
        if closed > NOW or rng.random() < 0.015:
            closed = None
        hrs = round(rng.uniform(0.5, 3.0) * days, 1)
        parts = {"PM": 180, "TIRE": 900, "INSPECTION": 0, "BRAKES": 650, "REPAIR": 1500}[typ]
        parts = round(parts * rng.uniform(0.5, 1.8), 2)
        wos.append((900000 + i, t[0], mech[0], typ, opened, closed, hrs, parts))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "fmDepot", DEPOTS)
        _insert(con, "fmTruck", trucks)
        _insert(con, "fmMech", MECHS)
        _insert(con, "fmWo", wos)
    finally:
        con.close()
