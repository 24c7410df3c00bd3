"""Airline routes: airports, airlines, routes (origin and destination both point at airports)
and dated flights. snake_case with declared primary and foreign keys.

Two airports are named "San Jose" (California and Costa Rica); two airlines tie on fleet size.
Flights run up to 2026-06-16 plus scheduled flights on the eval's now (2026-06-17).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
AIRPORTS = [
    (1, "JFK", "John F. Kennedy International", "New York", "United States", 4),
    (2, "LAX", "Los Angeles International", "Los Angeles", "United States", 4),
    (3, "ORD", "O'Hare International", "Chicago", "United States", 4),
    (4, "SJC", "San Jose", "San Jose", "United States", 1),
    (5, "SJO", "San Jose", "San Jose", "Costa Rica", 1),
    (6, "LHR", "Heathrow", "London", "United Kingdom", 5),
    (7, "CDG", "Charles de Gaulle", "Paris", "France", 3),
    (8, "FRA", "Frankfurt am Main", "Frankfurt", "Germany", 2),
    (9, "MAD", "Adolfo Suarez Madrid-Barajas", "Madrid", "Spain", 4),
    (10, "NRT", "Narita International", "Tokyo", "Japan", 2),
    (11, "MEX", "Benito Juarez International", "Mexico City", "Mexico", 2),
    (12, "YYZ", "Toronto Pearson", "Toronto", "Canada", 3),
    (13, "BOG", "El Dorado International", "Bogota", "Colombia", 1),
    (14, "LIS", "Humberto Delgado", "Lisbon", "Portugal", 1),
]
AIRLINES = [
    (1, "Atlantic Air", "United States", "Skyteam", 1994, 120),
    (2, "Pacific Wings", "United States", "Oneworld", 2001, 85),
    (3, "EuroJet", "Germany", "Star Alliance", 1988, 120),
    (4, "Iberica Express", "Spain", None, 2010, 40),
    (5, "Maple Airways", "Canada", "Star Alliance", 1999, 64),
    (6, "Andes Connect", "Colombia", None, 2015, 22),
]
# (airline, origin, destination, distance_km)
ROUTES = [
    (1, 1, 6, 5540),
    (1, 6, 1, 5540),
    (1, 1, 7, 5830),
    (1, 1, 2, 3980),
    (1, 2, 1, 3980),
    (1, 3, 1, 1190),
    (2, 2, 10, 8750),
    (2, 2, 4, 490),
    (2, 4, 2, 490),
    (2, 2, 11, 2500),
    (2, 11, 2, 2500),
    (3, 8, 1, 6200),
    (3, 1, 8, 6200),
    (3, 8, 9, 1420),
    (3, 8, 6, 650),
    (3, 8, 10, 9350),
    (4, 9, 14, 510),
    (4, 14, 9, 510),
    (4, 9, 7, 1060),
    (4, 9, 5, 8480),
    (5, 12, 6, 5700),
    (5, 12, 3, 700),
    (5, 3, 12, 700),
    (5, 12, 11, 3250),
    (6, 13, 5, 1500),
    (6, 5, 13, 1500),
    (6, 13, 11, 3160),
    (1, 3, 2, 2800),
]
STATUS = ["On time", "Delayed", "Cancelled", "Diverted"]

DDL = """
CREATE TABLE airports (airport_id INTEGER PRIMARY KEY, iata_code VARCHAR, airport_name VARCHAR,
  city VARCHAR, country VARCHAR, terminals INTEGER);
CREATE TABLE airlines (airline_id INTEGER PRIMARY KEY, airline_name VARCHAR, country VARCHAR,
  alliance VARCHAR, founded_year INTEGER, fleet_size INTEGER);
CREATE TABLE routes (route_id INTEGER PRIMARY KEY,
  airline_id INTEGER REFERENCES airlines(airline_id),
  origin_airport_id INTEGER REFERENCES airports(airport_id),
  destination_airport_id INTEGER REFERENCES airports(airport_id), distance_km INTEGER);
CREATE TABLE flights (flight_id INTEGER PRIMARY KEY, route_id INTEGER REFERENCES routes(route_id),
  flight_number VARCHAR, departure_date DATE, seats INTEGER, passengers INTEGER,
  delay_minutes INTEGER, status VARCHAR, ticket_price DECIMAL(8, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3003)
    routes = [(i + 1, *r) for i, r in enumerate(ROUTES)]
    flights = []
    weights = [3 if r[4] < 3000 else 1 for r in routes]
    weights[-1] = 0  # the last route (Chicago - Los Angeles) was announced but never flown
    for i in range(1, 2401):
        r = rng.choices(routes, weights)[0]
        day = NOW - dt.timedelta(days=int(540 * rng.random() ** 1.2))
        seats = 180 if r[4] < 3000 else rng.choice([280, 320, 350])
        status = rng.choices(STATUS, [0.72, 0.22, 0.04, 0.02])[0]
        delay = 0 if status == "On time" else rng.randint(16, 240)
        pax = 0 if status == "Cancelled" else int(seats * rng.uniform(0.55, 1.0))
        if status == "Cancelled":
            delay = 0
        price = round(r[4] * rng.uniform(0.07, 0.16) + 40, 2)
        flights.append(
            (
                i,
                r[0],
                f"{'AXPWEJIBMAAC'[2 * r[1] - 2 : 2 * r[1]]}{100 + r[0] * 7}",
                day,
                seats,
                pax,
                delay,
                status,
                price,
            )
        )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "airports", AIRPORTS)
        _insert(con, "airlines", AIRLINES)
        _insert(con, "routes", routes)
        _insert(con, "flights", flights)
    finally:
        con.close()
