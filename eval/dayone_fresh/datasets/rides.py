"""Ride-hailing service: zones, drivers, riders, trips (pick-up and drop-off zone both point at
zones) and trip ratings. snake_case with declared primary and foreign keys.

Two drivers are called "Ali Hassan"; two zones tie on area. Trips run up to the eval's now
(2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
ZONES = [
    (1, "Downtown", "Central", 4.2),
    (2, "Airport", "East", 12.5),
    (3, "University", "North", 5.1),
    (4, "Harbor", "South", 6.3),
    (5, "Old Town", "Central", 3.0),
    (6, "Tech Park", "North", 6.3),
    (7, "Suburbia", "West", 18.0),
    (8, "Stadium", "South", 2.4),
]
FIRST = ["Ali", "Maria", "Chen", "Fatou", "Ivan", "Lucy", "Mohammed", "Rosa", "Sanjay", "Tom"]
LAST = ["Hassan", "Silva", "Li", "Diallo", "Petrov", "Green", "Rahman", "Costa", "Gupta"]

DDL = """
CREATE TABLE zones (zone_id INTEGER PRIMARY KEY, zone_name VARCHAR, borough VARCHAR,
  area_km2 DOUBLE);
CREATE TABLE drivers (driver_id INTEGER PRIMARY KEY, driver_name VARCHAR, vehicle_type VARCHAR,
  joined_on DATE, rating DOUBLE, home_zone_id INTEGER REFERENCES zones(zone_id));
CREATE TABLE riders (rider_id INTEGER PRIMARY KEY, rider_name VARCHAR, signup_date DATE,
  is_subscriber BOOLEAN);
CREATE TABLE trips (trip_id INTEGER PRIMARY KEY, driver_id INTEGER REFERENCES drivers(driver_id),
  rider_id INTEGER REFERENCES riders(rider_id),
  pickup_zone_id INTEGER REFERENCES zones(zone_id),
  dropoff_zone_id INTEGER REFERENCES zones(zone_id), requested_at TIMESTAMP,
  completed_at TIMESTAMP, distance_km DOUBLE, fare DECIMAL(8, 2), tip DECIMAL(6, 2),
  status VARCHAR, payment_method VARCHAR);
CREATE TABLE trip_ratings (trip_id INTEGER PRIMARY KEY REFERENCES trips(trip_id),
  stars INTEGER, comment VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3232)
    drivers = []
    for i in range(1, 81):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Ali Hassan":
            name = "Ali Rahman"
        if i in (7, 58):
            name = "Ali Hassan"
        drivers.append(
            (
                i,
                name,
                rng.choices(["Sedan", "SUV", "EV", "Van"], [5, 2, 3, 1])[0],
                (NOW - dt.timedelta(days=rng.randint(10, 1800))).date(),
                round(rng.uniform(4.1, 5.0), 2),
                rng.randint(1, 8),
            )
        )
    riders = [
        (
            i,
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            (NOW - dt.timedelta(days=int(1500 * rng.random() ** 1.2))).date(),
            rng.random() < 0.25,
        )
        for i in range(1, 701)
    ]
    trips, ratings = [], []
    zone_w = [6, 4, 3, 2, 3, 3, 1, 1]
    for i in range(1, 4001):
        d = drivers[int(76 * rng.random() ** 1.1)]  # drivers 77..80 have not driven yet
        r = riders[int(680 * rng.random() ** 1.3)]
        pu = rng.choices(ZONES, zone_w)[0][0]
        do = rng.choices(ZONES, zone_w)[0][0]
        if pu == 8 and do == 8:
            do = 1
        req = NOW - dt.timedelta(minutes=int(400 * 1440 * rng.random() ** 1.3) + 1)
        dist = round(
            rng.uniform(1.2, 6) + (14 if 2 in (pu, do) else 0) + (9 if 7 in (pu, do) else 0), 1
        )
        status = rng.choices(
            ["Completed", "Cancelled by rider", "Cancelled by driver"], [90, 7, 3]
        )[0]
        done = req + dt.timedelta(minutes=int(dist * 2.5) + rng.randint(3, 15))
        if done > NOW and status == "Completed":
            done = None
            status = "In progress"
        if status != "Completed":
            done = None
        fare = round(2.5 + dist * 1.35 * rng.uniform(0.9, 1.6), 2) if done else 0.0
        tip = round(fare * rng.choice([0, 0, 0.1, 0.15, 0.2]), 2)
        trips.append(
            (
                i,
                d[0],
                r[0],
                pu,
                do,
                req,
                done,
                dist,
                fare,
                tip,
                status,
                rng.choice(["Card", "Card", "Wallet", "Cash"]),
            )
        )
        if done and rng.random() < 0.6:
            ratings.append((i, rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 6, 12])[0], None))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "zones", ZONES)
        _insert(con, "drivers", drivers)
        _insert(con, "riders", riders)
        _insert(con, "trips", trips)
        _insert(con, "trip_ratings", ratings)
    finally:
        con.close()
