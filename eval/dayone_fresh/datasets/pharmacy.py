"""Retail pharmacy chain: stores, drugs, patients, prescribers and prescription fills.
Abbreviated camelCase with an `rx` prefix on every table, no declared keys.

Two patients are named "Linda Park"; two drugs tie on unit price. Fills run up to the eval's now
(2026-06-17 10:00).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
STORES = [
    (1, "Main St Pharmacy", "Portland", "OR"),
    (2, "Pearl District", "Portland", "OR"),
    (3, "Eastside", "Salem", "OR"),
    (4, "Riverfront", "Vancouver", "WA"),
    (5, "Uptown", "Seattle", "WA"),
    (6, "Lakeview", "Seattle", "WA"),
]
DRUGS = [
    ("ATV20", "Atorvastatin 20mg", "Statin", 0.45, True),
    ("LIS10", "Lisinopril 10mg", "ACE inhibitor", 0.30, True),
    ("MET500", "Metformin 500mg", "Antidiabetic", 0.25, True),
    ("AMX500", "Amoxicillin 500mg", "Antibiotic", 0.60, True),
    ("SRT50", "Sertraline 50mg", "Antidepressant", 0.55, True),
    ("IBU200", "Ibuprofen 200mg", "NSAID", 0.08, False),
    ("LOR10", "Loratadine 10mg", "Antihistamine", 0.20, False),
    ("INS100", "Insulin Glargine 100U/mL", "Antidiabetic", 9.80, True),
    ("ALB90", "Albuterol Inhaler", "Bronchodilator", 9.80, True),
    ("OME20", "Omeprazole 20mg", "PPI", 0.35, True),
    ("WAR5", "Warfarin 5mg", "Anticoagulant", 0.40, True),
]
PRESCRIBERS = [
    (1, "Dr. Alan Reyes", "Family Medicine"),
    (2, "Dr. Beth Moore", "Cardiology"),
    (3, "Dr. Carl Osei", "Endocrinology"),
    (4, "Dr. Dana Whit", "Psychiatry"),
    (5, "Dr. Erik Lund", "Pediatrics"),
    (6, "Dr. Fay Chen", "Family Medicine"),
]
FIRST = [
    "Linda",
    "Robert",
    "Susan",
    "James",
    "Karen",
    "Luis",
    "Ngozi",
    "Hiro",
    "Olga",
    "Tim",
    "Amira",
    "Grace",
]
LAST = ["Park", "Miller", "Lopez", "Singh", "Baker", "Ito", "Adams", "Kowal", "Grant"]
PLANS = ["Medicare", "Medicaid", "Commercial", "Cash"]

DDL = """
CREATE TABLE rxStore (storeNo INTEGER, storeNm VARCHAR, city VARCHAR, stateCd VARCHAR);
CREATE TABLE rxDrug (drugCd VARCHAR, drugNm VARCHAR, drugCls VARCHAR, unitPrc DECIMAL(8, 2),
  rxOnlyFlg BOOLEAN);
CREATE TABLE rxPatient (patNo INTEGER, patNm VARCHAR, birthDt DATE, insPlan VARCHAR,
  homeStoreNo INTEGER);
CREATE TABLE rxPrescriber (prscNo INTEGER, prscNm VARCHAR, spclty VARCHAR);
CREATE TABLE rxFill (fillNo INTEGER, patNo INTEGER, drugCd VARCHAR, prscNo INTEGER,
  storeNo INTEGER, fillTs TIMESTAMP, qty INTEGER, daysSupply INTEGER, copayAmt DECIMAL(8, 2),
  refillNo INTEGER);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3131)
    pats = []
    for i in range(1, 501):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Linda Park":
            name = "Linda Baker"
        if i in (9, 377):
            name = "Linda Park"
        pats.append(
            (
                i,
                name,
                dt.date(rng.randint(1935, 2022), rng.randint(1, 12), rng.randint(1, 28)),
                rng.choice(PLANS),
                rng.choices(STORES, [4, 2, 3, 2, 3, 0])[0][0],
            )
        )
    fills = []
    rx_drugs = [d for d in DRUGS if d[0] != "WAR5"]  # warfarin is stocked but never dispensed
    for i in range(1, 3001):
        p = pats[int(470 * rng.random() ** 1.2)]  # patients 471..500 never filled anything
        d = rng.choices(rx_drugs, [5, 5, 5, 3, 3, 2, 2, 1, 2, 4])[0]
        prsc = rng.choice(PRESCRIBERS)[0] if d[4] else None
        store = p[4] if rng.random() < 0.85 else rng.choice(STORES[:5])[0]
        ts = NOW - dt.timedelta(minutes=int(500 * 1440 * rng.random() ** 1.3) + 3)
        supply = rng.choice([30, 30, 90]) if d[4] else rng.choice([10, 30])
        qty = supply if d[0] not in ("INS100", "ALB90") else rng.choice([1, 2, 3])
        copay = round(
            rng.choice([0, 5, 10, 15, 25]) * (0 if p[3] == "Medicaid" else 1)
            + (float(d[3]) * qty if p[3] == "Cash" else 0),
            2,
        )
        fills.append((i, p[0], d[0], prsc, store, ts, qty, supply, copay, rng.randint(0, 5)))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "rxStore", STORES)
        _insert(con, "rxDrug", DRUGS)
        _insert(con, "rxPatient", pats)
        _insert(con, "rxPrescriber", PRESCRIBERS)
        _insert(con, "rxFill", fills)
    finally:
        con.close()
