"""Wine estates: estates, vineyard blocks, workers, harvest picks and wine lots (PascalCase,
declared keys).

Deterministic (seeded `random.Random`). Harvests run February to April (southern hemisphere) of
2024, 2025 and 2026. Each pick points at two workers: the crew lead (`LeadWorkerID`) and the
quality inspector (`InspectorID`, NULL when nobody inspected it). Two workers are both called
"Jose Garcia"; block codes repeat across estates; a block planted in 2025 has never been picked;
two estates tie on founding year; wine lots released after the eval's now (2026-06-17) are
scheduled releases and some lots are not priced yet (NULL `BottlePrice`).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

ESTATES = [
    (1, "Kookaburra Ridge", "Barossa Valley", "Australia", 1978),
    (2, "Silver Creek", "Marlborough", "New Zealand", 1991),
    (3, "Bergkelder Farm", "Stellenbosch", "South Africa", 1898),
    (4, "Los Andes Alto", "Mendoza", "Argentina", 1991),
    (5, "Red Gum Hill", "McLaren Vale", "Australia", 2009),
]
BLOCKS = [
    (1, 1, "A1", "Shiraz", 4.20, 1985),
    (2, 1, "A2", "Shiraz", 3.10, 1996),
    (3, 1, "B1", "Grenache", 2.40, 2001),
    (4, 1, "B2", "Cabernet Sauvignon", 3.80, 2004),
    (5, 2, "A1", "Sauvignon Blanc", 6.50, 1992),
    (6, 2, "A2", "Sauvignon Blanc", 5.20, 1999),
    (7, 2, "C1", "Pinot Noir", 2.90, 2008),
    (8, 3, "A1", "Chenin Blanc", 5.00, 1975),
    (9, 3, "B1", "Pinotage", 3.30, 1990),
    (10, 3, "B2", "Cabernet Sauvignon", 4.10, 2003),
    (11, 4, "A1", "Malbec", 7.40, 1993),
    (12, 4, "A2", "Malbec", 6.10, 2006),
    (13, 4, "B1", "Torrontes", 2.20, 2012),
    (14, 5, "A1", "Shiraz", 3.60, 2010),
    (15, 5, "A2", "Grenache", 1.80, 2014),
    (16, 5, "N1", "Fiano", 1.20, 2025),
]
NEVER_PICKED = {16}
WORKERS = [
    (1, "Mick Doyle", 1, "crew lead", 210.00, dt.date(2010, 1, 5)),
    (2, "Jose Garcia", 1, "crew lead", 195.00, dt.date(2018, 1, 10)),
    (3, "Karen Holt", 1, "inspector", 260.00, dt.date(2012, 2, 1)),
    (4, "Tane Walker", 2, "crew lead", 220.00, dt.date(2015, 1, 20)),
    (5, "Sophie Reid", 2, "inspector", 255.00, dt.date(2019, 1, 7)),
    (6, "Pieter de Wet", 3, "crew lead", 180.00, dt.date(2005, 1, 15)),
    (7, "Nomsa Dlamini", 3, "inspector", 240.00, dt.date(2016, 1, 11)),
    (8, "Thabo Mokoena", 3, "crew lead", 175.00, dt.date(2021, 1, 4)),
    (9, "Jose Garcia", 4, "crew lead", 150.00, dt.date(2013, 2, 1)),
    (10, "Lucia Benitez", 4, "inspector", 230.00, dt.date(2017, 1, 9)),
    (11, "Diego Ruiz", 4, "crew lead", 150.00, dt.date(2022, 1, 17)),
    (12, "Amy Chen", 5, "crew lead", 205.00, dt.date(2020, 1, 13)),
    (13, "Ben Foster", 5, "tractor driver", 190.00, dt.date(2023, 6, 1)),
]
LEADS = {1: [1, 2], 2: [4], 3: [6, 8], 4: [9, 11], 5: [12]}
INSPECTORS = {1: 3, 2: 5, 3: 7, 4: 10, 5: 3}
WINES = [
    (1, 1, "Ridge Shiraz", 2023, 12000, dt.date(2025, 3, 1), 38.00),
    (2, 1, "Ridge Shiraz", 2024, 11500, dt.date(2026, 3, 1), 39.00),
    (3, 1, "Old Vine Grenache", 2024, 3000, dt.date(2026, 9, 1), None),
    (4, 2, "Creek Sauvignon Blanc", 2025, 24000, dt.date(2025, 8, 1), 21.00),
    (5, 2, "Creek Pinot Noir", 2024, 6000, dt.date(2026, 2, 1), 34.00),
    (6, 3, "Bergkelder Chenin", 2025, 15000, dt.date(2025, 10, 1), 16.50),
    (7, 3, "Bergkelder Pinotage", 2023, 8000, dt.date(2025, 5, 1), 22.00),
    (8, 4, "Alto Malbec", 2024, 30000, dt.date(2025, 11, 1), 19.00),
    (9, 4, "Alto Malbec Reserva", 2023, 7000, dt.date(2026, 7, 15), 45.00),
    (10, 4, "Alto Torrontes", 2025, 5000, dt.date(2026, 1, 10), 14.00),
    (11, 5, "Red Gum GSM", 2024, 4000, dt.date(2026, 11, 1), None),
]

DDL = """
CREATE TABLE Estate (EstateID INTEGER PRIMARY KEY, EstateName VARCHAR, Region VARCHAR,
    Country VARCHAR, FoundedYear INTEGER);
