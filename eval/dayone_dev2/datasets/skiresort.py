"""Ski resort (southern hemisphere: the season runs June to early October): lifts, guests, ski
passes, lift scans, instructors and lessons (PascalCase, declared primary and foreign keys).

Deterministic (seeded `random.Random`). Two guests are both called "Liam Murphy"; lessons point
at instructors twice (`InstructorID` who leads, `AssistantID` who assists; NULL for a one-to-one
lesson); a cancelled lesson has `CancelledAt` set; `Country` is NULL when the guest did not say.
Scans run through the 2025 season and the 2026 season, which opened on 2026-06-06; lessons are
booked after the eval's now (2026-06-17). One lift has never scanned a pass, one instructor has
never taught and some guests never bought a pass. Two lifts tie on hourly capacity at a top-3
cut-off. Scan -> pass -> guest is a three-table chain.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
# LiftID, LiftName, LiftType, CapacityPerHour, VerticalM, OpenedYear
LIFTS = [
    (1, "Base Chair", "Chairlift", 1800, 310, 1998),
    (2, "Ridge Gondola", "Gondola", 2400, 640, 2012),
    (3, "Kea Quad", "Chairlift", 2000, 420, 2005),
    (4, "Nursery Carpet", "Magic carpet", 900, 20, 2010),
    (5, "Tussock T-Bar", "T-bar", 1100, 280, 1985),
    (6, "Summit Express", "Chairlift", 2400, 520, 2026),
    (7, "Glacier Six", "Chairlift", 2000, 480, 2018),
]
UNUSED_LIFT = 6
# InstructorID, FullName, CertLevel, HourlyRate, StartedOn
INSTRUCTORS = [
    (1, "Aroha Ngata", "Level 3", 95.0, dt.date(2011, 6, 1)),
    (2, "Pierre Laval", "Level 3", 95.0, dt.date(2014, 6, 1)),
    (3, "Jess Morton", "Level 2", 75.0, dt.date(2019, 6, 1)),
    (4, "Kenji Ito", "Level 2", 80.0, dt.date(2020, 6, 1)),
    (5, "Sam Whitley", "Level 1", 60.0, dt.date(2023, 6, 1)),
    (6, "Nina Brandt", "Level 1", 60.0, dt.date(2025, 6, 1)),
    (7, "Tama Reihana", "Level 1", 55.0, dt.date(2026, 6, 6)),
]
IDLE_INSTRUCTOR = 7
FIRST = [
    "Liam",
    "Ella",
    "Jack",
    "Charlotte",
    "Oliver",
    "Amelia",
    "Lucas",
    "Isla",
    "Mason",
    "Zoe",
    "Hugo",
    "Ruby",
    "Max",
    "Mila",
    "Leo",
    "Grace",
    "Eli",
    "Ava",
    "Finn",
    "Sophie",
]
LAST = ["Murphy", "Smith", "Chen", "Wilson", "Singh", "Brown", "Taylor", "Kim", "Walker", "Hall"]
COUNTRIES = ["New Zealand", "New Zealand", "Australia", "Australia", "Japan", "USA", None]
# PassType, Price, days valid
PASS_TYPES = [("Day", 149.0, 1), ("3-Day", 399.0, 3), ("Week", 799.0, 7), ("Season", 1299.0, 0)]
SEASONS = {
    2025: (dt.date(2025, 6, 14), dt.date(2025, 10, 5)),
    2026: (dt.date(2026, 6, 6), dt.date(2026, 10, 4)),
}
LEVELS = ["Beginner", "Beginner", "Intermediate", "Advanced"]


def _guests(rng: random.Random) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    used: set[tuple[str, str]] = set()
    for gid in range(1, 61):
        if gid in (8, 41):
            first, last = "Liam", "Murphy"
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            while (first, last) in used or (first, last) == ("Liam", "Murphy"):
                first, last = rng.choice(FIRST), rng.choice(LAST)
        used.add((first, last))
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 18000))
        rows.append((gid, first, last, rng.choice(COUNTRIES), birth))
    return rows


def _passes(rng: random.Random, buyers: list[int]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    pid = 1
    for season, (opens, closes) in SEASONS.items():
        last_day = min(closes, NOW.date()) if season == 2026 else closes
        count = 70 if season == 2025 else 22
        for _ in range(count):
            kind, price, days = rng.choice(PASS_TYPES)
            if kind == "Season":
                start, end = opens, closes
            else:
                start = opens + dt.timedelta(days=rng.randint(0, (last_day - opens).days))
                end = start + dt.timedelta(days=days - 1)
            if season == 2025 and rng.random() < 0.2:
                price = round(price * 0.85, 2)  # early-bird price
            buyer = rng.choice(buyers)
            if pid in (3, 75):
                buyer = 8  # the first "Liam Murphy"
            rows.append((pid, buyer, kind, price, start, end))
            pid += 1
    return rows


def _scans(rng: random.Random, passes: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    used_lifts = [lift[0] for lift in LIFTS if lift[0] != UNUSED_LIFT]
    weights = [5, 4, 4, 2, 1, 3]
    sid = 1
    for p in passes:
        start, end = p[4], p[5]
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        end = min(end, NOW.date() - dt.timedelta(days=1))
        if end < start:
            continue
        for _ in range(rng.randint(2, 9)):
            day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            at = dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.randint(0, 59)))
            lift = rng.choices(used_lifts, weights)[0]
            rows.append((sid, p[0], lift, at))
            sid += 1
    return rows


def _lessons(rng: random.Random, buyers: list[int]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    teachers = [i[0] for i in INSTRUCTORS if i[0] != IDLE_INSTRUCTOR]
    days: list[dt.date] = []
    for opens, closes in SEASONS.values():
        days += [opens + dt.timedelta(days=d) for d in range((closes - opens).days + 1)]
    days = [d for d in days if d <= NOW.date() + dt.timedelta(days=25)]
    for lid in range(1, 131):
        day = rng.choice(days)
        lead = rng.choice(teachers)
        assistant = None
        if rng.random() < 0.3:
            assistant = rng.choice([t for t in teachers if t != lead])
        hours = rng.choice([1, 1, 2, 2, 3])
        fee = next(i[3] for i in INSTRUCTORS if i[0] == lead) * hours
        cancelled = None
        if rng.random() < 0.1:
            eve = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(18, 0))
            cancelled = min(eve, NOW - dt.timedelta(hours=20))
        starts = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 13, 14]), 0))
        rows.append(
            (
                lid,
                rng.choice(buyers),
                lead,
                assistant,
                starts,
                hours,
                rng.choice(LEVELS),
                fee,
                cancelled,
            )
        )
    return rows


def build(path: str) -> None:
    rng = random.Random(2606)
    con = duckdb.connect(path)
    con.execute(
        "CREATE TABLE Lift (LiftID INTEGER PRIMARY KEY, LiftName VARCHAR, LiftType VARCHAR,"
        " CapacityPerHour INTEGER, VerticalM INTEGER, OpenedYear INTEGER)"
    )
    con.execute(
        "CREATE TABLE Instructor (InstructorID INTEGER PRIMARY KEY, FullName VARCHAR,"
        " CertLevel VARCHAR, HourlyRate DECIMAL(6,2), StartedOn DATE)"
    )
    con.execute(
        "CREATE TABLE Guest (GuestID INTEGER PRIMARY KEY, FirstName VARCHAR, LastName VARCHAR,"
        " Country VARCHAR, BirthDate DATE)"
    )
    con.execute(
        "CREATE TABLE SkiPass (PassID INTEGER PRIMARY KEY, GuestID INTEGER REFERENCES"
        " Guest(GuestID), PassType VARCHAR, Price DECIMAL(8,2), ValidFrom DATE, ValidTo DATE)"
    )
    con.execute(
        "CREATE TABLE LiftScan (ScanID INTEGER PRIMARY KEY, PassID INTEGER REFERENCES"
        " SkiPass(PassID), LiftID INTEGER REFERENCES Lift(LiftID), ScannedAt TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE Lesson (LessonID INTEGER PRIMARY KEY, GuestID INTEGER REFERENCES"
        " Guest(GuestID), InstructorID INTEGER REFERENCES Instructor(InstructorID),"
        " AssistantID INTEGER REFERENCES Instructor(InstructorID), StartsAt TIMESTAMP,"
        " DurationHours INTEGER, SkillLevel VARCHAR, Fee DECIMAL(8,2), CancelledAt TIMESTAMP)"
    )
    guests = _guests(rng)
    buyers = [int(str(g[0])) for g in guests if int(str(g[0])) % 7 != 3]
    passes = _passes(rng, buyers)
    _insert(con, "Lift", LIFTS)
    _insert(con, "Instructor", INSTRUCTORS)
    _insert(con, "Guest", guests)
    _insert(con, "SkiPass", passes)
    _insert(con, "LiftScan", _scans(rng, passes))
    _insert(con, "Lesson", _lessons(rng, buyers))
    con.close()
