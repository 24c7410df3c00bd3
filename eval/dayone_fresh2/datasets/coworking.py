"""Coworking spaces: locations, member companies, room bookings and invoices (snake_case, no
declared keys).

Deterministic (seeded `random.Random`). Two member companies are both called "Nova Labs"
(different cities and contacts); locations 2 and 5 tie on the most desks. Bookings include
future dates (rooms are booked ahead, scheduled by nature); invoices are issued up to the eval's
now (2026-06-17), some unpaid (paid_date NULL). Companies 141..150 never booked.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
LOCATIONS = [
    (1, "Canal House", "Amsterdam", 80, 2017),
    (2, "The Foundry", "Berlin", 150, 2018),
    (3, "Loft 22", "Lisbon", 60, 2019),
    (4, "Northern Light", "Copenhagen", 95, 2021),
    (5, "Station Hub", "Berlin", 150, 2022),
    (6, "Garden Works", "Amsterdam", 45, 2024),
]
PREFIX = ["Blue", "Nova", "Pixel", "Cedar", "Quantum", "Bright", "Atlas", "Kite", "Orbit", "Fern"]
SUFFIX = ["Labs", "Studio", "Analytics", "Ventures", "Design", "Systems", "Media", "Works"]
CONTACTS = ["Eva Lind", "Jan de Vries", "Rui Costa", "Mette Holm", "Lukas Braun", "Sofie Dahl"]
PLANS = ["Hot desk", "Dedicated desk", "Private office"]
ROOMS = ["Meeting room", "Phone booth", "Event space", "Workshop room"]
RATES = {"Meeting room": 35, "Phone booth": 8, "Event space": 120, "Workshop room": 60}

DDL = """
CREATE TABLE locations (location_id INTEGER, location_name VARCHAR, city VARCHAR,
  desk_count INTEGER, opened_year INTEGER);
CREATE TABLE member_companies (company_id INTEGER, company_name VARCHAR, contact_name VARCHAR,
  city VARCHAR, plan VARCHAR, seats INTEGER, joined_date DATE);
CREATE TABLE room_bookings (booking_id INTEGER, company_id INTEGER, location_id INTEGER,
  room_type VARCHAR, booking_date DATE, hours DECIMAL(4, 1), amount DECIMAL(8, 2));
CREATE TABLE invoices (invoice_id INTEGER, company_id INTEGER, issued_date DATE,
  total_amt DECIMAL(9, 2), paid_date DATE);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(6619)
    companies = []
    for i in range(1, 151):
        name = f"{rng.choice(PREFIX)} {rng.choice(SUFFIX)}"
        if name == "Nova Labs":
            name = "Nova Studio"
        loc = rng.choice(LOCATIONS)
        if i == 9:
            name, loc = "Nova Labs", LOCATIONS[1]
        if i == 88:
            name, loc = "Nova Labs", LOCATIONS[2]
        joined = NOW - dt.timedelta(days=int(2500 * rng.random() ** 1.2) + 1)
        companies.append(
            (i, name, rng.choice(CONTACTS), loc[2], rng.choice(PLANS), rng.randint(1, 25), joined)
        )
    bookings = []
    for i in range(1, 2401):
        comp = companies[int(140 * rng.random() ** 1.3)]
        same = [loc for loc in LOCATIONS if loc[2] == comp[3]]
        loc = rng.choice(same) if rng.random() < 0.8 else rng.choice(LOCATIONS)
        room = rng.choice(ROOMS)
        day = NOW - dt.timedelta(days=int(500 * rng.random() ** 1.4)) + dt.timedelta(days=45)
        day = max(day, comp[6])
        hours = rng.choice([0.5, 1, 1.5, 2, 3, 4, 8])
        bookings.append((i, comp[0], loc[0], room, day, hours, round(hours * RATES[room], 2)))
    invoices = []
    iid = 0
    for comp in companies:
        month = dt.date(comp[6].year, comp[6].month, 1)
        while month <= NOW:
            if month >= dt.date(2024, 1, 1):
                iid += 1
                paid = month + dt.timedelta(days=rng.randint(3, 40))
                if paid > NOW or rng.random() < 0.03:
                    paid = None
                total = round(
                    comp[5]
                    * {"Hot desk": 190, "Dedicated desk": 290, "Private office": 450}[comp[4]]
                    * rng.uniform(0.95, 1.1),
                    2,
                )
                invoices.append((iid, comp[0], month, total, paid))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "locations", LOCATIONS)
        _insert(con, "member_companies", companies)
        _insert(con, "room_bookings", bookings)
        _insert(con, "invoices", invoices)
    finally:
        con.close()