CREATE TABLE Block (BlockID INTEGER PRIMARY KEY, EstateID INTEGER REFERENCES Estate(EstateID),
    BlockCode VARCHAR, Varietal VARCHAR, AreaHa DECIMAL(5,2), PlantedYear INTEGER);
CREATE TABLE Worker (WorkerID INTEGER PRIMARY KEY, FullName VARCHAR,
    EstateID INTEGER REFERENCES Estate(EstateID), Role VARCHAR, DailyRate DECIMAL(7,2),
    StartDate DATE);
CREATE TABLE Harvest (HarvestID INTEGER PRIMARY KEY, BlockID INTEGER REFERENCES Block(BlockID),
    PickDate DATE, Tonnes DECIMAL(6,2), Brix DECIMAL(4,1),
    LeadWorkerID INTEGER REFERENCES Worker(WorkerID),
    InspectorID INTEGER REFERENCES Worker(WorkerID));
CREATE TABLE WineLot (WineLotID INTEGER PRIMARY KEY, EstateID INTEGER REFERENCES Estate(EstateID),
    WineName VARCHAR, Vintage INTEGER, Bottles INTEGER, ReleaseDate DATE,
    BottlePrice DECIMAL(7,2));
"""


def _harvests(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    hid = 0
    for year in (2024, 2025, 2026):
        for block in BLOCKS:
            bid, estate, _, _, area, _ = block
            if bid in NEVER_PICKED:
                continue
            for _ in range(1 + rng.randrange(3)):
                hid += 1
                day = dt.date(year, 2, 10) + dt.timedelta(days=rng.randrange(75))
                tonnes = round(float(area) * rng.uniform(0.8, 3.2), 2)
                brix = round(rng.uniform(20.5, 26.5), 1)
                lead = rng.choice(LEADS[estate])
                inspector = None if rng.random() < 0.25 else INSPECTORS[estate]
                rows.append((hid, bid, day, tonnes, brix, lead, inspector))
    return rows


def build(path: str) -> None:
    rng = random.Random(4102)
    harvests = _harvests(rng)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "Estate", ESTATES)
        _insert(con, "Block", BLOCKS)
        _insert(con, "Worker", WORKERS)
        _insert(con, "Harvest", harvests)
        _insert(con, "WineLot", WINES)
    finally:
        con.close()
