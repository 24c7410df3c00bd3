"""City bike sharing: stations, members, bikes and trips (abbreviated camelCase, `bs` prefix,
no declared keys).

Deterministic (seeded `random.Random`). Trips reference stations twice (start and end station);
two stations are both called "Central Park" (different districts); stations 1 and 7 tie on the
largest dock count. Station 12 opened in 2026 and has never been the start of a trip; bikes
57..60 have never been ridden. Trips run up to the eval's now (2026-06-17 10:00 UTC); casual
riders have no member number (`mbrNo` NULL).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
STATIONS = [
    (1, "Union Square", "Downtown", 40, dt.date(2019, 4, 1)),
    (2, "Harbor Front", "Waterfront", 24, dt.date(2019, 4, 1)),
    (3, "Central Park", "Midtown", 30, dt.date(2019, 5, 15)),
    (4, "Museum Row", "Midtown", 18, dt.date(2020, 3, 2)),
    (5, "City Hall", "Downtown", 32, dt.date(2020, 6, 10)),
    (6, "University Gate", "Northside", 28, dt.date(2021, 9, 1)),
    (7, "Grand Station", "Downtown", 40, dt.date(2021, 9, 1)),
    (8, "Pier 9", "Waterfront", 16, dt.date(2022, 5, 20)),
    (9, "Central Park", "Northside", 22, dt.date(2023, 4, 12)),
    (10, "Old Mill", "Eastgate", 14, dt.date(2024, 7, 1)),
    (11, "Tech Campus", "Eastgate", 26, dt.date(2025, 2, 3)),
    (12, "Riverside Loop", "Eastgate", 20, dt.date(2026, 5, 28)),
]
FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Elif",
    "Farid",
    "Gina",
    "Hiro",
    "Ines",
    "Jon",
    "Kai",
    "Lena",
]
LAST = ["Moreau", "Nguyen", "Ortiz", "Patel", "Quinn", "Rossi", "Sato", "Weber", "Young", "Zhou"]
PLANS = ["ANNUAL", "MONTHLY", "DAYPASS"]

DDL = """
CREATE TABLE bsStation (stnNo INTEGER, stnName VARCHAR, district VARCHAR, dockCnt INTEGER,
  openDt DATE);
CREATE TABLE bsMember (mbrNo INTEGER, fullNm VARCHAR, planCd VARCHAR, signupDt DATE,
  birthYr INTEGER);
CREATE TABLE bsBike (bikeNo INTEGER, bikeType VARCHAR, inSvcDt DATE, lastSvcDt DATE);
CREATE TABLE bsTrip (tripNo INTEGER, bikeNo INTEGER, mbrNo INTEGER, startStn INTEGER,
  endStn INTEGER, startTs TIMESTAMP, endTs TIMESTAMP, distKm DECIMAL(5, 2),
  fareAmt DECIMAL(6, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(2201)
    members = []
    for i in range(1, 301):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if i in (17, 204):
            name = "Lena Weber"
        elif name == "Lena Weber":
            name = "Lena Young"
        signup = NOW.date() - dt.timedelta(days=int(2400 * rng.random() ** 1.3))
        members.append((i, name, rng.choice(PLANS), signup, rng.randint(1950, 2008)))
    bikes = []
    for i in range(1, 61):
        start = dt.date(2019, 4, 1) + dt.timedelta(days=rng.randint(0, 2000))
        svc = None if rng.random() < 0.1 else NOW.date() - dt.timedelta(days=rng.randint(1, 300))
        bikes.append((i, "electric" if i % 3 == 0 else "classic", start, svc))
    trips = []
    for i in range(1, 3001):
        start_stn = rng.randint(1, 11)
        end_stn = rng.randint(1, 12) if rng.random() < 0.85 else start_stn
        ts = NOW - dt.timedelta(minutes=int(60 * 24 * 540 * rng.random() ** 1.6) + 30)
        minutes = rng.randint(4, 75)
        dist = round(minutes * rng.uniform(0.12, 0.3), 2)
        bike = rng.randint(1, 56)
        mbr = None if rng.random() < 0.2 else 1 + int(300 * rng.random() ** 1.2)
        electric = bike % 3 == 0
        fare = round(1.0 + minutes * (0.25 if electric else 0.1), 2) if mbr is None else 0.0
        if mbr is not None and members[mbr - 1][2] == "DAYPASS":
            fare = round(minutes * 0.05, 2)
        trips.append(
            (i, bike, mbr, start_stn, end_stn, ts, ts + dt.timedelta(minutes=minutes), dist, fare)
        )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "bsStation", STATIONS)
        _insert(con, "bsMember", members)
        _insert(con, "bsBike", bikes)
        _insert(con, "bsTrip", trips)
    finally:
        con.close()
