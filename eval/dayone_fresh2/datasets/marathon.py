"""Road-race series: races, runners, results and sponsorships (abbreviated camelCase columns,
`rc_` prefix, no declared keys).

Deterministic (seeded `random.Random`). Two runners are both called "Daniel Kim" (different clubs
and countries); races 3 and 6 tie on the highest entry fee. Races 9 and 10 are scheduled after
the eval's now (2026-06-17) and have no results yet; runners who did not finish have
`finishSecs` NULL and no `placeNo`. Runners 391..400 registered but never raced.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

RACES = [
    (1, "Harbour Half", "Portsmouth", dt.date(2025, 3, 16), 21.1, 45.0),
    (2, "Riverside 10K", "Bristol", dt.date(2025, 5, 11), 10.0, 25.0),
    (3, "City Marathon", "Leeds", dt.date(2025, 9, 21), 42.2, 85.0),
    (4, "Autumn Trail 15", "York", dt.date(2025, 10, 26), 15.0, 30.0),
    (5, "New Year 5K", "Bristol", dt.date(2026, 1, 1), 5.0, 15.0),
    (6, "Spring Marathon", "Manchester", dt.date(2026, 4, 19), 42.2, 85.0),
    (7, "Moorland Half", "York", dt.date(2026, 5, 17), 21.1, 40.0),
    (8, "Midsummer 10K", "Leeds", dt.date(2026, 6, 14), 10.0, 28.0),
    (9, "Coastal Half", "Portsmouth", dt.date(2026, 7, 12), 21.1, 45.0),
    (10, "Harvest 10K", "Bristol", dt.date(2026, 9, 27), 10.0, 25.0),
]
FIRST = ["Daniel", "Emma", "James", "Sophie", "Ahmed", "Chloe", "Ryan", "Hannah", "Tariq", "Megan"]
LAST = ["Kim", "Taylor", "Evans", "Hussain", "Clarke", "Murray", "Shah", "Lewis", "Price", "Byrne"]
CLUBS = ["Leeds Striders", "Bristol Harriers", "York Acorn", "Solent AC", None]
COUNTRIES = ["UK", "UK", "UK", "Ireland", "Kenya", "South Korea", "Spain"]
SPONSORS = ["Stridewell", "Hydra Drinks", "Northbank", "PeakFit", "Volt Energy"]
PACE = {5.0: 1.0, 10.0: 1.0, 15.0: 1.03, 21.1: 1.05, 42.2: 1.12}

DDL = """
CREATE TABLE rc_race (raceId INTEGER, raceNm VARCHAR, city VARCHAR, raceDt DATE,
  distKm DECIMAL(4, 1), entryFee DECIMAL(6, 2));
CREATE TABLE rc_runner (runnerId INTEGER, fullNm VARCHAR, gender VARCHAR, birthYr INTEGER,
  clubNm VARCHAR, country VARCHAR, regDt DATE);
CREATE TABLE rc_result (resId INTEGER, raceId INTEGER, runnerId INTEGER, bibNo INTEGER,
  finishSecs INTEGER, placeNo INTEGER);
CREATE TABLE rc_sponsorship (spId INTEGER, raceId INTEGER, sponsorNm VARCHAR, amt DECIMAL(9, 2),
  tierCd VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(7723)
    runners = []
    for i in range(1, 401):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Daniel Kim":
            name = "Daniel Byrne"
        club, country = rng.choice(CLUBS), rng.choice(COUNTRIES)
        if i == 21:
            name, club, country = "Daniel Kim", "Leeds Striders", "UK"
        if i == 260:
            name, club, country = "Daniel Kim", None, "South Korea"
        reg = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 420))
        runners.append(
            (i, name, rng.choice(["F", "M"]), rng.randint(1955, 2007), club, country, reg)
        )
    ability = {r[0]: rng.uniform(0.8, 1.5) for r in runners}
    results = []
    rid = 0
    for race in RACES[:8]:
        field = rng.sample(range(1, 391), rng.randint(90, 220))
        rows = []
        for bib, runner in enumerate(field, start=1):
            dist = float(race[4])
            secs = int(dist * 240 * ability[runner] * PACE[dist] * rng.uniform(0.95, 1.08))
            if rng.random() < (0.08 if dist > 40 else 0.02):
                secs = None
            rows.append([runner, 1000 + bib, secs])
        finishers = sorted((r for r in rows if r[2] is not None), key=lambda r: r[2])
        place = {id(r): n for n, r in enumerate(finishers, start=1)}
        for r in rows:
            rid += 1
            results.append((rid, race[0], r[0], r[1], r[2], place.get(id(r))))
    sponsorships = []
    sid = 0
    for race in RACES:
        for sponsor in rng.sample(SPONSORS, rng.randint(1, 3)):
            sid += 1
            tier = rng.choice(["GOLD", "SILVER", "BRONZE"])
            amt = {"GOLD": 20000, "SILVER": 8000, "BRONZE": 2500}[tier] * rng.choice([1, 1.5, 2])
            sponsorships.append((sid, race[0], sponsor, amt, tier))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "rc_race", RACES)
        _insert(con, "rc_runner", runners)
        _insert(con, "rc_result", results)
        _insert(con, "rc_sponsorship", sponsorships)
    finally:
        con.close()
