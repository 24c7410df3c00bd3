"""Car rental company: Branch, Vehicle, Customer, Rental (pick-up and return branch both point at
Branch) and Damage reports. PascalCase names with declared primary and foreign keys.

Two customers are called "Chris Evans"; two vehicle models tie on daily rate. Rentals run up to the
eval's now (2026-06-17), some still open (ReturnedAt NULL).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
BRANCHES = [
    (1, "Airport North", "Denver", "CO"),
    (2, "Union Station", "Denver", "CO"),
    (3, "Downtown", "Phoenix", "AZ"),
    (4, "Sky Harbor", "Phoenix", "AZ"),
    (5, "Old Town", "Albuquerque", "NM"),
    (6, "Strip", "Las Vegas", "NV"),
]
MODELS = [
    ("Toyota", "Corolla", "Compact", 39.0, 5),
    ("Honda", "Civic", "Compact", 41.0, 5),
    ("Ford", "Escape", "SUV", 62.0, 5),
    ("Jeep", "Wrangler", "SUV", 89.0, 4),
    ("Tesla", "Model 3", "Electric", 95.0, 5),
    ("Chevrolet", "Suburban", "Van", 110.0, 8),
    ("BMW", "5 Series", "Luxury", 140.0, 5),
    ("Mercedes", "E-Class", "Luxury", 140.0, 5),
    ("Kia", "Carnival", "Van", 85.0, 8),
    ("Nissan", "Leaf", "Electric", 58.0, 5),
]
FIRST = [
    "Chris",
    "Pat",
    "Lee",
    "Dana",
    "Jesse",
    "Morgan",
    "Kim",
    "Tracy",
    "Alex",
    "Robin",
    "Jamie",
    "Shawn",
]
LAST = ["Evans", "Garcia", "Nguyen", "Patel", "Johnson", "Martinez", "Lee", "Walker", "Young"]

DDL = """
CREATE TABLE Branch (BranchId INTEGER PRIMARY KEY, BranchName VARCHAR, City VARCHAR,
  State VARCHAR);
CREATE TABLE Vehicle (VehicleId INTEGER PRIMARY KEY, Plate VARCHAR, Make VARCHAR, Model VARCHAR,
  Category VARCHAR, ModelYear INTEGER, DailyRate DECIMAL(7, 2), Seats INTEGER,
  HomeBranchId INTEGER REFERENCES Branch(BranchId), Mileage INTEGER);
CREATE TABLE Customer (CustomerId INTEGER PRIMARY KEY, FullName VARCHAR, LicenseState VARCHAR,
  BirthYear INTEGER, LoyaltyTier VARCHAR, JoinedOn DATE);
CREATE TABLE Rental (RentalId INTEGER PRIMARY KEY,
  VehicleId INTEGER REFERENCES Vehicle(VehicleId),
  CustomerId INTEGER REFERENCES Customer(CustomerId),
  PickupBranchId INTEGER REFERENCES Branch(BranchId),
  ReturnBranchId INTEGER REFERENCES Branch(BranchId), PickedUpAt TIMESTAMP,
  ReturnedAt TIMESTAMP, TotalCharge DECIMAL(9, 2), KmDriven INTEGER);
CREATE TABLE Damage (DamageId INTEGER PRIMARY KEY, RentalId INTEGER REFERENCES Rental(RentalId),
  ReportedOn DATE, Severity VARCHAR, RepairCost DECIMAL(9, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(9009)
    vehicles = []
    for i in range(1, 121):
        make, model, cat, rate, seats = MODELS[i % len(MODELS)]
        home = 1 + (i % 6)
        plate = f"{rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTUV')}{rng.randint(1000, 9999)}"
        vehicles.append(
            (
                i,
                plate,
                make,
                model,
                cat,
                rng.randint(2019, 2026),
                rate,
                seats,
                home,
                rng.randint(2000, 90000),
            )
        )
    customers = []
    for i in range(1, 361):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Chris Evans":
            name = "Chris Young"
        if i in (33, 290):
            name = "Chris Evans"
        joined = (NOW - dt.timedelta(days=int(2000 * rng.random() ** 1.2))).date()
        customers.append(
            (
                i,
                name,
                rng.choice(["CO", "AZ", "NM", "NV", "CA", "TX"]),
                rng.randint(1950, 2004),
                rng.choices(["Basic", "Silver", "Gold"], [6, 3, 1])[0],
                joined,
            )
        )
    rentals, damages = [], []
    used = [v for v in vehicles if v[0] <= 115]  # vehicles 116..120 never rented
    for i in range(1, 1901):
        v = rng.choice(used)
        c = customers[int(340 * rng.random() ** 1.2)]
        pick = rng.choices([1, 2, 3, 4, 5, 6], [5, 2, 3, 4, 1, 4])[0]
        ret = pick if rng.random() < 0.75 else rng.randint(1, 6)
        out = NOW - dt.timedelta(hours=int(600 * 24 * rng.random() ** 1.3) + 2)
        days = rng.randint(1, 10)
        back = out + dt.timedelta(days=days, hours=rng.randint(-3, 3))
        if back > NOW:
            back, ret_id = None, None
        else:
            ret_id = ret
        charge = round(days * float(v[6]) * rng.uniform(0.9, 1.25), 2)
        rentals.append(
            (i, v[0], c[0], pick, ret_id, out, back, charge, days * rng.randint(40, 300))
        )
        if back is not None and rng.random() < 0.06:
            damages.append(
                (
                    len(damages) + 1,
                    i,
                    back.date(),
                    rng.choices(["Minor", "Moderate", "Major"], [6, 3, 1])[0],
                    round(rng.uniform(80, 4000), 2),
                )
            )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Branch", BRANCHES)
        _insert(con, "Vehicle", vehicles)
        _insert(con, "Customer", customers)
        _insert(con, "Rental", rentals)
        _insert(con, "Damage", damages)
    finally:
        con.close()
