"""Commercial print shop: business customers, staff, presses, paper stock and print jobs (`tbl`
prefix, abbreviated PascalCase columns, no declared keys: `tblJob.CustNo` -> `tblCust.CustNo`,
`tblJob.PressID` -> `tblPress.PressID`, `tblJob.PaperCd` -> `tblPaper.PaperCd`, and
`tblJob.QuotedBy` / `tblJob.ProofedBy` both -> `tblEmp.EmpID`).

Deterministic (seeded `random.Random`). Two customers are both called "Acme Events" (one in
Manchester, one in Bolton); `CrLmt` is NULL for prepaid customers without credit; `ProofedBy` is
NULL when nobody proofed the job; `CompDt` is NULL while a job is still open and `DueDt` runs
after the eval's now (2026-06-17) for open jobs. One press has never run a job, two customers
never ordered and one paper stock was never used. Two presses tie on speed at a top-3 cut-off.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
TODAY = NOW.date()
# EmpID, EmpNm, Role, StrtDt
STAFF = [
    (1, "Gail Porter", "Account manager", dt.date(2016, 2, 1)),
    (2, "Dev Mistry", "Account manager", dt.date(2019, 5, 13)),
    (3, "Ellie Shaw", "Estimator", dt.date(2021, 9, 6)),
    (4, "Ray Dunn", "Prepress", dt.date(2015, 1, 5)),
    (5, "Tasha Bloom", "Prepress", dt.date(2022, 3, 14)),
    (6, "Colin Reeve", "Press operator", dt.date(2017, 7, 3)),
]
QUOTERS = [1, 2, 3]
PROOFERS = [4, 5, 1]
# PressID, PressNm, Kind, MaxShtHr
PRESSES = [
    (1, "Heidelberg SM52", "Offset", 15000),
    (2, "Komori Lithrone", "Offset", 16000),
    (3, "Xerox Iridesse", "Digital", 7000),
    (4, "HP Indigo 12K", "Digital", 4600),
    (5, "Canon Colorado", "Large format", 200),
    (6, "Ricoh Pro C9500", "Digital", 7000),
]
IDLE_PRESS = 6
# PaperCd, PaperDesc, Gsm, CostPerSht
PAPERS = [
    ("SLK130", "Silk 130gsm", 130, 0.045),
    ("SLK350", "Silk 350gsm", 350, 0.12),
    ("UNC100", "Uncoated 100gsm", 100, 0.03),
    ("REC120", "Recycled 120gsm", 120, 0.05),
    ("GLS170", "Gloss 170gsm", 170, 0.06),
    ("VIN440", "Vinyl banner 440gsm", 440, 2.40),
    ("PRL300", "Pearlescent 300gsm", 300, 0.35),
]
UNUSED_PAPER = "PRL300"
# CustNo, CoName, Town, Sector, CrLmt, AcctOpnDt
CUSTOMERS = [
    (1001, "Acme Events", "Manchester", "Events", 5000.0, dt.date(2019, 4, 1)),
    (1002, "Rowan & Hale Solicitors", "Manchester", "Legal", 8000.0, dt.date(2018, 11, 20)),
    (1003, "Bolt Fitness", "Salford", "Leisure", None, dt.date(2023, 1, 10)),
    (1004, "Greenleaf Cafe", "Stockport", "Hospitality", None, dt.date(2024, 6, 3)),
    (1005, "Mersey Property Group", "Manchester", "Property", 12000.0, dt.date(2017, 3, 15)),
    (1006, "Acme Events", "Bolton", "Events", 2000.0, dt.date(2022, 8, 8)),
    (1007, "Northern Arts Trust", "Salford", "Charity", 3000.0, dt.date(2020, 2, 2)),
    (1008, "Pixel Forge Studio", "Manchester", "Creative", 4000.0, dt.date(2021, 10, 1)),
    (1009, "Halden Motors", "Stockport", "Retail", 6000.0, dt.date(2019, 9, 9)),
    (1010, "St Aidan's Parish", "Bolton", "Charity", None, dt.date(2025, 3, 1)),
    (1011, "Kite Marketing", "Manchester", "Creative", 5000.0, dt.date(2020, 6, 30)),
    (1012, "Urban Nest Lettings", "Salford", "Property", None, dt.date(2024, 9, 12)),
    (1013, "Copper Kettle Bakehouse", "Stockport", "Hospitality", None, dt.date(2025, 11, 4)),
    (1014, "Lowry Dance School", "Salford", "Leisure", 1500.0, dt.date(2021, 1, 18)),
    (1015, "Brindle Books", "Bolton", "Retail", 2500.0, dt.date(2023, 5, 22)),
    (1016, "Orbit Tech Expo", "Manchester", "Events", 10000.0, dt.date(2026, 5, 28)),
]
NO_JOBS = (1013, 1016)
PRODUCTS = [
    ("Flyers", [1, 2, 3], ["SLK130", "GLS170", "UNC100", "REC120"], (500, 10000), 0.06),
    ("Business cards", [3, 4], ["SLK350"], (250, 2000), 0.09),
    ("Brochures", [1, 2, 3], ["SLK130", "GLS170"], (250, 5000), 0.45),
    ("Banners", [5], ["VIN440"], (1, 6), 38.0),
    ("Posters", [3, 4, 5], ["GLS170", "SLK130"], (10, 300), 1.8),
    ("Letterheads", [1, 4], ["UNC100", "REC120"], (500, 5000), 0.07),
]


def _jobs(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    buyers = [c[0] for c in CUSTOMERS if c[0] not in NO_JOBS]
    weights = [4, 4, 3, 3, 6, 4, 3, 7, 3, 2, 6, 2, 3, 2]
    start = dt.date(2025, 1, 6)
    for no in range(24001, 24281):
        ordered = start + dt.timedelta(days=rng.randint(0, (TODAY - start).days))
        while ordered.weekday() >= 5:
            ordered -= dt.timedelta(days=1)
        product, presses, papers, (lo, hi), unit = rng.choice(PRODUCTS)
        qty = rng.randint(lo, hi)
        if hi > 100:
            qty = max(lo, round(qty, -2))
        total = round(qty * unit * rng.uniform(0.9, 1.15) + 25, 2)
        due = ordered + dt.timedelta(days=rng.randint(3, 15))
        completed: dt.date | None = ordered + dt.timedelta(days=rng.randint(1, 14))
        if completed is not None and completed >= TODAY:
            completed = None
        proofer = rng.choice(PROOFERS) if rng.random() < 0.8 else None
        rows.append(
            (
                no,
                rng.choices(buyers, weights)[0],
                rng.choice(QUOTERS),
                proofer,
                rng.choice(presses),
                rng.choice(papers),
                product,
                qty,
                total,
                ordered,
                due,
                completed,
            )
        )
    return rows


def build(path: str) -> None:
    rng = random.Random(5150)
    con = duckdb.connect(path)
    con.execute(
        "CREATE TABLE tblCust (CustNo INTEGER, CoName VARCHAR, Town VARCHAR, Sector VARCHAR,"
        " CrLmt DECIMAL(10,2), AcctOpnDt DATE)"
    )
    con.execute("CREATE TABLE tblEmp (EmpID INTEGER, EmpNm VARCHAR, Role VARCHAR, StrtDt DATE)")
    con.execute(
        "CREATE TABLE tblPress (PressID INTEGER, PressNm VARCHAR, Kind VARCHAR, MaxShtHr INTEGER)"
    )
    con.execute(
        "CREATE TABLE tblPaper (PaperCd VARCHAR, PaperDesc VARCHAR, Gsm INTEGER,"
        " CostPerSht DECIMAL(8,3))"
    )
    con.execute(
        "CREATE TABLE tblJob (JobNo INTEGER, CustNo INTEGER, QuotedBy INTEGER, ProofedBy INTEGER,"
        " PressID INTEGER, PaperCd VARCHAR, ProdTyp VARCHAR, Qty INTEGER, JobTotAmt DECIMAL(10,2),"
        " OrdDt DATE, DueDt DATE, CompDt DATE)"
    )
    _insert(con, "tblCust", CUSTOMERS)
    _insert(con, "tblEmp", STAFF)
    _insert(con, "tblPress", PRESSES)
    _insert(con, "tblPaper", PAPERS)
    _insert(con, "tblJob", _jobs(rng))
    con.close()
