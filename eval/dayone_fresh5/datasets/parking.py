"""Car park operator: lots, customer accounts, registered vehicles, parking sessions, penalty
fines and enforcement officers (abbreviated camelCase, `pk` prefix, no declared keys).

Deterministic (seeded `random.Random`). Keys are matched by value only: `pkSess.lotRef` ->
`pkLot.lotId`, `pkSess.vehPlt` -> `pkVeh.plateNo` (visitors' plates are in no vehicle row),
`pkVeh.acctRef` -> `pkAcct.acctNo`, `pkAcct.refBy` -> `pkAcct.acctNo` (self-reference),
`pkFine.sessRef` -> `pkSess.sessId`, and fines point at officers twice (`issBy` issued it,
`rvwBy` reviewed an appeal, NULL when not appealed). Two lots are called "Station Car Park"
(Leeds and York); two lots tie on spaces at a top-3 cut-off. Open sessions have NULL `extTs` and
`amtPd`; unpaid fines have NULL `pdDt`; fines issued in the last four weeks fall due after the
eval's now (2026-06-17), and the Park & Ride opens after now and has no session. One officer
never issued a fine and some registered vehicles never parked.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
D = dt.date
# (lotId, lotNm, cty, spcCnt, hrlyRt, opnDt)
LOTS = [
    (1, "Station Car Park", "Leeds", 420, 2.50, D(2009, 4, 1)),
    (2, "Station Car Park", "York", 180, 2.20, D(2012, 7, 1)),
    (3, "Trinity Multi-Storey", "Leeds", 650, 3.00, D(2016, 3, 14)),
    (4, "Minster Yard", "York", 90, 3.20, D(2018, 5, 1)),
    (5, "Riverside Surface Lot", "Leeds", 120, 1.50, D(2014, 9, 1)),
    (6, "Valley Gardens", "Harrogate", 180, 1.80, D(2020, 4, 6)),
    (7, "Park & Ride North", "Leeds", 150, 1.00, D(2026, 6, 29)),
]
LOT_WEIGHTS = [22, 20, 30, 12, 9, 7, 0]
# (acctNo, acctNm, acctTyp, crtDt, refBy)
ACCOUNTS = [
    ("A1001", "Sarah Thompson", "PER", D(2021, 3, 2), None),
    ("A1002", "Oakfield Builders Ltd", "BUS", D(2021, 6, 11), "A1001"),
    ("A1003", "James Patel", "PER", D(2022, 1, 19), None),
    ("A1004", "Northern Dental Group", "BUS", D(2022, 2, 7), "A1003"),
    ("A1005", "Emma Walsh", "PER", D(2022, 8, 30), "A1001"),
    ("A1006", "Leeds City Couriers", "BUS", D(2023, 1, 4), None),
    ("A1007", "Mohammed Ali", "PER", D(2023, 5, 22), "A1003"),
    ("A1008", "Chloe Harris", "PER", D(2023, 9, 9), None),
    ("A1009", "York Minster Tours", "BUS", D(2024, 2, 14), "A1006"),
    ("A1010", "Daniel Brooks", "PER", D(2024, 6, 3), "A1008"),
    ("A1011", "Sophie Clarke", "PER", D(2025, 1, 27), None),
    ("A1012", "Harrogate Spa Hotels", "BUS", D(2025, 4, 1), "A1002"),
    ("A1013", "Liam O'Connor", "PER", D(2025, 11, 12), "A1010"),
    ("A1014", "Grace Kim", "PER", D(2026, 2, 2), None),
]
# (plateNo, acctRef, mk, fuelTyp)
VEHICLES = [
    ("LS21 ABC", "A1001", "Toyota", "HYBRID"),
    ("LS68 KTR", "A1002", "Ford", "DIESEL"),
    ("LS70 BLD", "A1002", "Ford", "DIESEL"),
    ("YK19 OAK", "A1002", "Mercedes", "DIESEL"),
    ("LS22 JPT", "A1003", "Tesla", "EV"),
    ("LS17 DNT", "A1004", "Volkswagen", "PETROL"),
    ("LS23 DNT", "A1004", "Kia", "EV"),
    ("LS16 EMW", "A1005", "Mini", "PETROL"),
    ("LS72 CUR", "A1006", "Renault", "EV"),
    ("LS73 CUR", "A1006", "Renault", "EV"),
    ("LS18 CUR", "A1006", "Peugeot", "DIESEL"),
    ("LS20 MAL", "A1007", "BMW", "PETROL"),
    ("YK71 CHH", "A1008", "Nissan", "EV"),
    ("YK15 TRS", "A1009", "Iveco", "DIESEL"),
    ("YK22 TRS", "A1009", "Mercedes", "DIESEL"),
    ("LS14 DBR", "A1010", "Honda", "HYBRID"),
    ("YK24 SPH", "A1011", "Hyundai", "EV"),
    ("HG21 SPA", "A1012", "Audi", "PETROL"),
    ("HG74 SPA", "A1012", "Audi", "HYBRID"),
    ("LS75 LOC", "A1013", "Skoda", "PETROL"),
    ("LS26 GKM", "A1014", "MG", "EV"),
]
NEVER_PARKED = {"HG74 SPA", "LS26 GKM", "YK15 TRS"}
# (ofcrId, ofcrNm, bdgNo)
OFFICERS = [
    (1, "Ryan Hughes", "CEO-114"),
    (2, "Priya Shah", "CEO-127"),
    (3, "Kevin Doyle", "CEO-131"),
    (4, "Fatima Noor", "CEO-140"),
    (5, "Ben Carter", "CEO-152"),
]
VISITOR_PLATES = [
    f"{a}{n} {b}"
    for a, n, b in zip(
        ["LS", "YK", "HG", "BD", "WF"] * 6, range(10, 40), ["VIS", "GST", "TMP"] * 10, strict=False
    )
]


def _sessions(rng: random.Random) -> list[tuple[object, ...]]:
    plates = [v[0] for v in VEHICLES if v[0] not in NEVER_PARKED]
    rows: list[tuple[object, ...]] = []
    day = dt.date(2026, 1, 5)
    while day < NOW.date():
        for _ in range(rng.choice([1, 2, 2, 3])):
            lot = rng.choices(LOTS, weights=LOT_WEIGHTS)[0]
            plate = rng.choice(plates) if rng.random() < 0.6 else rng.choice(VISITOR_PLATES)
            start = dt.datetime.combine(day, dt.time(rng.randint(6, 17), rng.choice([0, 20, 40])))
            hours = rng.choice([0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6])
            end = start + dt.timedelta(hours=hours)
            paid = round(math.ceil(hours) * float(lot[4]), 2)
            rows.append((len(rows) + 1, lot[0], plate, start, end, paid))
        day += dt.timedelta(days=1)
    for lot, plate, hh, mm in [
        (3, "LS22 JPT", 7, 10),
        (1, "LS68 KTR", 7, 45),
        (3, "BD17 VIS", 8, 30),
        (4, "YK71 CHH", 9, 5),
    ]:
        start = dt.datetime.combine(NOW.date(), dt.time(hh, mm))
        rows.append((len(rows) + 1, lot, plate, start, None, None))
    return rows


def _fines(rng: random.Random, sessions: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    closed = [s for s in sessions if s[4] is not None]
    picked = sorted(rng.sample(closed, 30), key=lambda s: s[0])
    rows: list[tuple[object, ...]] = []
    for n, sess in enumerate(picked, start=1):
        issued = sess[4].date()  # type: ignore[union-attr]
        due = issued + dt.timedelta(days=28)
        appealed = n % 5 == 0
        reviewer = (2 if n % 10 == 0 else 3) if appealed else None
        issuer = [1, 2, 2, 3, 4][n % 5]
        amount = rng.choice([50, 70, 70, 100])
        paid_on = None
        if rng.random() < 0.55:
            paid_on = issued + dt.timedelta(days=rng.randint(3, 27))
            if paid_on >= NOW.date():
                paid_on = None
        rows.append((f"PCN{n:04d}", sess[0], issuer, reviewer, issued, due, amount, paid_on))
    return rows


DDL = """
CREATE TABLE pkLot (lotId INTEGER, lotNm VARCHAR, cty VARCHAR, spcCnt INTEGER,
  hrlyRt DECIMAL(5,2), opnDt DATE);
