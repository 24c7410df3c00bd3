"""Dog grooming salon: owners, pets, groomers, services and appointments (abbreviated camelCase
with a `dg` prefix, no declared keys: `dgAppt.petId` -> `dgPet.petId`, `dgPet.ownrNo` ->
`dgOwnr.ownrNo`, `dgAppt.grmrId` -> `dgGrmr.grmrId`, `dgAppt.svcCd` -> `dgSvc.svcCd`,
`dgOwnr.refBy` -> `dgOwnr.ownrNo`).

Deterministic (seeded `random.Random`). Two owners are both called "Chris Evans" and several pets
share a name ("Bella", "Max"); owners point at the owner who referred them (`refBy`, NULL when
nobody did); `amtPd` is NULL until an appointment is paid (no-shows, cancellations and future
bookings) and `tipAmt` is NULL when no tip was left; `wtKg` is NULL when the dog was never
weighed. Appointments are booked after the eval's now (2026-06-17). One groomer has never had an
appointment, one service was never booked and some pets were never groomed. Three owners tie as
top referrer. dgAppt -> dgPet -> dgOwnr is a three-table chain.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
# grmrId, grmrNm, lvl, hrlyRt, startDt
GROOMERS = [
    (1, "Dana Fox", "Senior", 28.0, dt.date(2019, 3, 1)),
    (2, "Marcus Bell", "Senior", 27.0, dt.date(2020, 8, 10)),
    (3, "Priya Nair", "Junior", 19.5, dt.date(2023, 1, 9)),
    (4, "Kat Lowe", "Junior", 19.5, dt.date(2024, 4, 2)),
    (5, "Ruth Okafor", "Trainee", 14.0, dt.date(2026, 6, 1)),
]
IDLE_GROOMER = 5
# svcCd, svcDesc, basePrc, durMin
SERVICES = [
    ("BTH", "Bath & brush", 35.0, 45),
    ("FUL", "Full groom", 65.0, 120),
    ("NAIL", "Nail clip", 12.0, 15),
    ("PUP", "Puppy intro", 30.0, 45),
    ("DESH", "De-shedding treatment", 55.0, 90),
    ("HSTR", "Hand stripping", 80.0, 150),
    ("TEETH", "Teeth cleaning", 18.0, 20),
    ("SPA", "Blueberry facial spa", 25.0, 30),
]
NEVER_BOOKED = "SPA"
FIRST = [
    "Chris",
    "Sarah",
    "Tom",
    "Laura",
    "James",
    "Hannah",
    "Mike",
    "Jen",
    "Dave",
    "Kerry",
    "Paul",
    "Nadia",
    "Ian",
    "Becky",
    "Raj",
    "Sue",
]
LAST = ["Evans", "Price", "Ward", "Lloyd", "Morgan", "Shah", "Doyle", "Clarke", "Byrne", "Hart"]
PET_NAMES = [
    "Bella",
    "Max",
    "Luna",
    "Teddy",
    "Milo",
    "Poppy",
    "Alfie",
    "Daisy",
    "Bear",
    "Rosie",
    "Bella",
    "Max",
    "Biscuit",
    "Ollie",
    "Nala",
]
BREEDS = [
    ("Cockapoo", "M"),
    ("Labrador", "L"),
    ("Shih Tzu", "S"),
    ("Border Collie", "M"),
    ("Golden Retriever", "L"),
    ("Dachshund", "S"),
    ("Newfoundland", "XL"),
    ("Border Terrier", "S"),
    ("Cavapoo", "S"),
    ("Springer Spaniel", "M"),
]
SIZE_FACTOR = {"S": 1.0, "M": 1.2, "L": 1.4, "XL": 1.8}


def _owners(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    used: set[tuple[str, str]] = set()
    for no in range(101, 146):
        if no in (104, 131):
            first, last = "Chris", "Evans"
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            while (first, last) in used or (first, last) == ("Chris", "Evans"):
                first, last = rng.choice(FIRST), rng.choice(LAST)
        used.add((first, last))
        ref = rng.randint(101, no - 1) if no > 105 and rng.random() < 0.35 else None
        postcode = rng.choice(["CF10", "CF11", "CF14", "CF23", "NP10"])
        rows.append((no, first, last, f"07700 900{no:03d}", postcode, ref))
    return rows


def _pets(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    owners = list(range(101, 146))
    for pid in range(1, 63):
        owner = owners[pid - 1] if pid <= len(owners) else rng.choice(owners)
        breed, size = rng.choice(BREEDS)
        born = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
        base = {"S": 7.0, "M": 15.0, "L": 30.0, "XL": 60.0}[size]
        weight = None if rng.random() < 0.15 else round(base * rng.uniform(0.8, 1.25), 1)
        rows.append((pid, owner, rng.choice(PET_NAMES), breed, size, born, weight))
    return rows


def _appointments(rng: random.Random, pets: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    groomed = [p for p in pets if int(str(p[0])) % 11 != 0]
    start = dt.date(2025, 3, 3)
    last = dt.date(2026, 7, 31)
    services = [s for s in SERVICES if s[0] != NEVER_BOOKED]
    for no in range(5001, 5361):
        day = start + dt.timedelta(days=rng.randint(0, (last - start).days))
        while day.weekday() == 6:
            day += dt.timedelta(days=1)
        at = dt.datetime.combine(
            day, dt.time(rng.choice([8, 9, 10, 11, 13, 14, 15]), rng.choice([0, 30]))
        )
        pet = rng.choice(groomed)
        groomer = rng.choice([1, 1, 2, 2, 3, 3, 4])
        svc = rng.choice(services)
        price = round(svc[2] * SIZE_FACTOR[str(pet[4])], 2)
        if at > NOW:
            status, paid, tip = "booked", None, None
        else:
            status = rng.choices(["done", "noshow", "cxl"], [88, 5, 7])[0]
            paid = price if status == "done" else None
            tip = rng.choice([None, None, None, 2.0, 5.0, 10.0]) if status == "done" else None
        rows.append((no, pet[0], groomer, svc[0], at, status, paid, tip))
    return rows


def build(path: str) -> None:
    rng = random.Random(3141)
    con = duckdb.connect(path)
    con.execute(
        "CREATE TABLE dgOwnr (ownrNo INTEGER, fNm VARCHAR, lNm VARCHAR, ph VARCHAR,"
        " pstCd VARCHAR, refBy INTEGER)"
    )
    con.execute(
        "CREATE TABLE dgPet (petId INTEGER, ownrNo INTEGER, petNm VARCHAR, brd VARCHAR,"
        " sz VARCHAR, dob DATE, wtKg DECIMAL(5,1))"
    )
    con.execute(
        "CREATE TABLE dgGrmr (grmrId INTEGER, grmrNm VARCHAR, lvl VARCHAR, hrlyRt DECIMAL(6,2),"
        " startDt DATE)"
    )
    con.execute(
        "CREATE TABLE dgSvc (svcCd VARCHAR, svcDesc VARCHAR, basePrc DECIMAL(6,2), durMin INTEGER)"
    )
    con.execute(
        "CREATE TABLE dgAppt (apptNo INTEGER, petId INTEGER, grmrId INTEGER, svcCd VARCHAR,"
        " apptTs TIMESTAMP, stat VARCHAR, amtPd DECIMAL(8,2), tipAmt DECIMAL(6,2))"
    )
    pets = _pets(rng)
    _insert(con, "dgOwnr", _owners(rng))
    _insert(con, "dgPet", pets)
    _insert(con, "dgGrmr", GROOMERS)
    _insert(con, "dgSvc", SERVICES)
    _insert(con, "dgAppt", _appointments(rng, pets))
    con.close()
