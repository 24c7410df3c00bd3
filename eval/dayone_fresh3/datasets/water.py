"""Water utility billing: districts, customer accounts, meters, meter readings and bills (`tbl`
prefix, PascalCase with abbreviations: `tblAcct.CustNm`, `tblRdg.UseM3`, `tblBill.AmtDue`; no
declared keys; `tblMtr.AcctRef` points at `tblAcct.AcctNo`).

Deterministic (seeded `random.Random`). Two accounts belong to customers both called "Robert
Hughes"; two districts tie on account count; bills with NULL `PaidDt` are unpaid; closed accounts
have `CloseDt`; a few new accounts have no meter and no bill yet. Readings and bills stop at the
eval's now (2026-06-17); some bills fall due after it.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
DISTRICTS = [
    ("NTH", "Northfield"),
    ("STH", "Southmere"),
    ("EST", "Eastbrook"),
    ("WST", "Westhaven"),
    ("CTR", "Central"),
    ("LKS", "Lakeside"),
]
SIZES = {"RES": [15, 15, 20], "COM": [20, 25, 40], "IND": [50, 80, 100]}
FIRST = [
    "Robert",
    "Linda",
    "James",
    "Patricia",
    "John",
    "Susan",
    "Michael",
    "Karen",
    "David",
    "Nancy",
    "Paul",
    "Helen",
    "Mark",
    "Sandra",
    "George",
    "Ruth",
]
LAST = [
    "Hughes",
    "Carter",
    "Bennett",
    "Collins",
    "Howard",
    "Ward",
    "Brooks",
    "Kelly",
    "Sanders",
    "Price",
    "Barnes",
    "Ross",
    "Henderson",
    "Coleman",
    "Jenkins",
]
STREETS = [
    "Mill Lane",
    "Oak Road",
    "High Street",
    "Station Road",
    "Church Walk",
    "Park Avenue",
    "Quarry Hill",
    "Canal Street",
    "Elm Grove",
    "Victoria Road",
]
BIZ = ["Laundry", "Bakery", "Car Wash", "Hotel", "Brewery", "Dairy", "Garden Centre", "Gym"]

DDL = """
CREATE TABLE tblDist (DistCd VARCHAR, DistNm VARCHAR);
CREATE TABLE tblAcct (AcctNo VARCHAR, CustNm VARCHAR, SvcAddr VARCHAR, DistCd VARCHAR,
  AcctTyp VARCHAR, OpenDt DATE, CloseDt DATE);
CREATE TABLE tblMtr (MtrNo VARCHAR, AcctRef VARCHAR, InstDt DATE, SizeMm INTEGER);
CREATE TABLE tblRdg (RdgId INTEGER, MtrNo VARCHAR, RdgDt DATE, UseM3 DECIMAL(10, 2));
CREATE TABLE tblBill (BillNo INTEGER, AcctNo VARCHAR, PerEnd DATE, IssueDt DATE, DueDt DATE,
  AmtDue DECIMAL(10, 2), PaidDt DATE);
"""

DIST_COUNTS = {"NTH": 70, "STH": 55, "EST": 55, "WST": 40, "CTR": 48, "LKS": 32}


def _month_ends(start: dt.date) -> list[dt.date]:
    out = []
    y, m = start.year, start.month
    while True:
        m += 1
        if m == 13:
            y, m = y + 1, 1
        end = dt.date(y, m, 1) - dt.timedelta(days=1)
        if end >= NOW:
            return out
        out.append(end)


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3404)
    accts = []
    n = 0
    for dist, count in DIST_COUNTS.items():
        for _ in range(count):
            n += 1
            typ = "RES" if rng.random() < 0.78 else ("COM" if rng.random() < 0.8 else "IND")
            if typ == "RES":
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                if name == "Robert Hughes":
                    name = "Robert Hayes"
            else:
                name = f"{rng.choice(LAST)} {rng.choice(BIZ)}"
            if n in (17, 203):
                name, typ = "Robert Hughes", "RES"
            addr = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
            opened = dt.date(2019, 1, 1) + dt.timedelta(days=int(2700 * rng.random() ** 0.8))
            if n in (88, 150, 260):
                opened = dt.date(2026, 6, rng.randint(2, 12))
            closed = None
            if rng.random() < 0.07 and opened < dt.date(2024, 1, 1):
                closed = opened + dt.timedelta(days=rng.randint(400, 1500))
                if closed >= NOW:
                    closed = None
            accts.append((f"W{100000 + n * 7}", name, addr, dist, typ, opened, closed))
    meters, rdgs, bills = [], [], []
    rate = {"RES": 2.35, "COM": 2.10, "IND": 1.85}
    base = {"RES": 12.0, "COM": 35.0, "IND": 90.0}
    use = {"RES": (4, 16), "COM": (20, 120), "IND": (200, 900)}
    rid = bid = 0
    for a in accts:
        if a[5] >= dt.date(2026, 6, 1):
            continue  # brand-new: no meter, no bill yet
        mtr = f"M{rng.randint(10, 99)}-{len(meters) + 1:04d}"
        meters.append((mtr, a[0], a[5], rng.choice(SIZES[a[4]])))
        start = max(a[5], dt.date(2024, 1, 1))
        for end in _month_ends(start):
            if a[6] is not None and end > a[6]:
                break
            lo, hi = use[a[4]]
            seasonal = 1.25 if end.month in (6, 7, 8) else 1.0
            m3 = round(rng.uniform(lo, hi) * seasonal, 2)
            rid += 1
            rdgs.append((rid, mtr, end, m3))
            bid += 1
            issued = end + dt.timedelta(days=rng.randint(3, 6))
            if issued > NOW:
                continue
            due = issued + dt.timedelta(days=21)
            amt = round(base[a[4]] + m3 * rate[a[4]], 2)
            paid = issued + dt.timedelta(days=int(rng.triangular(2, 45, 12)))
            if rng.random() < 0.04 or paid > NOW:
                paid = None
            bills.append((500000 + bid, a[0], end, issued, due, amt, paid))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "tblDist", DISTRICTS)
        _insert(con, "tblAcct", accts)
        _insert(con, "tblMtr", meters)
        _insert(con, "tblRdg", rdgs)
        _insert(con, "tblBill", bills)
    finally:
        con.close()
