"""Estate agency dataset (blind round 3): offices, agents, listings, clients, viewings and sales.

Deterministic (a seeded `random.Random`, only `random()` calls), declared primary and foreign keys,
skewed weights so rankings have no ties. A sale's agent is the selling agent (usually, not always,
the listing agent). About 15,000 rows in all.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

import duckdb

START = dt.date(2024, 1, 1)
END = dt.date(2026, 6, 16)

OFFICES = [
    (1, "Leeds Central", "Leeds", "Yorkshire", dt.date(2009, 4, 1)),
    (2, "Harrogate", "Harrogate", "Yorkshire", dt.date(2013, 9, 1)),
    (3, "York Minster", "York", "Yorkshire", dt.date(2016, 2, 1)),
    (4, "Sheffield South", "Sheffield", "Yorkshire", dt.date(2018, 6, 1)),
    (5, "Manchester Northern Quarter", "Manchester", "North West", dt.date(2011, 1, 10)),
    (6, "Didsbury", "Manchester", "North West", dt.date(2020, 3, 2)),
]
OFFICE_W = [0.25, 0.12, 0.13, 0.16, 0.22, 0.12]
TOWNS = {
    1: ["Leeds", "Horsforth", "Wakefield"],
    2: ["Harrogate", "Knaresborough"],
    3: ["York"],
    4: ["Sheffield", "Rotherham"],
    5: ["Manchester", "Salford"],
    6: ["Manchester", "Stockport"],
}
TYPES = ["Flat", "Terraced", "Semi-detached", "Detached", "Bungalow"]
TYPE_W = [0.31, 0.24, 0.25, 0.13, 0.07]
BASE = {
    "Flat": 165000,
    "Terraced": 205000,
    "Semi-detached": 265000,
    "Detached": 430000,
    "Bungalow": 290000,
}
TOWN_X = {
    "Harrogate": 1.35,
    "Knaresborough": 1.2,
    "York": 1.25,
    "Leeds": 1.0,
    "Horsforth": 1.15,
    "Wakefield": 0.8,
    "Sheffield": 0.9,
    "Rotherham": 0.7,
    "Manchester": 1.1,
    "Salford": 0.95,
    "Stockport": 1.0,
}
FIRST = [
    "Alice",
    "Bilal",
    "Chris",
    "Dana",
    "Ed",
    "Fatima",
    "Greg",
    "Hannah",
    "Imran",
    "Jess",
    "Karl",
    "Laura",
    "Mo",
    "Nadia",
    "Oscar",
    "Pippa",
    "Rob",
    "Sian",
    "Tariq",
    "Vicky",
]
LAST = [
    "Ahmed",
    "Baker",
    "Carter",
    "Dixon",
    "Ellis",
    "Foster",
    "Grant",
    "Holmes",
    "Iqbal",
    "Jackson",
    "Kerr",
    "Lowe",
    "Mason",
    "Nash",
    "Owen",
    "Price",
    "Reid",
    "Shaw",
    "Turner",
    "Webb",
    "Hussain",
]


def _pick(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    x, acc = rng.random() * sum(weights), 0.0
    for item, w in zip(items, weights, strict=True):
        acc += w
        if x < acc:
            return item
    return items[-1]


def _lit(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, dt.datetime):
        return f"TIMESTAMP '{v.isoformat(sep=' ')}'"
    if isinstance(v, dt.date):
        return f"DATE '{v.isoformat()}'"
    return "'" + str(v).replace("'", "''") + "'"


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    for i in range(0, len(rows), 500):
        values = ",".join("(" + ",".join(_lit(v) for v in r) + ")" for r in rows[i : i + 500])
        con.execute(f"INSERT INTO {table} VALUES {values}")


def _day(rng: random.Random, lo: dt.date, hi: dt.date, recent: float = 1.0) -> dt.date:
    span = (hi - lo).days
    return lo + dt.timedelta(days=int(span * rng.random() ** (1 / recent)))


def _agents(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(1, 41):
        office = _pick(rng, [o[0] for o in OFFICES], OFFICE_W) if i > 6 else i
        name = f"{FIRST[(i * 7) % len(FIRST)]} {LAST[(i * 5) % len(LAST)]}"
        level = _pick(rng, ["Junior", "Senior", "Partner"], [0.45, 0.4, 0.15])
        hired = _day(rng, dt.date(2008, 1, 1), dt.date(2025, 12, 1))
        rows.append((i, name, office, level, hired, rng.random() < 0.9))
    return rows


def _listings(rng: random.Random, agents: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rows = []
    aw = [
        {"Junior": 0.7, "Senior": 1.2, "Partner": 1.6}[a[3]] * (0.6 + (a[0] * 29 % 17) / 10)
        for a in agents
    ]
    for i in range(1, 3001):
        a = _pick(rng, agents, aw)
        towns = TOWNS[a[2]]
        town = towns[int(rng.random() ** 1.6 * len(towns))]
        ptype = _pick(rng, TYPES, TYPE_W)
        beds = {"Flat": 1, "Terraced": 2, "Semi-detached": 3, "Detached": 4, "Bungalow": 2}[ptype]
        beds += _pick(rng, [0, 1, 2, -1], [0.5, 0.3, 0.08, 0.12])
        beds = max(1, beds)
        baths = max(1, beds // 2 + (rng.random() < 0.3))
        area = int(28 + beds * 24 + rng.random() * 35)
        new_build = rng.random() < (0.22 if ptype == "Flat" else 0.09)
        garden = ptype != "Flat" and rng.random() < 0.85
        price = BASE[ptype] * TOWN_X[town] * (1 + 0.18 * (beds - 2)) * (0.8 + rng.random() * 0.45)
        price = round(price * (1.06 if new_build else 1.0) / 500) * 500.0
        listed = _day(rng, dt.date(2023, 10, 1), END, recent=1.1)
        epc = _pick(rng, ["A", "B", "C", "D", "E", "F"], [0.03, 0.19, 0.33, 0.3, 0.11, 0.04])
        sold_on, status, r = None, "For sale", rng.random()
        days = 21 + int(rng.random() ** 1.4 * 200)
        if listed + dt.timedelta(days=days) <= END and r < 0.62:
            status, sold_on = "Sold", listed + dt.timedelta(days=days)
        elif r < 0.74:
            status = "Withdrawn"
        elif r < 0.84 and listed + dt.timedelta(days=30) <= END:
            status = "Under offer"
        rows.append(
            (
                i,
                a[0],
                town,
                ptype,
                beds,
                baths,
                area,
                price,
                listed,
                sold_on,
                status,
                garden,
                new_build,
                epc,
            )
        )
    return rows


def _clients(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(1, 2201):
        name = f"{FIRST[int(rng.random() * 20)]} {LAST[int(rng.random() * 21)]}"
        ctype = _pick(rng, ["First-time buyer", "Home mover", "Investor"], [0.41, 0.44, 0.15])
        source = _pick(
            rng,
            ["Rightmove", "Zoopla", "Walk-in", "Referral", "Website"],
            [0.38, 0.2, 0.08, 0.12, 0.22],
        )
        registered = _day(rng, dt.date(2023, 6, 1), END, recent=1.2)
        rows.append((i, name, ctype, source, registered))
    return rows


def _viewings(
    rng: random.Random, listings: list[tuple[Any, ...]], agents: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    rows = []
    lw = [1.0 + (x[0] * 13 % 7) / 3 for x in listings]
    for i in range(1, 7501):
        lst = _pick(rng, listings, lw)
        last = lst[9] or END
        if last <= lst[8]:
            last = lst[8] + dt.timedelta(days=1)
        day = _day(rng, lst[8], last)
        at = dt.datetime.combine(
            day, dt.time(_pick(rng, [9, 10, 11, 13, 15, 17, 18], [6, 9, 8, 7, 8, 10, 5]), 0)
        )
        agent = lst[1] if rng.random() < 0.8 else agents[int(rng.random() * len(agents))][0]
        client = 1 + int(2200 * rng.random() ** 1.2)
        outcome = _pick(
            rng, ["Offer made", "Interested", "Not interested", "No-show"], [0.12, 0.33, 0.47, 0.08]
        )
        rows.append((i, lst[0], client, agent, at, outcome))
    return rows


def _sales(
    rng: random.Random, listings: list[tuple[Any, ...]], agents: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    rows, sid = [], 0
    for lst in listings:
        if lst[10] != "Sold":
            continue
        sid += 1
        agent = lst[1] if rng.random() < 0.85 else agents[int(rng.random() * len(agents))][0]
        price = round(lst[7] * (0.93 + rng.random() * 0.1) / 250) * 250.0
        rate = _pick(rng, [0.01, 0.0125, 0.015], [0.3, 0.45, 0.25])
        fin = _pick(rng, ["Mortgage", "Cash", "Shared ownership"], [0.68, 0.27, 0.05])
        buyer = 1 + int(2200 * rng.random())
        rows.append((sid, lst[0], buyer, agent, lst[9], price, round(price * rate, 2), fin))
    return rows


DDL = """
CREATE TABLE offices (office_id INTEGER PRIMARY KEY, office_name VARCHAR, city VARCHAR,
  region VARCHAR, opened_on DATE);
