"""Real estate agency: offices, agents, properties, listings, viewings and sales. snake_case with
declared primary and foreign keys.

Two agents are called "Laura Bennett" (different offices); two properties share the street
address "12 Station Road" in different towns. Two offices tie on agent count. Listings, viewings
and sales run up to the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
OFFICES = [
    (1, "Oxford Central", "Oxford"),
    (2, "Cambridge North", "Cambridge"),
    (3, "Reading West", "Reading"),
    (4, "Milton Keynes", "Milton Keynes"),
]
TOWNS = ["Oxford", "Cambridge", "Reading", "Milton Keynes", "Abingdon", "Ely"]
STREETS = [
    "Station Road",
    "High Street",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Victoria Street",
    "Green Close",
    "Orchard Way",
]
TYPES = [
    ("Flat", 0.8),
    ("Terraced", 1.0),
    ("Semi-detached", 1.25),
    ("Detached", 1.7),
    ("Bungalow", 1.15),
]
FIRST = ["Laura", "Mark", "Sophie", "Daniel", "Priya", "Tom", "Hannah", "Ian", "Zoe", "Raj"]
LAST = ["Bennett", "Clarke", "Wood", "Shah", "Turner", "Mills", "Hayes"]

DDL = """
CREATE TABLE offices (office_id INTEGER PRIMARY KEY, office_name VARCHAR, town VARCHAR);
CREATE TABLE agents (agent_id INTEGER PRIMARY KEY, agent_name VARCHAR,
  office_id INTEGER REFERENCES offices(office_id), hired_on DATE, commission_rate DOUBLE);
CREATE TABLE properties (property_id INTEGER PRIMARY KEY, address VARCHAR, town VARCHAR,
  property_type VARCHAR, bedrooms INTEGER, bathrooms INTEGER, floor_area_sqm INTEGER,
  year_built INTEGER, has_garden BOOLEAN);
CREATE TABLE listings (listing_id INTEGER PRIMARY KEY,
  property_id INTEGER REFERENCES properties(property_id),
  agent_id INTEGER REFERENCES agents(agent_id), listed_on DATE, asking_price INTEGER,
  listing_type VARCHAR, status VARCHAR);
CREATE TABLE viewings (viewing_id INTEGER PRIMARY KEY,
  listing_id INTEGER REFERENCES listings(listing_id), viewed_at TIMESTAMP,
  buyer_name VARCHAR, feedback_score INTEGER);
CREATE TABLE sales (sale_id INTEGER PRIMARY KEY,
  listing_id INTEGER REFERENCES listings(listing_id), sold_on DATE, sale_price INTEGER,
  buyer_name VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1414)
    agents = []
    office_of = [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 1, 2, 3, 4]
    for i, off in enumerate(office_of, start=1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Laura Bennett":
            name = "Laura Wood"
        if i in (2, 9):
            name = "Laura Bennett"
        agents.append(
            (
                i,
                name,
                off,
                NOW - dt.timedelta(days=rng.randint(100, 4000)),
                round(rng.choice([1.0, 1.25, 1.5, 1.75]), 2),
            )
        )
    agents[-1] = (*agents[-1][:3], NOW - dt.timedelta(days=20), 1.0)  # new agent, no listings
    props = []
    for i in range(1, 501):
        typ, mult = rng.choice(TYPES)
        beds = 1 if typ == "Flat" and rng.random() < 0.4 else rng.randint(2, 5)
        addr = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
        if addr == "12 Station Road":
            addr = "14 Station Road"
        if i in (40, 333):
            addr = "12 Station Road"
        props.append(
            (
                i,
                addr,
                TOWNS[i % 6] if i != 333 else "Ely",
                typ,
                beds,
                max(1, beds - rng.randint(0, 2)),
                int(beds * rng.uniform(22, 34) * mult),
                rng.randint(1890, 2025),
                typ != "Flat" and rng.random() < 0.85,
            )
        )
    listings, views, sales = [], [], []
    for i in range(1, 701):
        p = props[int(480 * rng.random())]  # properties 481..500 never listed
        a = agents[int(13 * rng.random())]
        listed = NOW - dt.timedelta(days=int(800 * rng.random() ** 1.2))
        mult = dict(TYPES)[p[3]]
        town_k = {
            "Oxford": 1.5,
            "Cambridge": 1.45,
            "Reading": 1.1,
            "Milton Keynes": 0.9,
            "Abingdon": 1.2,
            "Ely": 1.0,
        }[p[2]]
        kind = "Sale" if rng.random() < 0.8 else "Rent"
        price = (
            int(p[6] * 3400 * mult * town_k / 1000) * 1000
            if kind == "Sale"
            else int(p[6] * 14 * town_k / 10) * 10
        )
        status = "Active"
        sold = listed + dt.timedelta(days=rng.randint(14, 200))
        if kind == "Sale" and sold <= NOW and rng.random() < 0.7:
            status = "Sold"
            sales.append(
                (
                    len(sales) + 1,
                    i,
                    sold,
                    int(price * rng.uniform(0.9, 1.05)),
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                )
            )
        elif kind == "Rent" and sold <= NOW and rng.random() < 0.7:
            status = "Let"
        elif rng.random() < 0.15:
            status = "Withdrawn"
        listings.append((i, p[0], a[0], listed, price, kind, status))
        for _ in range(rng.randint(0, 6)):
            at = dt.datetime.combine(
                listed + dt.timedelta(days=rng.randint(1, 60)),
                dt.time(rng.randint(9, 18), rng.choice([0, 30])),
            )
            if at < dt.datetime(2026, 6, 17, 10, 0):
                views.append(
                    (
                        len(views) + 1,
                        i,
                        at,
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        rng.randint(1, 5),
                    )
                )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "offices", OFFICES)
        _insert(con, "agents", agents)
        _insert(con, "properties", props)
        _insert(con, "listings", listings)
        _insert(con, "viewings", views)
        _insert(con, "sales", sales)
    finally:
        con.close()
