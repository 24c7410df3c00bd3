"""Hospital admissions: patients, doctors, wards, admissions, diagnoses (lookup) and lab results.
Abbreviated camelCase names without a table prefix (patient.ptId, admission.admTs, ward.bedCnt),
no declared keys.

Two patients are called "Robert Brown"; two wards tie on bed count. Admissions run up to the
eval's now (2026-06-17 10:00); patients admitted recently may still be in hospital (dschTs NULL).
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
WARDS = [
    ("CAR", "Cardiology", 32, 3),
    ("ORT", "Orthopaedics", 28, 2),
    ("MAT", "Maternity", 24, 1),
    ("PED", "Paediatrics", 24, 1),
    ("ICU", "Intensive Care", 12, 4),
    ("GEN", "General Medicine", 40, 2),
    ("ONC", "Oncology", 20, 5),
]
DOCTORS = [
    (1, "Dr. Helena Ortiz", "Cardiology", 19, "CAR"),
    (2, "Dr. Sunil Rao", "Cardiology", 7, "CAR"),
    (3, "Dr. Mei Lin", "Orthopaedic Surgery", 12, "ORT"),
    (4, "Dr. Paul Grant", "Obstetrics", 22, "MAT"),
    (5, "Dr. Amara Obi", "Paediatrics", 9, "PED"),
    (6, "Dr. Jonas Weber", "Intensive Care", 15, "ICU"),
    (7, "Dr. Lucy Hall", "Internal Medicine", 4, "GEN"),
    (8, "Dr. Omar Aziz", "Internal Medicine", 22, "GEN"),
    (9, "Dr. Nina Petrov", "Oncology", 11, "ONC"),
]
DIAG = [
    ("I21", "Myocardial infarction", "CAR"),
    ("I50", "Heart failure", "CAR"),
    ("S72", "Hip fracture", "ORT"),
    ("M17", "Knee osteoarthritis", "ORT"),
    ("O80", "Normal delivery", "MAT"),
    ("J21", "Bronchiolitis", "PED"),
    ("A41", "Sepsis", "ICU"),
    ("J18", "Pneumonia", "GEN"),
    ("N39", "Urinary tract infection", "GEN"),
    ("C50", "Breast cancer", "ONC"),
    ("E11", "Type 2 diabetes", "GEN"),
]
FIRST = [
    "Robert",
    "Linda",
    "James",
    "Patricia",
    "Ahmed",
    "Grace",
    "Chen",
    "Fatima",
    "George",
    "Ivy",
    "Karl",
    "Rosa",
]
LAST = ["Brown", "Taylor", "Khan", "Evans", "Novak", "Murray", "Lewis", "Okafor", "Hughes"]

DDL = """
CREATE TABLE patient (ptId INTEGER, ptNm VARCHAR, dob DATE, sexCd VARCHAR, city VARCHAR,
  insTyp VARCHAR, regDt DATE);
CREATE TABLE doctor (drId INTEGER, drNm VARCHAR, spclty VARCHAR, yrsExp INTEGER,
  wardCd VARCHAR);
CREATE TABLE ward (wardCd VARCHAR, wardNm VARCHAR, bedCnt INTEGER, flrNo INTEGER);
CREATE TABLE diagnosis (diagCd VARCHAR, diagDesc VARCHAR, wardCd VARCHAR);
CREATE TABLE admission (admNo INTEGER, ptId INTEGER, drId INTEGER, wardCd VARCHAR,
  admTs TIMESTAMP, dschTs TIMESTAMP, diagCd VARCHAR, admTyp VARCHAR, costAmt DECIMAL(10, 2));
CREATE TABLE labResult (labNo INTEGER, admNo INTEGER, testCd VARCHAR, rsltVal DOUBLE,
  unitCd VARCHAR, collTs TIMESTAMP, abnFlg BOOLEAN);
"""
TESTS = [
    ("HGB", "g/dL", 9.0, 17.5, 12.0, 16.0),
    ("GLU", "mmol/L", 3.5, 16.0, 3.9, 7.8),
    ("CRP", "mg/L", 0.5, 180.0, 0.0, 10.0),
    ("WBC", "10^9/L", 2.5, 22.0, 4.0, 11.0),
]


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(1313)
    patients = []
    for i in range(1, 601):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "Robert Brown":
            name = "Robert Evans"
        if i in (77, 412):
            name = "Robert Brown"
        dob = dt.date(rng.randint(1935, 2025), rng.randint(1, 12), rng.randint(1, 28))
        reg = (NOW - dt.timedelta(days=int(3000 * rng.random() ** 1.3))).date()
        patients.append(
            (
                i,
                name,
                dob,
                rng.choice(["F", "M"]),
                rng.choice(["Bristol", "Bath", "Swindon", "Gloucester"]),
                rng.choices(["NHS", "Private", "Self-pay"], [8, 2, 1])[0],
                reg,
            )
        )
    adms, labs = [], []
    for i in range(1, 1501):
        p = patients[int(560 * rng.random() ** 1.15)]  # patients 561..600 never admitted
        diag = rng.choices(DIAG, [3, 3, 2, 2, 3, 2, 1, 4, 3, 2, 2])[0]
        ward = diag[2]
        dr = rng.choice([d for d in DOCTORS if d[4] == ward])
        adm = NOW - dt.timedelta(minutes=int(700 * 1440 * rng.random() ** 1.3) + 30)
        los = rng.expovariate(1 / (6 if ward in ("ICU", "ONC", "ORT") else 3))
        dsch = adm + dt.timedelta(hours=int(24 * los) + 4)
        if dsch > NOW:
            dsch = None
        cost = round((1200 + 900 * los) * (2.5 if ward == "ICU" else 1), 2)
        adms.append(
            (
                i,
                p[0],
                dr[0],
                ward,
                adm,
                dsch,
                diag[0],
                rng.choices(["Emergency", "Elective", "Transfer"], [5, 4, 1])[0],
                cost,
            )
        )
        for _ in range(rng.randint(0, 3)):
            t = rng.choice(TESTS)
            val = round(rng.uniform(t[2], t[3]), 1)
            coll = adm + dt.timedelta(hours=rng.randint(1, 30))
            if coll <= NOW:
                labs.append((len(labs) + 1, i, t[0], val, t[1], coll, not t[4] <= val <= t[5]))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "patient", patients)
        _insert(con, "doctor", DOCTORS)
        _insert(con, "ward", WARDS)
        _insert(con, "diagnosis", DIAG)
        _insert(con, "admission", adms)
        _insert(con, "labResult", labs)
    finally:
        con.close()
