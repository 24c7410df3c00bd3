"""Dental practice group: clinics, dentists, patients, treatments and appointments (snake_case,
declared primary and foreign keys).

Deterministic (seeded `random.Random`). Two patients are both called "Emma Walsh"; two clinics tie
on chairs; one dentist (hired this month) has no appointments and one treatment (veneers) is never
booked. Appointments run up to the eval's now (2026-06-17) and beyond it: future ones are
`scheduled` (booked ahead). Unpaid completed visits have `paid_on` NULL.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
CLINICS = [
    (1, "Harbour Dental", "Bristol", 2004, 8),
    (2, "Parkside Smiles", "Bath", 2011, 6),
    (3, "Old Town Dental", "Bristol", 1998, 5),
    (4, "Riverside Dental Care", "Swindon", 2016, 6),
    (5, "Clifton Orthodontics", "Bristol", 2021, 4),
]
DENTISTS = [
    (1, "Dr. Anika Shah", "general", 1, dt.date(2012, 3, 1)),
    (2, "Dr. Tom Hargreaves", "general", 1, dt.date(2017, 9, 15)),
    (3, "Dr. Lucia Moretti", "orthodontics", 5, dt.date(2021, 5, 10)),
    (4, "Dr. Ben Okafor", "general", 2, dt.date(2014, 1, 20)),
    (5, "Dr. Sara Lindqvist", "periodontics", 2, dt.date(2019, 6, 3)),
    (6, "Dr. Michael Byrne", "general", 3, dt.date(2008, 11, 11)),
    (7, "Dr. Priya Nair", "endodontics", 3, dt.date(2015, 2, 2)),
    (8, "Dr. James Holloway", "general", 4, dt.date(2016, 8, 1)),
    (9, "Dr. Chloe Fenwick", "hygiene", 4, dt.date(2022, 4, 19)),
    (10, "Dr. Oliver Grant", "general", 1, dt.date(2026, 6, 8)),
]
TREATMENTS = [
    ("CHK", "Routine check-up", "preventive", 45.0),
    ("HYG", "Scale and polish", "preventive", 65.0),
    ("XRY", "Dental X-ray", "diagnostic", 30.0),
    ("FIL", "Composite filling", "restorative", 120.0),
    ("RCT", "Root canal treatment", "restorative", 450.0),
    ("CRN", "Porcelain crown", "restorative", 650.0),
    ("EXT", "Tooth extraction", "surgical", 150.0),
    ("WHT", "Teeth whitening", "cosmetic", 320.0),
    ("BRC", "Orthodontic brace fitting", "orthodontic", 1800.0),
    ("IMP", "Dental implant", "surgical", 2400.0),
    ("VEN", "Porcelain veneer", "cosmetic", 900.0),
]
FIRST = [
    "Emma",
    "Oliver",
    "Amelia",
    "Jack",
    "Isla",
    "Harry",
    "Ava",
    "George",
    "Mia",
    "Noah",
    "Sophie",
    "Leo",
    "Grace",
    "Arthur",
    "Freya",
    "Oscar",
    "Lily",
    "Theo",
    "Ruby",
    "Alfie",
]
LAST = [
    "Walsh",
    "Turner",
    "Patel",
    "Hughes",
    "Evans",
    "Khan",
    "Price",
    "Morgan",
    "Bell",
    "Foster",
    "Reid",
    "Lloyd",
    "Cole",
    "Shaw",
    "Mills",
    "Hunt",
    "Dixon",
    "Wood",
]
CITIES = ["Bristol", "Bath", "Swindon", "Chippenham", "Weston-super-Mare"]
INSURERS = ["Denplan", "Bupa Dental", "Simplyhealth", None, None]

DDL = """
CREATE TABLE clinics (clinic_id INTEGER PRIMARY KEY, clinic_name VARCHAR, city VARCHAR,
  opened_year INTEGER, chairs INTEGER);
CREATE TABLE dentists (dentist_id INTEGER PRIMARY KEY, full_name VARCHAR, specialty VARCHAR,
  clinic_id INTEGER REFERENCES clinics (clinic_id), hired_on DATE);
CREATE TABLE patients (patient_id INTEGER PRIMARY KEY, first_name VARCHAR, last_name VARCHAR,
  birth_date DATE, city VARCHAR, insurer VARCHAR, registered_on DATE);
CREATE TABLE treatments (treatment_code VARCHAR PRIMARY KEY, description VARCHAR,
  category VARCHAR, list_price DECIMAL(10, 2));
CREATE TABLE appointments (appointment_id INTEGER PRIMARY KEY,
  patient_id INTEGER REFERENCES patients (patient_id),
  dentist_id INTEGER REFERENCES dentists (dentist_id),
  treatment_code VARCHAR REFERENCES treatments (treatment_code),
  starts_at TIMESTAMP, status VARCHAR, charged_amount DECIMAL(10, 2), paid_on DATE);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(3101)
    patients = []
    for i in range(1, 521):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if (first, last) == ("Emma", "Walsh"):
            first = "Ella"
        if i in (41, 377):
            first, last = "Emma", "Walsh"
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 80))
        reg = dt.date(2015, 1, 1) + dt.timedelta(days=int(4180 * rng.random() ** 0.7))
        patients.append((i, first, last, born, rng.choice(CITIES), rng.choice(INSURERS), reg))
    weights = {
        "CHK": 30,
        "HYG": 22,
        "XRY": 14,
        "FIL": 16,
        "RCT": 5,
        "CRN": 4,
        "EXT": 6,
        "WHT": 3,
        "BRC": 0,
        "IMP": 0,
        "VEN": 0,
    }
    codes = [c for c, w in weights.items() for _ in range(w)]
    price = {t[0]: t[3] for t in TREATMENTS}
    appts = []
    for i in range(1, 3201):
        p = patients[rng.randrange(len(patients))]
        d = DENTISTS[rng.randrange(9)]
        code = rng.choice(codes)
        if d[2] == "orthodontics" and rng.random() < 0.5:
            code = "XRY"
        if i % 40 == 0:
            d = DENTISTS[2]
            code = "BRC"
        if i % 97 == 0:
            d = DENTISTS[6]
            code = "IMP"
        start = dt.datetime(2024, 1, 2, 8, 0) + dt.timedelta(
            days=rng.randint(0, 900 - 1), minutes=30 * rng.randint(0, 17)
        )
        if start.date() < p[6]:
            start = dt.datetime.combine(p[6], dt.time(9, 0)) + dt.timedelta(days=rng.randint(0, 60))
        if start >= NOW:
            status = "scheduled"
        else:
            r = rng.random()
            status = "completed" if r < 0.85 else ("cancelled" if r < 0.94 else "no_show")
        if start >= NOW + dt.timedelta(days=120):
            start = NOW + dt.timedelta(days=rng.randint(1, 90), hours=rng.randint(-2, 6))
        charged = None
        paid = None
        if status == "completed":
            charged = round(price[code] * rng.choice([0.9, 1.0, 1.0, 1.0, 1.1]), 2)
            if rng.random() < 0.92 or start.date() < dt.date(2025, 6, 1):
                paid = min(start.date() + dt.timedelta(days=rng.randint(0, 40)), NOW.date())
        appts.append((i, p[0], d[0], code, start, status, charged, paid))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "clinics", CLINICS)
        _insert(con, "dentists", DENTISTS)
        _insert(con, "patients", patients)
        _insert(con, "treatments", TREATMENTS)
        _insert(con, "appointments", appts)
    finally:
        con.close()
