"""Concerts and stadiums: stadium, singer, concert and singer_in_concert (snake_case, singular
table names, no declared keys). Ticket sales per concert live in concert_ticket_sale.

Two singers are both named "Tribal King"; two stadiums tie on capacity. Concert dates run from
2023 to a few scheduled after the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
STADIUMS = [
    (1, "Raith Rovers", "Kirkcaldy", "Scotland", 10104, 4812, 1294, 2106),
    (2, "Ayr United", "Ayr", "Scotland", 11998, 1980, 1057, 1477),
    (3, "East Fife", "Methil", "Scotland", 2000, 1972, 1024, 1208),
    (4, "Queen's Park", "Glasgow", "Scotland", 52500, 3960, 533, 1763),
    (5, "Stirling Albion", "Stirling", "Scotland", 3808, 1125, 466, 730),
    (6, "Arbroath", "Arbroath", "Scotland", 4125, 921, 411, 638),
    (7, "Alloa Athletic", "Alloa", "Scotland", 3100, 1057, 331, 637),
    (8, "Wembley Park Arena", "London", "England", 52500, 12500, 4200, 8800),
    (9, "Cardiff Bay Bowl", "Cardiff", "Wales", 33280, 9100, 2100, 5050),
    (10, "Belfast Dome", "Belfast", "Northern Ireland", 15000, 6000, 1500, 3100),
]
SINGERS = [
    (1, "Joe Sharp", "Netherlands", "You", 1992, 52, True),
    (2, "Timbaland", "United States", "Dangerous", 2008, 32, True),
    (3, "Justin Brown", "France", "Hey Oh", 2013, 29, True),
    (4, "Rose White", "France", "Sun", 2003, 41, False),
    (5, "John Nizinik", "France", "Gentleman", 2014, 43, True),
    (6, "Tribal King", "France", "Love", 2016, 25, True),
    (7, "Tribal King", "United States", "Drums", 2019, 31, True),
    (8, "Amelia Stone", "United Kingdom", "Harbour Lights", 2021, 27, False),
    (9, "Luca Moretti", "Italy", "Notte", 2011, 38, True),
    (10, "Ines Duarte", "Portugal", "Saudade", 2018, 34, False),
    (11, "Kenji Ito", "Japan", "Neon", 2022, 24, True),
    (12, "Maeve Byrne", "Ireland", "Tides", 2015, 36, False),
    (13, "Sofia Lund", "Sweden", "Aurora", 2020, 29, False),
    (14, "Carlos Vega", "Spain", "Fuego", 2009, 47, True),
]
KINDS = ["Auditions", "Super bootcamp", "Home Visits", "Week", "Live", "Tour"]
THEMES = [
    "Free choice",
    "Bleeding Love",
    "Wide Awake",
    "Happy Tonight",
    "Party All Night",
    "Summer Nights",
    "Acoustic Evening",
]

DDL = """
CREATE TABLE stadium (stadium_id INTEGER, name VARCHAR, location VARCHAR, country VARCHAR,
  capacity INTEGER, highest INTEGER, lowest INTEGER, average INTEGER);
CREATE TABLE singer (singer_id INTEGER, name VARCHAR, country VARCHAR, song_name VARCHAR,
  song_release_year INTEGER, age INTEGER, is_male BOOLEAN);
CREATE TABLE concert (concert_id INTEGER, concert_name VARCHAR, theme VARCHAR,
  stadium_id INTEGER, year INTEGER, concert_date DATE);
CREATE TABLE singer_in_concert (concert_id INTEGER, singer_id INTEGER);
CREATE TABLE concert_ticket_sale (sale_id INTEGER, concert_id INTEGER, sold_at TIMESTAMP,
  tickets INTEGER, price_per_ticket DECIMAL(7, 2), channel VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(5005)
    concerts, sic, sales = [], set(), []
    stadium_w = [4, 3, 1, 6, 2, 2, 0, 5, 3, 2]  # Alloa Athletic never hosted a concert
    sale_id = 0
    for i in range(1, 161):
        st = rng.choices(STADIUMS, stadium_w)[0]
        day = dt.date(2023, 1, 1) + dt.timedelta(days=int(1290 * rng.random() ** 0.8))
        name = f"{rng.choice(KINDS)} {i}"
        concerts.append((i, name, rng.choice(THEMES), st[0], day.year, day))
        for _ in range(rng.choice([1, 1, 2, 3])):
            sic.add((i, rng.choices(range(1, 15), [3, 5, 4, 4, 2, 3, 3, 5, 2, 2, 1, 2, 2, 0])[0]))
        for _ in range(rng.randint(3, 12)):
            at = dt.datetime.combine(
                day - dt.timedelta(days=rng.randint(1, 90)),
                dt.time(rng.randint(0, 23), rng.randint(0, 59)),
            )
            if at.date() >= NOW:
                continue
            sale_id += 1
            price = round(st[7] / 60 + rng.uniform(15, 90), 2)
            sales.append(
                (
                    sale_id,
                    i,
                    at,
                    rng.randint(1, 8),
                    price,
                    rng.choice(["Online", "Online", "Box office", "Reseller"]),
                )
            )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "stadium", STADIUMS)
        _insert(con, "singer", SINGERS)
        _insert(con, "concert", concerts)
        _insert(con, "singer_in_concert", sorted(sic))
        _insert(con, "concert_ticket_sale", sales)
    finally:
        con.close()
