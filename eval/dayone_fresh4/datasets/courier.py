"""Parcel courier: depots, drivers, business accounts and parcels (abbreviated camelCase with a
`cr` prefix, no declared keys).

Deterministic (seeded `random.Random`). Parcels point at depots twice (`origDepot`, `destDepot`
-> `crDepot.depotId`), at the sending account (`acctRef` -> `crAcct.acctNo`) and at the driver
who delivered them (`drvId`, NULL while unassigned). Two drivers are both called "Sam Patel";
`dlvdTs` is NULL for parcels still in transit or lost; `leftDt` is NULL for drivers still
employed; `credLmt` is NULL for prepaid accounts. Parcels booked for collection after the eval's
now (2026-06-17) carry a future `collDt`. One depot has no parcels leaving it and two accounts
never sent anything.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
DEPOTS = [
    (1, "Leeds Central", "Leeds", dt.date(2015, 4, 1)),
    (2, "Manchester North", "Manchester", dt.date(2016, 9, 1)),
    (3, "Manchester South", "Manchester", dt.date(2020, 2, 1)),
    (4, "Sheffield Hub", "Sheffield", dt.date(2017, 6, 1)),
    (5, "York Point", "York", dt.date(2022, 3, 1)),
    (6, "Hull Docks", "Hull", dt.date(2026, 5, 4)),
]
DRIVERS = [
    (1, "Sam Patel", 1, "van", dt.date(2016, 3, 1), None),
    (2, "Kelly Moss", 1, "van", dt.date(2019, 5, 1), None),
    (3, "Ryan Hart", 2, "truck", dt.date(2017, 1, 9), None),
    (4, "Sam Patel", 2, "van", dt.date(2021, 8, 2), None),
    (5, "Nadia Ilic", 3, "bike", dt.date(2020, 4, 6), None),
    (6, "Connor Webb", 3, "van", dt.date(2020, 4, 6), dt.date(2025, 12, 31)),
    (7, "Joanne Fry", 4, "truck", dt.date(2018, 2, 12), None),
    (8, "Imran Butt", 4, "van", dt.date(2023, 10, 2), None),
    (9, "Ellie Shaw", 5, "bike", dt.date(2022, 3, 1), None),
    (10, "Paul Dunn", 5, "van", dt.date(2024, 6, 3), dt.date(2026, 2, 28)),
    (11, "Grace Obi", 6, "van", dt.date(2026, 5, 4), None),
]
ACCOUNTS = [
    (101, "Pennine Books", "RETAIL", dt.date(2019, 2, 1), 5000.00),
    (102, "Northern Spares Ltd", "AUTO", dt.date(2018, 7, 1), 12000.00),
    (103, "Kitchen Kit Co", "RETAIL", dt.date(2021, 1, 15), 3000.00),
    (104, "Dale Pharmacy", "HEALTH", dt.date(2020, 5, 5), None),
    (105, "Bolt & Nut Supply", "AUTO", dt.date(2022, 9, 9), 8000.00),
    (106, "Moorland Gifts", "RETAIL", dt.date(2023, 11, 1), None),
    (107, "Aire Dental Lab", "HEALTH", dt.date(2024, 4, 20), 2500.00),
    (108, "Vintage Vinyl", "RETAIL", dt.date(2025, 8, 1), None),
    (109, "Humber Marine", "AUTO", dt.date(2026, 5, 20), 4000.00),
    (110, "Ouse Florists", "RETAIL", dt.date(2026, 6, 2), None),
]
SILENT_ACCOUNTS = {109, 110}
SERVICE = {"STD": (2.5, 48), "EXP": (6.0, 24), "SDY": (11.0, 8)}

DDL = """
CREATE TABLE crDepot (depotId INTEGER, depotNm VARCHAR, cityNm VARCHAR, openDt DATE);
CREATE TABLE crDrv (drvId INTEGER, drvNm VARCHAR, baseDepot INTEGER, vehTyp VARCHAR,
    hireDt DATE, leftDt DATE);
CREATE TABLE crAcct (acctNo INTEGER, coNm VARCHAR, sectorCd VARCHAR, signupDt DATE,
    credLmt DECIMAL(9,2));
CREATE TABLE crPcl (pclId INTEGER, acctRef INTEGER, origDepot INTEGER, destDepot INTEGER,
    wtKg DECIMAL(6,2), svcLvl VARCHAR, feeAmt DECIMAL(7,2), bookedTs TIMESTAMP, collDt DATE,
    drvId INTEGER, dlvdTs TIMESTAMP, attCnt INTEGER);
"""


def _parcels(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    senders = [a[0] for a in ACCOUNTS if a[0] not in SILENT_ACCOUNTS]
    start = dt.datetime(2025, 7, 1, 8, 0)
    for pid in range(1, 301):
        booked = start + dt.timedelta(days=rng.randrange(349), minutes=rng.randrange(600))
        orig = rng.choices([1, 2, 3, 4, 5], weights=[30, 25, 15, 20, 10])[0]
        dest = rng.choice([d[0] for d in DEPOTS if d[0] != orig and d[3] <= booked.date()])
        svc = rng.choices(list(SERVICE), weights=[65, 25, 10])[0]
        per_kg, hours = SERVICE[svc]
        weight = round(rng.uniform(0.3, 28.0), 2)
        fee = round(4.0 + per_kg * weight, 2)
        coll = booked.date() + dt.timedelta(days=rng.randrange(2))
        drivers = [d for d in DRIVERS if d[2] == dest and (d[5] is None or d[5] >= coll)]
        drv = rng.choice(drivers)[0] if drivers and rng.random() > 0.04 else None
        attempts = rng.choices([1, 2, 3], weights=[80, 15, 5])[0]
        delivered = booked + dt.timedelta(hours=rng.randrange(2, hours + 30) + 24 * (attempts - 1))
        if drv is None or delivered > NOW or rng.random() < 0.02:
            delivered = None
            attempts = 0 if drv is None else attempts
        rows.append(
            (
                pid,
                rng.choice(senders),
                orig,
                dest,
                weight,
                svc,
                fee,
                booked,
                coll,
                drv,
                delivered,
                attempts,
            )
        )
    # Booked this week for collection after now.
    for pid, acct, day, coll in [(301, 101, 15, 18), (302, 102, 16, 22), (303, 104, 16, 19)]:
        rows.append(
            (
                pid,
                acct,
                1,
                4,
                5.0,
                "STD",
                16.5,
                dt.datetime(2026, 6, day, 11),
                dt.date(2026, 6, coll),
                None,
                None,
                0,
            )
        )
    return rows


def build(path: str) -> None:
    rng = random.Random(4103)
    parcels = _parcels(rng)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "crDepot", DEPOTS)
        _insert(con, "crDrv", DRIVERS)
        _insert(con, "crAcct", ACCOUNTS)
        _insert(con, "crPcl", parcels)
    finally:
        con.close()
