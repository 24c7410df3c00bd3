"""Theatre box office: venues, productions, performances, patrons and bookings (PascalCase, no
declared keys; `Performance.ShowID` points at `Production.ProductionID` and `Booking.PatronRef`
at `Patron.PatronID`).

Deterministic (seeded `random.Random`). Two productions are both titled "Hamlet" (2024 and 2026
seasons); two venues tie on seats; patrons with NULL `MemberSince` are not members; some patrons
never booked; refunded bookings carry `RefundedAt`. Performances run past the eval's now
(2026-06-17): future ones are scheduled and already sold in advance (no booking is made after now).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
VENUES = [
    (1, "Grand Lyric", "Manchester", 1200),
    (2, "Studio Theatre", "Manchester", 180),
    (3, "The Playhouse", "Leeds", 650),
    (4, "Corn Exchange", "Leeds", 650),
    (5, "Riverside Stage", "York", 320),
]
PRODUCTIONS = [
    (11, "Hamlet", "tragedy", "Helen Marsh", dt.date(2024, 3, 8), 185),
    (12, "The Importance of Being Earnest", "comedy", "David Rowe", dt.date(2024, 6, 14), 150),
    (13, "Les Misérables", "musical", "Aaron Pike", dt.date(2024, 10, 4), 190),
    (14, "Death of a Salesman", "drama", "Helen Marsh", dt.date(2025, 1, 24), 165),
    (15, "A Midsummer Night's Dream", "comedy", "Nadia Quinn", dt.date(2025, 5, 9), 140),
    (16, "Cabaret", "musical", "Aaron Pike", dt.date(2025, 9, 12), 155),
    (17, "The Crucible", "drama", "Sam Ibbotson", dt.date(2025, 11, 21), 170),
    (18, "A Christmas Carol", "family", "Nadia Quinn", dt.date(2025, 12, 5), 110),
    (19, "Hamlet", "tragedy", "Sam Ibbotson", dt.date(2026, 3, 13), 175),
    (20, "Matilda", "musical", "David Rowe", dt.date(2026, 5, 22), 160),
    (21, "Blithe Spirit", "comedy", "Helen Marsh", dt.date(2026, 7, 10), 135),
]
RUN_WEEKS = {11: 6, 12: 5, 13: 10, 14: 4, 15: 6, 16: 8, 17: 5, 18: 4, 19: 7, 20: 9, 21: 6}
FIRST = [
    "Alice",
    "Ben",
    "Carla",
    "Dev",
    "Eleanor",
    "Finn",
    "Gemma",
    "Hassan",
    "Imogen",
    "Joel",
    "Kate",
    "Liam",
    "Maya",
    "Nathan",
    "Orla",
    "Paul",
    "Rosa",
    "Simon",
    "Tara",
    "Will",
]
LAST = [
    "Ashworth",
    "Brennan",
    "Cartwright",
    "Dunn",
    "Ellis",
    "Fraser",
    "Gill",
    "Holt",
    "Ingram",
    "Jones",
    "Kaur",
    "Lowe",
    "Marshall",
    "Noble",
    "Oakes",
    "Pearson",
]
CITIES = ["Manchester", "Leeds", "York", "Sheffield", "Bradford", "Liverpool"]
CHANNELS = ["web", "web", "web", "box office", "phone", "agency"]

DDL = """
CREATE TABLE Venue (VenueID INTEGER, VenueName VARCHAR, City VARCHAR, SeatCount INTEGER);
CREATE TABLE Production (ProductionID INTEGER, Title VARCHAR, Genre VARCHAR, Director VARCHAR,
  OpeningNight DATE, RunningMinutes INTEGER);
CREATE TABLE Performance (PerformanceID INTEGER, ShowID INTEGER, VenueID INTEGER,
  StartsAt TIMESTAMP, IsMatinee BOOLEAN);
CREATE TABLE Patron (PatronID INTEGER, FullName VARCHAR, Email VARCHAR, City VARCHAR,
  MemberSince DATE);
CREATE TABLE Booking (BookingID INTEGER, PerformanceID INTEGER, PatronRef INTEGER,
  SeatsBooked INTEGER, TotalPrice DECIMAL(10, 2), BookedAt TIMESTAMP, Channel VARCHAR,
  RefundedAt TIMESTAMP);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3303)
    venue_of = {11: 3, 12: 5, 13: 1, 14: 4, 15: 3, 16: 1, 17: 2, 18: 4, 19: 3, 20: 1, 21: 5}
    perfs = []
    pid = 1000
    for prod in PRODUCTIONS:
        start = prod[4]
        for day in range(RUN_WEEKS[prod[0]] * 7):
            d = start + dt.timedelta(days=day)
            if d.weekday() == 6:
                continue
            pid += 1
            perfs.append(
                (pid, prod[0], venue_of[prod[0]], dt.datetime.combine(d, dt.time(19, 30)), False)
            )
            if d.weekday() in (2, 5):
                pid += 1
                perfs.append(
                    (pid, prod[0], venue_of[prod[0]], dt.datetime.combine(d, dt.time(14, 30)), True)
                )
    patrons = []
    for i in range(1, 401):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Kate Holt":
            name = "Kate Hale"
        if i in (58, 301):
            name = "Kate Holt"
        email = f"{name.lower().replace(' ', '.')}{i}@example.com"
        since = None
        if rng.random() < 0.35:
            since = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        patrons.append((i, name, email, rng.choice(CITIES), since))
    price = {1: 48.0, 2: 22.0, 3: 36.0, 4: 34.0, 5: 28.0}
    bookings = []
    active = patrons[:360]  # patrons 361..400 never booked
    for i in range(1, 4801):
        perf = perfs[rng.randrange(len(perfs))]
        patron = active[int(360 * rng.random() ** 1.2)]
        seats = rng.choice([1, 2, 2, 2, 3, 4, 6])
        booked = perf[3] - dt.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 12))
        if booked >= NOW:
            booked = NOW - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12))
        unit = price[perf[2]] * (0.8 if perf[4] else 1.0)
        total = round(seats * unit * rng.choice([1.0, 1.0, 1.0, 0.9]), 2)
        refunded = None
        if rng.random() < 0.04:
            refunded = min(booked + dt.timedelta(days=rng.randint(1, 10)), NOW)
        bookings.append(
            (70000 + i, perf[0], patron[0], seats, total, booked, rng.choice(CHANNELS), refunded)
        )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Venue", VENUES)
        _insert(con, "Production", PRODUCTIONS)
        _insert(con, "Performance", perfs)
        _insert(con, "Patron", patrons)
        _insert(con, "Booking", bookings)
    finally:
        con.close()
