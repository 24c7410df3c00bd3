"""Arable farm cooperative: farms, fields, crops, plantings (with harvest yields), field tasks and
soil sensor readings. Abbreviated camelCase names without a table prefix (fld.areaHa,
plnt.yldTons, snsrRdg.moistPct), no declared keys.

Field names repeat across farms (two "North Meadow"s, three "Ten Acre"s); the two largest fields
tie on area. Dates run up to the eval's now (2026-06-17 10:00); crops sown this spring have no
harvest yet.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
FARMS = [
    (1, "Hillside Farm", "Yorkshire"),
    (2, "Brookvale", "Lincolnshire"),
    (3, "Oakridge Estate", "Norfolk"),
    (4, "Willow Bank", "Norfolk"),
]
CROPS = [
    ("WHT", "Winter wheat", "Cereal", 8.5),
    ("BAR", "Spring barley", "Cereal", 6.0),
    ("OSR", "Oilseed rape", "Brassica", 3.5),
    ("BEA", "Field beans", "Legume", 4.2),
    ("POT", "Potatoes", "Root", 42.0),
    ("SUG", "Sugar beet", "Root", 75.0),
    ("MAI", "Maize", "Cereal", 40.0),
]
SOILS = ["Clay", "Loam", "Sandy loam", "Silt", "Peat"]

DDL = """
CREATE TABLE farm (farmId INTEGER, farmNm VARCHAR, cntyNm VARCHAR);
CREATE TABLE fld (fldId INTEGER, farmId INTEGER, fldNm VARCHAR, areaHa DOUBLE, soilTyp VARCHAR,
  irrigFlg BOOLEAN);
CREATE TABLE crop (cropCd VARCHAR, cropNm VARCHAR, cropFam VARCHAR, expYldTonsHa DOUBLE);
CREATE TABLE plnt (plntId INTEGER, fldId INTEGER, cropCd VARCHAR, sowDt DATE, hrvDt DATE,
  yldTons DOUBLE, seedCostAmt DECIMAL(10, 2));
CREATE TABLE fldTask (taskId INTEGER, fldId INTEGER, taskTyp VARCHAR, taskDt DATE,
  hrsQty DOUBLE, costAmt DECIMAL(10, 2), opNm VARCHAR);
CREATE TABLE snsrRdg (rdgId INTEGER, fldId INTEGER, rdgTs TIMESTAMP, moistPct DOUBLE,
  soilTempC DOUBLE);
"""
NAMES = [
    "North Meadow",
    "Long Acre",
    "Top Field",
    "Mill Piece",
    "Church Close",
    "Ten Acre",
    "River Field",
    "Barn Field",
    "Far Ley",
    "Home Field",
    "Windmill Hill",
    "Low Moor",
]


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3535)
    fields = []
    for i in range(1, 29):
        farm = FARMS[(i - 1) % 4]
        name = NAMES[(i * 5) % len(NAMES)]
        if name == "North Meadow" and i not in (3, 17):
            name = "South Meadow"
        if i in (3, 17):
            name = "North Meadow"
        area = round(rng.uniform(4, 38), 1)
        fields.append((i, farm[0], name, area, rng.choice(SOILS), rng.random() < 0.3))
    fields[5] = (*fields[5][:3], 41.5, *fields[5][4:])
    fields[10] = (*fields[10][:3], 41.5, *fields[10][4:])
    plantings = []
    for f in fields[:26]:  # fields 27 and 28 are fallow: never planted
        for year in (2023, 2024, 2025, 2026):
            c = rng.choices(CROPS, [5, 3, 2, 2, 1, 1, 1])[0]
            winter = c[0] in ("WHT", "OSR")
            sow = dt.date(year - 1 if winter else year, 10 if winter else 3, 1) + dt.timedelta(
                days=rng.randint(0, 40)
            )
            hrv = dt.date(
                year, 8 if c[0] in ("WHT", "BAR", "OSR", "BEA") else 10, 1
            ) + dt.timedelta(days=rng.randint(0, 40))
            if hrv > NOW.date():
                hrv, yld = None, None
            else:
                yld = round(f[3] * c[3] * rng.uniform(0.75, 1.2), 1)
            plantings.append(
                (
                    len(plantings) + 1,
                    f[0],
                    c[0],
                    sow,
                    hrv,
                    yld,
                    round(f[3] * rng.uniform(60, 220), 2),
                )
            )
    tasks = []
    for i in range(1, 1201):
        f = rng.choice(fields)
        day = (NOW - dt.timedelta(days=int(900 * rng.random() ** 1.2))).date()
        typ = rng.choices(
            ["Ploughing", "Drilling", "Spraying", "Fertilising", "Harvesting", "Hedge cutting"],
            [2, 2, 4, 3, 2, 1],
        )[0]
        hrs = round(f[3] * rng.uniform(0.1, 0.5), 1)
        tasks.append(
            (
                i,
                f[0],
                typ,
                day,
                hrs,
                round(hrs * rng.uniform(35, 90), 2),
                rng.choice(["J. Hardy", "M. Okoro", "S. Lewis", "Contractor"]),
            )
        )
    readings = []
    for f in fields:
        if not f[5] and f[0] % 3:
            continue  # sensors only on irrigated fields and every third field
        t = NOW - dt.timedelta(days=120)
        while t < NOW:
            readings.append(
                (
                    len(readings) + 1,
                    f[0],
                    t,
                    round(rng.uniform(12, 45), 1),
                    round(
                        8
                        + 10 * (t - (NOW - dt.timedelta(days=120))).days / 120
                        + rng.uniform(-2, 2),
                        1,
                    ),
                )
            )
            t += dt.timedelta(hours=rng.choice([12, 24, 24]))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "farm", FARMS)
        _insert(con, "fld", fields)
        _insert(con, "crop", CROPS)
        _insert(con, "plnt", plantings)
        _insert(con, "fldTask", tasks)
        _insert(con, "snsrRdg", readings)
    finally:
        con.close()
