"""Solar farm operator: farms, inverters, daily output and maintenance jobs (snake_case, declared
keys).

Deterministic (seeded `random.Random`). Farms 2 and 6 tie on the largest capacity (48.0 MW); two
technicians are both called "Sam Ortega" (different employee numbers); farm 8 was commissioned
in May 2026 and has no maintenance jobs yet; some jobs are still open (closed_on NULL). Output is
recorded daily up to yesterday (2026-06-16).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
FARMS = [
    (1, "Sunfield North", "Andalusia", 32.5, dt.date(2018, 6, 1)),
    (2, "Mesa Verde Array", "Murcia", 48.0, dt.date(2019, 3, 12)),
    (3, "Olive Ridge", "Andalusia", 12.0, dt.date(2020, 9, 30)),
    (4, "Coastal Light", "Valencia", 20.4, dt.date(2021, 4, 18)),
    (5, "Highplain Solar", "Castile", 36.0, dt.date(2022, 7, 7)),
    (6, "Dry Creek Park", "Murcia", 48.0, dt.date(2023, 2, 1)),
    (7, "Little Sun", "Valencia", 5.5, dt.date(2024, 10, 21)),
    (8, "Sierra Nueva", "Castile", 27.0, dt.date(2026, 5, 4)),
]
TECHS = [
    (101, "Sam Ortega", "North crew"),
    (102, "Irene Costa", "North crew"),
    (103, "Pablo Ruiz", "South crew"),
    (104, "Sam Ortega", "South crew"),
    (105, "Marta Gil", "South crew"),
]
MODELS = ["SMA Sunny 100", "Huawei SUN2000", "Fronius Tauro", "ABB PVS-175"]
ISSUES = ["fan failure", "ground fault", "firmware update", "IGBT replacement", "cleaning"]

DDL = """
CREATE TABLE farms (farm_id INTEGER PRIMARY KEY, farm_name VARCHAR, region VARCHAR,
  capacity_mw DECIMAL(5, 1), commissioned_on DATE);
CREATE TABLE technicians (technician_id INTEGER PRIMARY KEY, technician_name VARCHAR,
  crew VARCHAR);
CREATE TABLE inverters (inverter_id INTEGER PRIMARY KEY,
  farm_id INTEGER REFERENCES farms(farm_id), model VARCHAR, rated_kw INTEGER, installed_on DATE);
CREATE TABLE daily_output (output_id INTEGER PRIMARY KEY,
  farm_id INTEGER REFERENCES farms(farm_id), reading_date DATE, energy_mwh DECIMAL(7, 2),
  peak_kw INTEGER);
CREATE TABLE maintenance_jobs (job_id INTEGER PRIMARY KEY,
  inverter_id INTEGER REFERENCES inverters(inverter_id),
  technician_id INTEGER REFERENCES technicians(technician_id), issue VARCHAR, opened_on DATE,
  closed_on DATE, cost_eur DECIMAL(8, 2));
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(4409)
    inverters = []
    iid = 0
    for farm in FARMS:
        for _ in range(max(2, int(float(farm[3]) / 4))):
            iid += 1
            inverters.append(
                (iid, farm[0], rng.choice(MODELS), rng.choice([100, 175, 215]), farm[4])
            )
    output = []
    oid = 0
    start = NOW - dt.timedelta(days=200)
    for farm in FARMS:
        day = max(start, farm[4])
        while day < NOW:
            oid += 1
            season = 0.75 + 0.25 * (day.timetuple().tm_yday / 366)
            mwh = round(float(farm[3]) * 5.2 * season * rng.uniform(0.35, 1.0), 2)
            output.append(
                (oid, farm[0], day, mwh, int(float(farm[3]) * 1000 * rng.uniform(0.6, 0.95)))
            )
            day += dt.timedelta(days=1)
    jobs = []
    old = [inv for inv in inverters if inv[1] != 8]
    for i in range(1, 421):
        inv = rng.choice(old)
        opened = NOW - dt.timedelta(days=int(700 * rng.random() ** 1.3) + 1)
        closed = opened + dt.timedelta(days=rng.randint(0, 20))
        if closed >= NOW or rng.random() < 0.04:
            closed = None
        jobs.append(
            (
                i,
                inv[0],
                rng.choice(TECHS)[0],
                rng.choice(ISSUES),
                opened,
                closed,
                round(rng.uniform(80, 4200), 2),
            )
        )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "farms", FARMS)
        _insert(con, "technicians", TECHS)
        _insert(con, "inverters", inverters)
        _insert(con, "daily_output", output)
        _insert(con, "maintenance_jobs", jobs)
    finally:
        con.close()
