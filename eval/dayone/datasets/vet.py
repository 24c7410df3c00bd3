"""Veterinary clinic: owners, pets, vets, visits and invoices, with abbreviated camelCase names
and a `vc` prefix on every table. No declared keys: joins exist only by matching names
(ownerNo, petNo, vetNo, visitNo).

Two owners are both called "James Carter"; two vets tie on years of experience. Visits run up to
the eval's now (2026-06-17), including a few today.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.date(2026, 6, 17)
CITIES = ["Leeds", "York", "Harrogate", "Wakefield", "Bradford"]
FIRST = [
    "James",
    "Olivia",
    "Ahmed",
    "Sophie",
    "Tariq",
    "Hannah",
    "Lewis",
    "Megan",
    "Rohan",
    "Chloe",
    "Ewan",
    "Imogen",
    "Kwame",
    "Lily",
]
LAST = ["Carter", "Hughes", "Patel", "Doyle", "Hussain", "Ward", "Fraser", "Byrne", "Lowe"]
SPECIES = {
    "Dog": ["Labrador", "Beagle", "Spaniel", "Terrier", "Collie"],
    "Cat": ["Siamese", "Persian", "Maine Coon", "Domestic Shorthair"],
    "Rabbit": ["Lop", "Rex"],
    "Bird": ["Budgie", "Cockatiel"],
    "Reptile": ["Gecko", "Tortoise"],
}
SPECIES_W = [0.45, 0.35, 0.09, 0.06, 0.05]
PET_NAMES = [
    "Bella",
    "Max",
    "Luna",
    "Charlie",
    "Milo",
    "Daisy",
    "Rocky",
    "Coco",
    "Poppy",
    "Teddy",
    "Willow",
    "Oscar",
    "Ziggy",
    "Pip",
]
VETS = [
    (1, "Dr Anna Kowalski", "Surgery", dt.date(2012, 4, 1), 14),
    (2, "Dr Ben Oduya", "General Practice", dt.date(2018, 9, 15), 8),
    (3, "Dr Clara Senn", "Dermatology", dt.date(2015, 1, 10), 14),
    (4, "Dr Dev Malhotra", "Exotics", dt.date(2021, 6, 1), 5),
    (5, "Dr Erin Walsh", "General Practice", dt.date(2023, 2, 20), 3),
    (6, "Dr Farid Nasser", "Dentistry", dt.date(2025, 11, 3), 11),
]
REASONS = ["Vaccination", "Check-up", "Injury", "Dental", "Skin problem", "Surgery", "Illness"]
REASON_FEE = {
    "Vaccination": 45,
    "Check-up": 55,
    "Injury": 120,
    "Dental": 180,
    "Skin problem": 90,
    "Surgery": 650,
    "Illness": 110,
}

DDL = """
CREATE TABLE vcOwner (ownerNo INTEGER, ownerNm VARCHAR, city VARCHAR, phoneNo VARCHAR,
  regDt DATE);
CREATE TABLE vcPet (petNo INTEGER, ownerNo INTEGER, petNm VARCHAR, species VARCHAR,
  breed VARCHAR, birthDt DATE, wtKg DOUBLE, neuteredFlg BOOLEAN);
CREATE TABLE vcVet (vetNo INTEGER, vetNm VARCHAR, specialty VARCHAR, hireDt DATE,
  yrsExp INTEGER);
CREATE TABLE vcVisit (visitNo INTEGER, petNo INTEGER, vetNo INTEGER, visitTs TIMESTAMP,
  reasonDesc VARCHAR, durMin INTEGER);
CREATE TABLE vcInvoice (invNo INTEGER, visitNo INTEGER, invAmt DECIMAL(8, 2),
  paidFlg BOOLEAN, payMethod VARCHAR);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(2002)
    owners = []
    for i in range(1, 321):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name == "James Carter":
            name = "Lily Ward"
        if i in (5, 188):
            name = "James Carter"
        reg = NOW - dt.timedelta(days=int(2500 * rng.random() ** 1.3))
        owners.append((i, name, rng.choice(CITIES), f"07{rng.randint(100000000, 999999999)}", reg))
    pets = []
    for i in range(1, 481):
        sp = rng.choices(list(SPECIES), SPECIES_W)[0]
        owner = owners[int(rng.random() * 300)]  # owners 301..320 have no pet yet
        born = NOW - dt.timedelta(days=rng.randint(60, 16 * 365))
        wt = {
            "Dog": (4, 45),
            "Cat": (2.5, 8),
            "Rabbit": (1, 4),
            "Bird": (0.03, 0.12),
            "Reptile": (0.05, 6),
        }[sp]
        pets.append(
            (
                i,
                owner[0],
                rng.choice(PET_NAMES),
                sp,
                rng.choice(SPECIES[sp]),
                born,
                round(rng.uniform(*wt), 2),
                rng.random() < 0.6,
            )
        )
    visits, invoices = [], []
    for i in range(1, 1801):
        pet = pets[int(460 * rng.random() ** 1.2)]  # pets 461..480 never visited
        vet = 4 if pet[3] in ("Bird", "Reptile") else rng.choice([1, 2, 2, 3, 5, 5, 6])
        day = NOW - dt.timedelta(days=int(700 * rng.random() ** 1.4))
        if vet == 6 and day < dt.date(2025, 11, 3):
            vet = 2
        hour = rng.randint(8, 17)
        if day == NOW:
            hour = min(hour, 9)  # nothing after the eval's now (10:00)
        ts = dt.datetime.combine(day, dt.time(hour, rng.choice([0, 15, 30, 45])))
        reason = rng.choice(REASONS if vet != 6 else ["Dental"])
        visits.append((i, pet[0], vet, ts, reason, rng.choice([15, 20, 30, 45, 60])))
        amt = round(REASON_FEE[reason] * rng.uniform(0.8, 1.3), 2)
        paid = day < NOW - dt.timedelta(days=20) or rng.random() < 0.5
        invoices.append((i, i, amt, paid, rng.choice(["Card", "Card", "Cash", "Insurance"])))
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "vcOwner", owners)
        _insert(con, "vcPet", pets)
        _insert(con, "vcVet", VETS)
        _insert(con, "vcVisit", visits)
        _insert(con, "vcInvoice", invoices)
    finally:
        con.close()
