"""Cinema chain: cinemas, screens, films, screenings and ticket sales. snake_case with declared
primary and foreign keys.

Two films share the title "Homecoming" (a 2019 drama and a 2026 remake); two films tie on running
time. Screenings run up to a week after the eval's now (2026-06-17 10:00); tickets are sold only
before now.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
CINEMAS = [
    (1, "Regal Plaza", "Leeds"),
    (2, "Odeon Quay", "Leeds"),
    (3, "Picturehouse Central", "York"),
    (4, "Northern Lights", "Sheffield"),
    (5, "The Electric", "Hull"),
]
FILMS = [
    (1, "Homecoming", "Drama", 2019, 118, "12A"),
    (2, "Homecoming", "Drama", 2026, 124, "15"),
    (3, "Starfall Protocol", "Sci-Fi", 2026, 142, "12A"),
    (4, "The Little Fox", "Animation", 2025, 92, "U"),
    (5, "Midnight Heist", "Thriller", 2026, 131, "15"),
    (6, "Laugh Track", "Comedy", 2025, 101, "12A"),
    (7, "Deep Blue", "Documentary", 2025, 95, "PG"),
    (8, "Crimson Peak Road", "Horror", 2026, 131, "18"),
    (9, "Summer of Kites", "Family", 2026, 99, "PG"),
]

DDL = """
CREATE TABLE cinemas (cinema_id INTEGER PRIMARY KEY, cinema_name VARCHAR, city VARCHAR);
CREATE TABLE screens (screen_id INTEGER PRIMARY KEY,
  cinema_id INTEGER REFERENCES cinemas(cinema_id), screen_number INTEGER, seats INTEGER,
  is_imax BOOLEAN);
CREATE TABLE films (film_id INTEGER PRIMARY KEY, title VARCHAR, genre VARCHAR,
  release_year INTEGER, runtime_minutes INTEGER, certificate VARCHAR);
CREATE TABLE screenings (screening_id INTEGER PRIMARY KEY,
  screen_id INTEGER REFERENCES screens(screen_id), film_id INTEGER REFERENCES films(film_id),
  starts_at TIMESTAMP, base_price DECIMAL(6, 2));
CREATE TABLE tickets (ticket_id INTEGER PRIMARY KEY,
  screening_id INTEGER REFERENCES screenings(screening_id), sold_at TIMESTAMP,
  ticket_type VARCHAR, price_paid DECIMAL(6, 2), channel VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3434)
    screens = []
    for c in CINEMAS:
        for n in range(1, rng.randint(3, 6)):
            screens.append(
                (
                    len(screens) + 1,
                    c[0],
                    n,
                    rng.choice([80, 120, 160, 220, 300]),
                    n == 1 and c[0] in (1, 4),
                )
            )
    screenings, tickets = [], []
    film_w = [1, 4, 6, 4, 5, 3, 1, 3, 0]  # Summer of Kites has not been scheduled yet
    for i in range(1, 401):
        sc = rng.choice(screens)
        f = rng.choices(FILMS, film_w)[0]
        day = NOW.date() - dt.timedelta(days=int(150 * rng.random() ** 1.2) - 7)
        if f[3] == 2026 and day < dt.date(2026, 2, 1):
            day += dt.timedelta(days=60)
        starts = dt.datetime.combine(
            day, dt.time(rng.choice([11, 14, 17, 19, 21]), rng.choice([0, 15, 30]))
        )
        price = 14.5 if sc[4] else rng.choice([9.5, 10.5, 11.5])
        screenings.append((i, sc[0], f[0], starts, price))
        sold = 0
        for _ in range(int(sc[3] * rng.uniform(0.03, 0.12))):
            at = starts - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 10))
            if at >= NOW:
                continue
            typ = rng.choices(["Adult", "Child", "Student", "Senior"], [6, 2, 2, 1])[0]
            paid = round(price * {"Adult": 1, "Child": 0.6, "Student": 0.8, "Senior": 0.7}[typ], 2)
            sold += 1
            tickets.append(
                (
                    len(tickets) + 1,
                    i,
                    at,
                    typ,
                    paid,
                    rng.choice(["Online", "Online", "App", "Box office"]),
                )
            )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "cinemas", CINEMAS)
        _insert(con, "screens", screens)
        _insert(con, "films", FILMS)
        _insert(con, "screenings", screenings)
        _insert(con, "tickets", tickets)
    finally:
        con.close()