CREATE TABLE pkAcct (acctNo VARCHAR, acctNm VARCHAR, acctTyp VARCHAR, crtDt DATE, refBy VARCHAR);
CREATE TABLE pkVeh (plateNo VARCHAR, acctRef VARCHAR, mk VARCHAR, fuelTyp VARCHAR);
CREATE TABLE pkOfcr (ofcrId INTEGER, ofcrNm VARCHAR, bdgNo VARCHAR);
CREATE TABLE pkSess (sessId INTEGER, lotRef INTEGER, vehPlt VARCHAR, entTs TIMESTAMP,
  extTs TIMESTAMP, amtPd DECIMAL(8,2));
CREATE TABLE pkFine (fineNo VARCHAR, sessRef INTEGER, issBy INTEGER, rvwBy INTEGER, issDt DATE,
  dueDt DATE, fineAmt DECIMAL(8,2), pdDt DATE);
"""


def build(path: str) -> None:
    rng = random.Random(5103)
    sessions = _sessions(rng)
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "pkLot", LOTS)
        _insert(con, "pkAcct", ACCOUNTS)
        _insert(con, "pkVeh", VEHICLES)
        _insert(con, "pkOfcr", OFFICERS)
        _insert(con, "pkSess", sessions)
        _insert(con, "pkFine", _fines(rng, sessions))
    finally:
        con.close()
