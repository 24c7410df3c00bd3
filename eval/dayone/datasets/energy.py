"""Energy metering for a portfolio of commercial sites: sites, meters, daily readings, tariffs
and outage events. Abbreviated camelCase with an `em` prefix on every table, no declared keys.

Two sites are both called "Riverside Plaza" (different cities); two sites tie on floor area. Daily
readings run up to yesterday (2026-06-16) relative to the eval's now (2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
SITES = [
    (1, "Riverside Plaza", "Manchester", "Office", 12000, 2004),
    (2, "Riverside Plaza", "Glasgow", "Retail", 8500, 2011),
    (3, "Northgate Depot", "Leeds", "Warehouse", 22000, 1998),
    (4, "Harbour Point", "Bristol", "Office", 9500, 2016),
    (5, "Elm Court", "Leeds", "Retail", 8500, 2009),
    (6, "Kingsway Labs", "Cambridge", "Laboratory", 6000, 2020),
    (7, "Canal Works", "Birmingham", "Warehouse", 18000, 1989),
    (8, "Station House", "York", "Office", 4000, 1995),
]
MTR_TYPES = [("ELEC", "kWh"), ("GAS", "kWh"), ("WATR", "m3"), ("SOLR", "kWh")]

DDL = """
CREATE TABLE emSite (siteNo INTEGER, siteNm VARCHAR, city VARCHAR, useTyp VARCHAR,
  floorSqm INTEGER, builtYr INTEGER);
CREATE TABLE emMeter (mtrNo VARCHAR, siteNo INTEGER, mtrTyp VARCHAR, uomCd VARCHAR,
  instDt DATE, isSmart BOOLEAN);
CREATE TABLE emReading (rdgNo BIGINT, mtrNo VARCHAR, rdgDt DATE, consQty DOUBLE,
  estFlg BOOLEAN);
CREATE TABLE emTariff (tarCd VARCHAR, mtrTyp VARCHAR, unitRate DECIMAL(8, 4), effFromDt DATE,
  effToDt DATE);
CREATE TABLE emOutage (outNo INTEGER, siteNo INTEGER, startTs TIMESTAMP, endTs TIMESTAMP,
  causeDesc VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1919)
    meters = []
    for s in SITES:
        types = ["ELEC", "GAS", "WATR"] + (["SOLR"] if s[0] in (3, 4, 6) else [])
        if s[0] == 8:
            types = ["ELEC", "WATR"]
        for t in types:
            inst = dt.date(max(s[5], 2015), 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
            inst = min(inst, dt.date(2024, 6, 1))
            meters.append(
                (
                    f"{t[0]}{s[0]:02d}{rng.randint(100, 999)}",
                    s[0],
                    t,
                    dict(MTR_TYPES)[t],
                    inst,
                    rng.random() < 0.75,
                )
            )
    meters.append(("E09000", 8, "ELEC", "kWh", dt.date(2026, 6, 10), True))  # no readings yet
    readings = []
    start = dt.date(2025, 11, 1)
    base = {"ELEC": 0.9, "GAS": 0.6, "WATR": 0.004, "SOLR": 0.15}
    for m in meters[:-1]:
        s = SITES[m[1] - 1]
        day = start
        while day < NOW.date():
            season = 1.3 if day.month in (12, 1, 2) else 0.8 if day.month in (6, 7, 8) else 1.0
            if m[2] == "SOLR":
                season = 2.2 - season
            if m[2] == "GAS" and day.month in (6, 7, 8):
                season = 0.4
            weekend = 0.55 if day.weekday() >= 5 and s[3] in ("Office", "Laboratory") else 1.0
            qty = round(s[4] * base[m[2]] / 10 * season * weekend * rng.uniform(0.85, 1.15), 2)
            readings.append((len(readings) + 1, m[0], day, qty, rng.random() < 0.04))
            day += dt.timedelta(days=1)
    tariffs = [
        ("E-2025", "ELEC", 0.2810, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("E-2026", "ELEC", 0.2655, dt.date(2026, 1, 1), None),
        ("G-2025", "GAS", 0.0712, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("G-2026", "GAS", 0.0689, dt.date(2026, 1, 1), None),
        ("W-2025", "WATR", 2.1500, dt.date(2025, 1, 1), None),
    ]
    outages = []
    for i in range(1, 41):
        s = SITES[int(7 * rng.random())]  # Station House never had an outage
        st = NOW - dt.timedelta(minutes=rng.randint(600, 220 * 1440))
        outages.append(
            (
                i,
                s[0],
                st,
                st + dt.timedelta(minutes=rng.randint(5, 480)),
                rng.choice(["Grid fault", "Storm", "Planned maintenance", "Equipment failure"]),
            )
        )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "emSite", SITES)
        _insert(con, "emMeter", meters)
        _insert(con, "emReading", readings)
        _insert(con, "emTariff", tariffs)
        _insert(con, "emOutage", outages)
    finally:
        con.close()