CREATE TABLE agents (agent_id INTEGER PRIMARY KEY, agent_name VARCHAR,
  office_id INTEGER REFERENCES offices(office_id), seniority VARCHAR, hired_on DATE,
  is_active BOOLEAN);
CREATE TABLE listings (listing_id INTEGER PRIMARY KEY, agent_id INTEGER REFERENCES agents(agent_id),
  town VARCHAR, property_type VARCHAR, bedrooms INTEGER, bathrooms INTEGER, floor_area_sqm INTEGER,
  asking_price DECIMAL(12, 2), listed_on DATE, sold_on DATE, status VARCHAR, has_garden BOOLEAN,
  is_new_build BOOLEAN, epc_rating VARCHAR);
CREATE TABLE clients (client_id INTEGER PRIMARY KEY, client_name VARCHAR, client_type VARCHAR,
  lead_source VARCHAR, registered_on DATE);
CREATE TABLE viewings (viewing_id INTEGER PRIMARY KEY,
  listing_id INTEGER REFERENCES listings(listing_id),
  client_id INTEGER REFERENCES clients(client_id), agent_id INTEGER REFERENCES agents(agent_id),
  viewed_at TIMESTAMP, outcome VARCHAR);
CREATE TABLE sales (sale_id INTEGER PRIMARY KEY, listing_id INTEGER REFERENCES listings(listing_id),
  buyer_id INTEGER REFERENCES clients(client_id), agent_id INTEGER REFERENCES agents(agent_id),
  completed_on DATE, sale_price DECIMAL(12, 2), commission DECIMAL(10, 2), financing VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(8675309)
    agents = _agents(rng)
    listings = _listings(rng, agents)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "offices", list(OFFICES))
        _insert(con, "agents", agents)
        _insert(con, "listings", listings)
        _insert(con, "clients", _clients(rng))
        _insert(con, "viewings", _viewings(rng, listings, agents))
        _insert(con, "sales", _sales(rng, listings, agents))
    finally:
        con.close()
