"""Hotel group bookings: hotels, rooms, guests, bookings and reviews. Abbreviated camelCase with a
`tbl` prefix on every table, no declared keys.

Two guests are called "Anna Schmidt"; two hotels tie on star rating and room count. Check-in dates
go from 2024 to a few weeks after the eval's now (2026-06-17); bookings were made before that.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
HOTELS = [
    (1, "Grand Vista", "Rome", "Italy", 5, 180, 2008),
    (2, "Canal House", "Amsterdam", "Netherlands", 4, 95, 2015),
    (3, "Alpine Lodge", "Innsbruck", "Austria", 3, 60, 1998),
    (4, "Harbour View", "Lisbon", "Portugal", 4, 95, 2019),
    (5, "Old Town Inn", "Prague", "Czechia", 3, 40, 1989),
    (6, "Seaside Palace", "Nice", "France", 5, 210, 2011),
    (7, "Riverside Suites", "Prague", "Czechia", 4, 120, 2022),
]
ROOM_TYPES = [("STD", 1.0), ("DLX", 1.45), ("STE", 2.6), ("FAM", 1.7)]
BASE = {1: 210, 2: 150, 3: 95, 4: 140, 5: 80, 6: 260, 7: 130}
FIRST = [
    "Anna",
    "Lukas",
    "Chloe",
    "Marco",
    "Elif",
    "Sven",
    "Julia",
    "Pierre",
    "Olga",
    "Sean",
    "Yara",
    "Hiro",
]
LAST = ["Schmidt", "Rossi", "Dubois", "Kowalski", "Jensen", "Murphy", "Novak", "Yilmaz", "Tanaka"]
COUNTRIES = [
    "Germany",
    "Italy",
    "France",
    "Poland",
    "Denmark",
    "Ireland",
    "Czechia",
    "Turkey",
    "Japan",
    "USA",
]

DDL = """
CREATE TABLE tblHotel (hotelId INTEGER, hotelNm VARCHAR, city VARCHAR, ctry VARCHAR,
  starCnt INTEGER, roomCnt INTEGER, openYr INTEGER);
CREATE TABLE tblRoom (roomId INTEGER, hotelId INTEGER, roomNo VARCHAR, roomTypCd VARCHAR,
  maxOcc INTEGER, rackRate DECIMAL(8, 2));
CREATE TABLE tblGuest (guestId INTEGER, guestNm VARCHAR, ctry VARCHAR, email VARCHAR,
  loyaltyLvl VARCHAR, birthYr INTEGER);
CREATE TABLE tblBooking (bkgId INTEGER, guestId INTEGER, roomId INTEGER, bkgTs TIMESTAMP,
  chkInDt DATE, chkOutDt DATE, nightCnt INTEGER, adultCnt INTEGER, ttlAmt DECIMAL(10, 2),
  bkgStatus VARCHAR, chnl VARCHAR);
CREATE TABLE tblReview (revId INTEGER, bkgId INTEGER, score INTEGER, revDt DATE,
  cmntTxt VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1010)
    rooms = []
    rid = 0
    for h in HOTELS:
        for n in range(1, 26):
            rid += 1
            typ, mult = ROOM_TYPES[0] if n <= 12 else rng.choice(ROOM_TYPES)
            rooms.append(
                (
                    rid,
                    h[0],
                    f"{100 * (1 + n // 10) + n % 10}",
                    typ,
                    4 if typ == "FAM" else 2,
                    round(BASE[h[0]] * mult, 2),
                )
            )
    guests = []
    for i in range(1, 501):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Anna Schmidt":
            name = "Anna Rossi"
        if i in (8, 402):
            name = "Anna Schmidt"
        guests.append(
            (
                i,
                name,
                rng.choice(COUNTRIES),
                f"guest{i}@mail.example",
                rng.choices(["None", "Silver", "Gold", "Platinum"], [10, 4, 2, 1])[0],
                rng.randint(1950, 2004),
            )
        )
    hotel_w = {1: 4, 2: 3, 3: 2, 4: 3, 5: 3, 6: 4, 7: 0}  # Riverside Suites: no bookings yet
    weighted = [r for r in rooms for _ in range(hotel_w[r[1]])]
    bookings, reviews = [], []
    for i in range(1, 2301):
        room = rng.choice(weighted)
        g = guests[int(480 * rng.random() ** 1.2)]
        chk_in = (NOW - dt.timedelta(days=int(880 * rng.random() ** 1.2) - 40)).date()
        nights = rng.choices([1, 2, 3, 4, 5, 7, 10], [3, 5, 4, 3, 2, 2, 1])[0]
        lead = rng.randint(0, 120)
        booked = dt.datetime.combine(
            chk_in - dt.timedelta(days=lead), dt.time(rng.randint(0, 23), rng.randint(0, 59))
        )
        if booked > NOW:
            booked = NOW - dt.timedelta(hours=rng.randint(1, 48))
        status = rng.choices(["Confirmed", "Cancelled", "No-show"], [85, 12, 3])[0]
        if chk_in > NOW.date() and status == "No-show":
            status = "Confirmed"
        amt = round(float(room[5]) * nights * rng.uniform(0.85, 1.15), 2)
        bookings.append(
            (
                i,
                g[0],
                room[0],
                booked,
                chk_in,
                chk_in + dt.timedelta(days=nights),
                nights,
                rng.randint(1, room[4]),
                amt,
                status,
                rng.choice(["Direct", "Direct", "OTA", "OTA", "OTA", "Agent"]),
            )
        )
        out = chk_in + dt.timedelta(days=nights)
        if status == "Confirmed" and out < NOW.date() and rng.random() < 0.3:
            rdt = out + dt.timedelta(days=rng.randint(0, 10))
            if rdt <= NOW.date():
                reviews.append(
                    (
                        len(reviews) + 1,
                        i,
                        rng.choices(range(1, 11), [1, 1, 1, 2, 3, 4, 6, 8, 6, 4])[0],
                        rdt,
                        None,
                    )
                )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "tblHotel", HOTELS)
        _insert(con, "tblRoom", rooms)
        _insert(con, "tblGuest", guests)
        _insert(con, "tblBooking", bookings)
        _insert(con, "tblReview", reviews)
    finally:
        con.close()
